/**
 * marked + DOMPurify are about a third of Parley's script. The first paint (the shell, the
 * sidebar, the composer) does not need them, so they load as their own chunk: `preloadMarkdown()`
 * starts the download while storage opens, and the few messages drawn before it arrives show as
 * plain text for a moment.
 */
import type * as Engine from './engine';

export type MarkdownEngine = typeof Engine;

let engine: MarkdownEngine | null = null;
let loading: Promise<MarkdownEngine> | null = null;

export function loadMarkdown(): Promise<MarkdownEngine> {
  loading ??= import('./engine').then((loaded) => (engine = loaded));
  return loading;
}

/** The engine if it has loaded, so components can render synchronously once it is here. */
export function loadedMarkdown(): MarkdownEngine | null {
  return engine;
}

export function preloadMarkdown(): void {
  void loadMarkdown();
}
