/**
 * Connects the page to its service worker and to the signs of a new version: registers the worker
 * of a production build after the page has loaded, so it never competes with the first paint
 * (development builds have none: the dev server serves modules that must not be cached), and
 * reports failed chunk loads and a new worker taking over to `updates` (update.svelte.ts).
 */
import type { UpdateState } from './update.svelte';
import { afterFirstScreen } from '../utils/first-screen';

export function registerServiceWorker(updates: UpdateState): void {
  // Vite's module preloader fires this when a lazy chunk's stylesheet (or, without a handler of
  // its own, the import itself) fails to load. The dialogs handle their import's failure, so the
  // chunk's own <link rel="modulepreload"> failing (its error event does not bubble: captured
  // here) is what tells of a missing script.
  addEventListener('vite:preloadError', () => updates.chunkFailed());
  addEventListener(
    'error',
    (event) => {
      const target = event.target;
      if (target instanceof HTMLLinkElement && target.rel === 'modulepreload')
        updates.chunkFailed();
    },
    true,
  );
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // registerSW reports the takeover only in tabs that saw the new worker waiting; the browser
  // tells every tab it controlled. A page that had no controller gets none on a first install.
  const wasControlled = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (wasControlled) updates.newVersionControls();
  });
  // After the first screen too: the worker and its precache download are not first-load work.
  const start = () => {
    void afterFirstScreen()
      .then(() => import('virtual:pwa-register'))
      .then(
        ({ registerSW }) => updates.start(registerSW),
        // The chunk failed to load (offline before it was ever cached): nothing to register with.
        () => undefined,
      );
  };
  if (document.readyState === 'complete') start();
  else addEventListener('load', start, { once: true });
}
