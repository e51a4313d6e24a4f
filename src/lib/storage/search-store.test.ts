import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteAllData } from './delete-all';
import { openSearchStore, SEARCH_DB_NAME, type IndexedConversation } from './search-store';

let factory: IDBFactory;

beforeEach(() => {
  factory = new IDBFactory();
});

function record(overrides: Partial<IndexedConversation> = {}): IndexedConversation {
  return {
    id: 'c1',
    shard: 's1',
    readAt: 10,
    title: 'Chat',
    updatedAt: 5,
    messages: { m1: '5:10' },
    ...overrides,
  };
}

describe('search store', () => {
  it('saves shards and records together, and removes dropped ones', async () => {
    const store = await openSearchStore({ indexedDB: factory });
    await store.save({
      shards: [{ id: 's1', json: '{}' }],
      indexed: [record(), record({ id: 'c2' })],
      removedShards: [],
      removedIndexed: [],
    });
    await store.save({ shards: [], indexed: [], removedShards: [], removedIndexed: ['c2'] });
    expect(await store.loadShards()).toEqual([{ id: 's1', json: '{}' }]);
    expect(await store.loadIndexed()).toEqual([record()]);
    await store.clearIndex();
    expect(await store.loadShards()).toEqual([]);
    store.close();
  });

  it('keeps the last time each conversation was written', async () => {
    const store = await openSearchStore({ indexedDB: factory });
    await store.recordChanges(['c1', 'c2'], 100);
    await store.recordChanges(['c1'], 200);
    expect(await store.loadChanges()).toEqual(
      new Map([
        ['c1', 200],
        ['c2', 100],
      ]),
    );
    store.close();
  });

  it('leaves out damaged records', async () => {
    const store = await openSearchStore({ indexedDB: factory });
    await store.save({
      shards: [],
      indexed: [
        record(),
        { ...record({ id: 'bad' }), readAt: 'soon' } as unknown as IndexedConversation,
      ],
      removedShards: [],
      removedIndexed: [],
    });
    expect((await store.loadIndexed()).map((r) => r.id)).toEqual(['c1']);
    store.close();
  });

  it('is deleted by Delete all data, even while open (it closes for the deletion)', async () => {
    const store = await openSearchStore({ indexedDB: factory });
    await store.recordChanges(['c1'], 1);
    await deleteAllData({ indexedDB: factory, webStorages: [] });
    const databases = await factory.databases();
    expect(databases.map((d) => d.name)).not.toContain(SEARCH_DB_NAME);
    const reopened = await openSearchStore({ indexedDB: factory });
    expect(await reopened.loadChanges()).toEqual(new Map());
    reopened.close();
  });
});
