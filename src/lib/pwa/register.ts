/**
 * Registers the service worker of a production build, after the page has loaded so it never
 * competes with the first paint. Development builds have none (the dev server serves modules
 * that must not be cached).
 */
import type { UpdateState } from './update.svelte';

export function registerServiceWorker(updates: UpdateState): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const start = () => {
    import('virtual:pwa-register').then(
      ({ registerSW }) => updates.start(registerSW),
      // The chunk failed to load (offline before it was ever cached): nothing to register with.
      () => undefined,
    );
  };
  if (document.readyState === 'complete') start();
  else addEventListener('load', start, { once: true });
}
