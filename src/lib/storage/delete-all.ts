/**
 * "Delete all data": everything Parley keeps in this browser. The IndexedDB database (every
 * conversation, message, preset, draft and setting, the key included) and the search index's
 * (search-store.ts), Parley's own entries in
 * localStorage and sessionStorage, the service worker and Cache Storage.
 *
 * The database is deleted whole (`deleteDatabase`), not emptied store by store: nothing of an
 * old schema survives, and the next start builds a fresh one. Deleting waits until every open
 * connection has closed. Parley tabs close theirs on `versionchange` (store.ts), so `onBlocked`
 * means some tab has not (an older Parley, or one busy opening); the caller asks other tabs to
 * close over BroadcastChannel, and the promise settles once they have.
 *
 * Cache Storage and service worker registrations are per origin, shared with whatever else runs
 * there (Parley should have an origin of its own, as its IndexedDB database assumes, but may not):
 * only Parley's own are removed, the caches its worker named for this scope (pwa/cache-names.ts)
 * and the registration whose scope is exactly this folder. Web storage keys are shared the same
 * way, so only keys starting with `parley` are removed.
 */
import { StorageError, toStorageError } from './errors';
import { DB_NAME } from './schema';
import { SEARCH_DB_NAME } from './search-store';
import { isParleyCache, parleyScope } from '../pwa/cache-names';

export interface DeleteAllOptions {
  /** Database name; tests use their own. Defaults to DB_NAME. */
  name?: string;
  /** The search index's own database (search-store.ts); tests use their own. */
  searchName?: string;
  /** Defaults to the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Defaults to the global `caches` (missing on insecure pages). */
  caches?: Pick<CacheStorage, 'keys' | 'delete'>;
  /** Defaults to `navigator.serviceWorker` (missing on insecure pages). */
  serviceWorker?: Pick<ServiceWorkerContainer, 'getRegistrations'>;
  /** The service worker scope Parley runs under; defaults to this page's folder. */
  scope?: string;
  /** Defaults to `localStorage` and `sessionStorage`. */
  webStorages?: Storage[];
  /** Another connection is still open: deleting waits for it to close. */
  onBlocked?: () => void;
}

/** Web storage keys Parley owns (and may therefore delete). */
const WEB_STORAGE_PREFIX = 'parley';

/**
 * Deletes it all. The `deleteDatabase` request is issued synchronously, before this returns its
 * promise, so a caller can tell other tabs right after calling and know the request comes first:
 * any database they open afterwards waits for the deletion and starts empty. Close this tab's
 * own connection before calling, or it blocks its own deletion until its `versionchange`.
 */
export function deleteAllData(options: DeleteAllOptions = {}): Promise<void> {
  const factory = options.indexedDB ?? (typeof indexedDB === 'undefined' ? undefined : indexedDB);
  // The search index is derived from the data, but it holds the same words: it goes too.
  const database = factory
    ? Promise.all([
        deleteDatabase(factory, options.name ?? DB_NAME, options.onBlocked),
        deleteDatabase(factory, options.searchName ?? SEARCH_DB_NAME, options.onBlocked),
      ])
    : Promise.resolve();
  // Caches and the service worker hold only Parley's own files, none of the person's data: a
  // failure there must not report the deletion as failed. The next start re-installs both.
  const scope = options.scope ?? globalScope();
  const files = Promise.all([
    clearCaches(options.caches ?? globalCaches(), scope),
    unregisterServiceWorker(options.serviceWorker ?? globalServiceWorker(), scope),
  ]).catch(ignore);
  return Promise.all([database, files]).then(() => {
    clearWebStorage(options.webStorages ?? globalWebStorages());
  });
}

function ignore(): void {
  // Deliberately empty: see above.
}

function deleteDatabase(factory: IDBFactory, name: string, onBlocked?: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.deleteDatabase(name);
    } catch (error) {
      reject(toStorageError(error));
      return;
    }
    request.addEventListener('success', () => {
      resolve();
    });
    request.addEventListener('error', () => {
      reject(
        request.error
          ? toStorageError(request.error)
          : new StorageError('unknown', 'Deleting the database failed.'),
      );
    });
    request.addEventListener('blocked', () => onBlocked?.());
  });
}

async function clearCaches(
  storage: Pick<CacheStorage, 'keys' | 'delete'> | undefined,
  scope: string | undefined,
) {
  if (!storage || scope === undefined) return;
  const names = (await storage.keys()).filter((name) => isParleyCache(name, scope));
  await Promise.all(names.map((name) => storage.delete(name)));
}

/**
 * Exactly this scope: `getRegistration(url)` would answer the registration of an app in a parent
 * folder too when Parley has none, and `getRegistrations()` lists every app's on the origin.
 */
async function unregisterServiceWorker(
  container: Pick<ServiceWorkerContainer, 'getRegistrations'> | undefined,
  scope: string | undefined,
) {
  if (!container || scope === undefined) return;
  const registrations = await container.getRegistrations();
  await Promise.all(
    registrations
      .filter((registration) => registration.scope === scope)
      .map((registration) => registration.unregister()),
  );
}

function clearWebStorage(storages: Storage[]): void {
  for (const storage of storages) {
    // Collected first: removing while indexing would skip the key after each one removed.
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i += 1) {
      const key = storage.key(i);
      if (key?.startsWith(WEB_STORAGE_PREFIX)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  }
}

function globalCaches(): CacheStorage | undefined {
  return typeof caches === 'undefined' ? undefined : caches;
}

/** Undefined outside a page (Node): then there is no worker or cache to tell apart. */
function globalScope(): string | undefined {
  return typeof location === 'undefined' ? undefined : parleyScope(location.href);
}

function globalServiceWorker(): ServiceWorkerContainer | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
}

/** Reading `localStorage` itself throws where storage is disabled: then there is nothing to clear. */
function globalWebStorages(): Storage[] {
  const found: Storage[] = [];
  for (const read of [() => localStorage, () => sessionStorage]) {
    try {
      found.push(read());
    } catch {
      // Missing (Node) or disabled by the browser's settings.
    }
  }
  return found;
}
