/**
 * The moment the first screen is drawn (the first-run form, the unlock form, or the chat ready to
 * type). Everything the first screen does not need (the rest of the strings, the Markdown engine,
 * the parameters panel, ...) waits for it, so the first load fetches only what that screen shows
 * (its budget is 60 KB) and the rest comes right after, before a person can reach for it.
 */
import { SCREEN_KEY } from './theme';

let resolveDrawn: () => void = () => undefined;
const drawn = new Promise<void>((resolve) => (resolveDrawn = resolve));

/**
 * Called by each first screen once it is in the page. Resolves after that frame is painted: a
 * requestAnimationFrame callback runs just before the paint, a task queued from it just after.
 */
export function markFirstScreen(): void {
  if (typeof requestAnimationFrame === 'undefined') {
    resolveDrawn();
    return;
  }
  requestAnimationFrame(() => setTimeout(resolveDrawn, 0));
}

/** Resolves once the first screen has been painted (at once, after that). */
export function afterFirstScreen(): Promise<void> {
  return drawn;
}

/**
 * The screen this visit will probably land on: what the last one showed (copied to localStorage
 * by utils/theme.ts, read the same way by public/boot.js), first run when nothing is known.
 */
export function expectedScreen(): 'setup' | 'chat' {
  try {
    return localStorage.getItem(SCREEN_KEY) === 'chat' ? 'chat' : 'setup';
  } catch {
    return 'setup'; // Storage blocked: as on a first visit.
  }
}
