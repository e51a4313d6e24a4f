/**
 * Parts of a message shown only on demand, not first-load code: the editor (Edit, Add message)
 * and the countdown of a request that waits (rate limit, retry). Each is fetched the first time
 * it is shown; the chat view also fetches them once the first screen is drawn, so a click never
 * waits for the network. A chunk that fails to load is reported by the page's preload listener,
 * which offers Reload (lib/pwa/register.ts); the part then stays away and nothing changes.
 */
export const loadMessageEditor = () => import('./MessageEditor.svelte');
export const loadWaitNotice = () => import('./WaitNotice.svelte');
