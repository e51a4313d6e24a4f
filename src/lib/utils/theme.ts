/**
 * The page's look before and after the app starts. The choice lives in Settings (IndexedDB),
 * which is asynchronous and far too late for the first paint, so a copy is kept in localStorage
 * for public/boot.js, a blocking script in index.html's <head> that sets `data-theme` on <html>
 * before anything is painted. CSS (app.css) keys the light and dark colours on that attribute,
 * and on prefers-color-scheme when it is absent ('system').
 *
 * The language and the screen shown are copied the same way, for the static shell's `lang` and
 * for what boot.js preloads. The keys and values here must match public/boot.js, which cannot
 * import them.
 */
import type { Locale, Theme } from '../domain/types';

export const THEME_KEY = 'parley.theme';
export const LOCALE_KEY = 'parley.locale';
export const SCREEN_KEY = 'parley.screen';

interface Target {
  root: { dataset: DOMStringMap };
  /** Absent or throwing (storage blocked): the theme still applies to this page. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
}

function browserTarget(): Target {
  let storage: Target['storage'] = null;
  try {
    storage = localStorage;
  } catch {
    // Blocked storage (some private modes): only the first paint of the next visit is affected.
  }
  return { root: document.documentElement, storage };
}

/** Applies `theme` to the page now and remembers it for the next first paint. */
export function applyTheme(theme: Theme, target: Target = browserTarget()): void {
  if (theme === 'system') delete target.root.dataset.theme;
  else target.root.dataset.theme = theme;
  remember(target, THEME_KEY, theme === 'system' ? null : theme);
}

/** Remembers the language shown, so the static shell of the next visit carries the right `lang`. */
export function rememberLocale(locale: Locale, target: Target = browserTarget()): void {
  remember(target, LOCALE_KEY, locale);
}

/**
 * Remembers which screen this visit ended on (the chat, or first run / unlock), so boot.js
 * preloads the first-run form only for people who will see it. Says nothing about the key.
 */
export function rememberScreen(screen: 'chat' | 'setup', target: Target = browserTarget()): void {
  remember(target, SCREEN_KEY, screen);
}

function remember(target: Target, key: string, value: string | null): void {
  try {
    if (target.storage?.getItem(key) === value) return;
    if (value === null) target.storage?.removeItem(key);
    else target.storage?.setItem(key, value);
  } catch {
    // Quota or blocked storage: the copy is an optimisation, Settings stays the source of truth.
  }
}
