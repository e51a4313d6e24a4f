import { describe, expect, it, vi } from 'vitest';
import { StorageHealth } from './storage-health.svelte';

describe('StorageHealth', () => {
  it('reads usage, quota and persistence', async () => {
    const health = new StorageHealth({
      estimate: () => Promise.resolve({ usage: 1_000, quota: 5_000_000 }),
      persisted: () => Promise.resolve(false),
    });
    expect(health.usage).toBeNull();
    await health.refresh();
    expect(health.usage).toBe(1_000);
    expect(health.quota).toBe(5_000_000);
    expect(health.isPersisted).toBe(false);
  });

  it('asks to persist once, and remembers the answer', async () => {
    const persist = vi.fn(() => Promise.resolve(true));
    const health = new StorageHealth({ persist, persisted: () => Promise.resolve(false) });
    await health.refresh();
    await health.requestPersistence();
    await health.requestPersistence();
    expect(persist).toHaveBeenCalledOnce();
    expect(health.isPersisted).toBe(true);
  });

  it('does not ask when the data is persistent already', async () => {
    const persist = vi.fn(() => Promise.resolve(true));
    const health = new StorageHealth({ persist, persisted: () => Promise.resolve(true) });
    await health.refresh();
    await health.requestPersistence();
    expect(persist).not.toHaveBeenCalled();
  });

  it('a browser without the API, or one that refuses, leaves everything unknown', async () => {
    for (const storage of [
      undefined,
      {},
      {
        estimate: () => Promise.reject(new Error('no')),
        persisted: () => Promise.reject(new Error('no')),
        persist: () => Promise.reject(new Error('no')),
      },
    ]) {
      const health = new StorageHealth(storage);
      await health.refresh();
      await health.requestPersistence();
      expect([health.usage, health.quota, health.isPersisted]).toEqual([null, null, null]);
    }
  });

  it('knows when a newer Parley took the database over', () => {
    const health = new StorageHealth(undefined);
    expect(health.isOutdated).toBe(false);
    health.markOutdated();
    expect(health.isOutdated).toBe(true);
  });
});
