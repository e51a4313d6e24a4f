/**
 * Parts of a message shown only on demand, not first-load code: the editor (Edit, Add message)
 * and the countdown of a request that waits (rate limit, retry). Each is fetched the first time
 * it is shown, with the rest of the strings (its words are not among the first screen's); the
 * chat view also fetches them once the first screen is drawn, so a click never waits for the
 * network. A chunk that fails to load is reported by the page's preload listener, which offers
 * Reload (lib/pwa/register.ts); the part then stays away and nothing changes.
 */
import { withAllStrings } from '../../i18n/index.svelte';

export const loadMessageEditor = () => withAllStrings(import('./MessageEditor.svelte'));
export const loadWaitNotice = () => withAllStrings(import('./WaitNotice.svelte'));
