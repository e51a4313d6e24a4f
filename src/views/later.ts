/**
 * Code of the chat that is on screen but not needed to type (the parameters panel, the export
 * menu, the token estimate): fetched once the first screen is drawn, shown once the rest of the
 * strings is here too (so it never shows a key). The first load stays within its 60 KB budget.
 * A chunk that fails to load is reported by the page's preload listener (lib/pwa/register.ts,
 * which offers Reload) and tried again on the next `load()`.
 */
import { withAllStrings } from '../lib/i18n/index.svelte';
import { Lazy } from '../lib/state/lazy.svelte';
import { afterFirstScreen } from '../lib/utils/first-screen';

export function later<T>(load: () => Promise<T>): Lazy<T> {
  return new Lazy(async () => {
    await afterFirstScreen();
    return withAllStrings(load());
  });
}
