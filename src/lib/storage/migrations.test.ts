/**
 * Every schema version gets a test here that builds the database exactly as that version left it,
 * with the raw IndexedDB API and literal names (never today's constants or migration code), fills
 * it, opens it with today's code and checks that every record survived. When version 2 comes,
 * copy the version-1 test: build version 1 by hand, open, expect the records in their new shape.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../domain/types';
import { DB_VERSION } from './schema';
import { openStore } from './store';
import { conversation, message, openRaw, putRaw } from './test-fixtures';

const NAME = 'parley-migration-test';

/** The version-1 schema, frozen: what a database built by Parley 1 holds. */
function buildVersion1(db: IDBDatabase): void {
  db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updatedAt', 'updatedAt');
  db.createObjectStore('messages', { keyPath: 'id' }).createIndex(
    'by-conversation',
    'conversationId',
  );
  db.createObjectStore('settings');
}

function describeSchema(db: IDBDatabase) {
  const names = [...db.objectStoreNames].sort();
  const tx = db.transaction(names);
  return names.map((name) => {
    const store = tx.objectStore(name);
    const indexes = [...store.indexNames].sort().map((index) => ({
      index,
      keyPath: store.index(index).keyPath,
    }));
    return { name, keyPath: store.keyPath, indexes };
  });
}

describe('version 1', () => {
  it('is what a fresh install builds', async () => {
    const fresh = new IDBFactory();
    (await openStore({ name: NAME, indexedDB: fresh })).close();
    const byHand = new IDBFactory();

    const built = await openRaw(fresh, NAME, 1);
    const expected = await openRaw(byHand, NAME, 1, buildVersion1);

    expect(describeSchema(built)).toEqual(describeSchema(expected));
    built.close();
    expected.close();
  });

  it('opens with today’s code with every record intact', async () => {
    const factory = new IDBFactory();
    const db = await openRaw(factory, NAME, 1, buildVersion1);
    const full = conversation({ id: 'full', updatedAt: 3 });
    const partial = { id: 'partial', title: 'Partial', createdAt: 1, updatedAt: 2, pinned: true };
    const messages = [
      message({ id: 'm1', conversationId: 'full', createdAt: 1 }),
      message({
        id: 'm2',
        conversationId: 'full',
        parentId: 'm1',
        role: 'assistant',
        createdAt: 2,
        model: 'gpt-4o',
        finishReason: 'length',
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      }),
    ];
    const settings: Settings = {
      apiKey: 'sk-old',
      baseUrl: 'https://example.test/v1',
      locale: 'en',
    };
    await putRaw(db, 'conversations', [{ value: full }, { value: partial }]);
    await putRaw(
      db,
      'messages',
      messages.map((value) => ({ value })),
    );
    await putRaw(db, 'settings', [{ value: settings, key: 'settings' }]);
    db.close();

    const store = await openStore({ name: NAME, indexedDB: factory });

    const [first, second] = await store.listConversations();
    expect(first).toEqual(full);
    expect(second).toMatchObject(partial);
    expect(await store.listMessages('full')).toEqual(messages);
    expect(await store.getSettings()).toEqual(settings);
    store.close();
  });
});

it('DB_VERSION has a migration test above for every version', () => {
  expect(DB_VERSION).toBe(1);
});
