import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import { deleteAllData } from './delete-all';
import { openStore } from './store';
import { conversation, message } from './test-fixtures';

const NAME = 'parley-delete-all-test';

/** A minimal in-memory Web Storage. */
function webStorage(entries: Record<string, string>): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (index: number) => [...map.keys()][index] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    clear: () => map.clear(),
  };
}

function fakeCaches(names: string[]) {
  const left = new Set(names);
  return {
    left,
    keys: vi.fn(() => Promise.resolve([...left])),
    delete: vi.fn((name: string) => Promise.resolve(left.delete(name))),
  };
}

const SCOPE = 'https://example.com/parley/';

/** Registrations with these scopes; `unregistered` lists the scopes unregistered. */
function fakeServiceWorker(scopes: string[]) {
  const unregistered: string[] = [];
  const registrations = scopes.map((scope) => ({
    scope,
    unregister: vi.fn(() => {
      unregistered.push(scope);
      return Promise.resolve(true);
    }),
  }));
  return {
    unregistered,
    container: {
      getRegistrations: () =>
        Promise.resolve(registrations as unknown as readonly ServiceWorkerRegistration[]),
    },
  };
}

async function filledDatabase(factory: IDBFactory) {
  const store = await openStore({ name: NAME, indexedDB: factory });
  await store.putSettings({ ...DEFAULT_SETTINGS, apiKey: 'sk-delete-me-0123456789' });
  await store.putMessages([message()], conversation());
  return store;
}

describe('deleteAllData', () => {
  it('deletes the database, caches, service workers and Parley’s web storage keys', async () => {
    const factory = new IDBFactory();
    (await filledDatabase(factory)).close();
    const caches = fakeCaches([`parley-precache-v2-${SCOPE}`]);
    const { container, unregistered } = fakeServiceWorker([SCOPE]);
    const local = webStorage({ 'parley:draft': 'hi', parleyTheme: 'dark', 'someone-else': 'x' });
    const session = webStorage({ 'parley-session': '1' });

    await deleteAllData({
      name: NAME,
      indexedDB: factory,
      caches,
      serviceWorker: container,
      scope: SCOPE,
      webStorages: [local, session],
    });

    expect(await factory.databases()).toEqual([]);
    expect(caches.left.size).toBe(0);
    expect(unregistered).toEqual([SCOPE]);
    expect(local.length).toBe(1);
    expect(local.getItem('someone-else')).toBe('x');
    expect(session.length).toBe(0);

    const fresh = await openStore({ name: NAME, indexedDB: factory });
    expect(await fresh.listConversations()).toEqual([]);
    expect((await fresh.getSettings()).apiKey).toBeNull();
    fresh.close();
  });

  it('issues the deletion at once: a database opened right after waits and starts empty', async () => {
    const factory = new IDBFactory();
    (await filledDatabase(factory)).close();
    const deleting = deleteAllData({ name: NAME, indexedDB: factory, webStorages: [] });
    const reopened = openStore({ name: NAME, indexedDB: factory });
    await deleting;
    const store = await reopened;
    expect(await store.listConversations()).toEqual([]);
    store.close();
  });

  it('another tab’s open connection closes itself (versionchange); no blocked', async () => {
    const factory = new IDBFactory();
    const onVersionChange = vi.fn();
    const store = await openStore({ name: NAME, indexedDB: factory, onVersionChange });
    await store.putMessages([message()], conversation());
    const onBlocked = vi.fn();
    await deleteAllData({ name: NAME, indexedDB: factory, onBlocked, webStorages: [] });
    expect(onVersionChange).toHaveBeenCalledOnce();
    expect(onBlocked).not.toHaveBeenCalled();
    await expect(store.listConversations()).rejects.toMatchObject({ kind: 'blocked' });
  });

  it('a connection that stays open blocks: onBlocked, then it finishes once that closes', async () => {
    const factory = new IDBFactory();
    (await filledDatabase(factory)).close();
    // A raw connection with no versionchange handler, like an older Parley's.
    const stubborn = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(NAME);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    let isDone = false;
    const blocked = new Promise<void>((resolve) => {
      void deleteAllData({
        name: NAME,
        indexedDB: factory,
        webStorages: [],
        onBlocked: resolve,
      }).then(() => (isDone = true));
    });
    await blocked;
    expect(isDone).toBe(false);
    stubborn.close();
    await vi.waitFor(() => expect(isDone).toBe(true));
    expect(await factory.databases()).toEqual([]);
  });

  it('removes only Parley’s own caches and worker of this scope, never other apps’ on the origin', async () => {
    const ours = [
      `parley-precache-v2-${SCOPE}`,
      `parley-runtime-${SCOPE}`,
      // Written by builds before the cache id was set: the same worker of the same scope.
      `workbox-precache-v2-${SCOPE}`,
    ];
    const others = [
      'images-v1',
      'workbox-precache-v2-https://example.com/',
      'workbox-precache-v2-https://example.com/other/',
      'parley-precache-v2-https://example.com/',
      'parley-precache-v2-https://example.com/parley/beta/',
      `workbox-runtime-${SCOPE}x`,
      `parley-precache-v2-https://example.com/-${SCOPE}`,
    ];
    const caches = fakeCaches([...ours, ...others]);
    const { container, unregistered } = fakeServiceWorker([
      'https://example.com/',
      SCOPE,
      'https://example.com/parley/beta/',
      'https://example.com/other/',
    ]);
    await deleteAllData({
      name: NAME,
      indexedDB: new IDBFactory(),
      caches,
      serviceWorker: container,
      scope: SCOPE,
      webStorages: [],
    });
    expect([...caches.left].sort()).toEqual([...others].sort());
    expect(unregistered).toEqual([SCOPE]);
  });

  it('a failing cache or service worker does not fail the deletion', async () => {
    const factory = new IDBFactory();
    (await filledDatabase(factory)).close();
    await deleteAllData({
      name: NAME,
      indexedDB: factory,
      webStorages: [],
      caches: {
        keys: () => Promise.reject(new DOMException('no', 'SecurityError')),
        delete: () => Promise.resolve(false),
      },
      serviceWorker: { getRegistrations: () => Promise.reject(new Error('insecure')) },
    });
    expect(await factory.databases()).toEqual([]);
  });
});
