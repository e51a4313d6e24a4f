/**
 * The names Parley's service worker gives what it owns, shared by the build (vite.config.ts sets
 * workbox's `cacheId`) and by "Delete all data" (storage/delete-all.ts), which must remove exactly
 * these and nothing of another app on the same origin.
 *
 * Workbox names a cache `<cacheId>-<kind>-<registration scope>` (workbox-core cacheNames), e.g.
 * `parley-precache-v2-https://example.com/parley/`. Cache Storage is per origin and shared with
 * every other app there; the scope in the name is what tells Parley's (this folder) apart from
 * another copy of Parley or another workbox app in a neighbouring folder.
 */
export const CACHE_ID = 'parley';

/** The name builds before `cacheId` was set gave the precache (workbox's default prefix). */
const LEGACY_PRECACHE = 'workbox-precache-v2';

/** The scope Parley's worker registers with: the folder index.html is served from. */
export function parleyScope(pageUrl: string): string {
  return new URL('./', pageUrl).href;
}

/** The cache belongs to the Parley served at `scope` (and so to nobody else). */
export function isParleyCache(name: string, scope: string): boolean {
  if (name === `${LEGACY_PRECACHE}-${scope}`) return true;
  const suffix = `-${scope}`;
  if (!name.startsWith(`${CACHE_ID}-`) || !name.endsWith(suffix)) return false;
  // The kind between them is one word (precache-v2, runtime), never a URL of its own.
  return /^[\w-]+$/.test(name.slice(CACHE_ID.length + 1, -suffix.length));
}
