/** Everything that needs marked and DOMPurify, in one chunk that loads after the first paint. */
export { IncrementalMarkdown, type RenderedBlock } from './incremental';
export { renderMarkdown } from './render';
