/** Everything that needs marked and DOMPurify, in one chunk that loads after the first paint. */
import './code.css';

export { IncrementalMarkdown, type RenderedBlock } from './incremental';
export { renderMarkdown } from './render';
export { MarkdownEnhancer, type CodeLabels } from './enhance';
