import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import type { Message, Preset } from '../domain/types';
import { StorageError } from './errors';
import { CONVERSATIONS, DB_VERSION, DRAFTS, MESSAGES, PRESETS } from './schema';
import { openStore } from './store';
import type { ParleyStore } from './store';
import { conversation, getAllRaw, message, openRaw, preset, putRaw } from './test-fixtures';

const NAME = 'parley-test';

// A fresh factory per test: each test gets its own empty IndexedDB.
let factory: IDBFactory;
let store: ParleyStore;

beforeEach(async () => {
  factory = new IDBFactory();
  store = await openStore({ name: NAME, indexedDB: factory });
});

afterEach(() => {
  store.close();
  vi.unstubAllGlobals();
});

/** A second, raw connection to the same database, for looking behind the store's back. */
function openSameDatabase(): Promise<IDBDatabase> {
  return openRaw(factory, NAME, DB_VERSION);
}

/**
 * Makes the n-th `put` from now fail the way a full disk does in browsers: the request errors
 * asynchronously with QuotaExceededError, which aborts its transaction. Reaches into
 * fake-indexeddb's internals (`_rawObjectStore.storeRecord`), so it breaks loudly if they change.
 */
function failPutWithQuota(n: number): void {
  const realPut = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'put')?.value as (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) => IDBRequest<IDBValidKey>;
  let calls = 0;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) {
    calls += 1;
    if (calls === n) {
      const raw = (this as unknown as { _rawObjectStore: { storeRecord: () => unknown } })
        ._rawObjectStore;
      vi.spyOn(raw, 'storeRecord').mockImplementationOnce(() => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      });
    }
    return realPut.apply(this, args);
  });
}

async function expectStorageError(promise: Promise<unknown>, kind: StorageError['kind']) {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).kind).toBe(kind);
}

describe('conversations', () => {
  it('round-trips a conversation', async () => {
    const c = conversation();
    await store.putConversation(c);
    expect(await store.getConversation('c1')).toEqual(c);
    expect(await store.getConversation('missing')).toBeUndefined();
  });

  it('lists conversations by most recent activity first', async () => {
    await store.putConversation(conversation({ id: 'old', updatedAt: 1 }));
    await store.putConversation(conversation({ id: 'new', updatedAt: 3 }));
    await store.putConversation(conversation({ id: 'mid', updatedAt: 2 }));
    const ids = (await store.listConversations()).map((c) => c.id);
    expect(ids).toEqual(['new', 'mid', 'old']);
  });

  it('lists the most recent conversations first, only as many as asked, and every id', async () => {
    for (let i = 0; i < 5; i++) {
      await store.putConversation(conversation({ id: `c${String(i)}`, updatedAt: i }));
    }
    const raw = await openSameDatabase();
    await putRaw(raw, CONVERSATIONS, [{ value: { id: 'legacy', title: 'Legacy', createdAt: 9 } }]);
    raw.close();
    const recent = await store.listRecentConversations(3);
    expect(recent.map((c) => c.id)).toEqual(['c4', 'c3', 'c2']);
    // Left out of the index (no updatedAt): only the whole list and the ids have it.
    expect((await store.listConversationIds()).sort()).toEqual([
      'c0',
      'c1',
      'c2',
      'c3',
      'c4',
      'legacy',
    ]);
  });

  it('lists and normalises records written without updatedAt', async () => {
    const raw = await openSameDatabase();
    await putRaw(raw, CONVERSATIONS, [{ value: { id: 'legacy', title: 'Legacy', createdAt: 9 } }]);
    raw.close();
    const [legacy] = await store.listConversations();
    expect(legacy).toMatchObject({ id: 'legacy', updatedAt: 9, currentLeafId: null });
  });

  it('deletes a conversation with only its own messages and returns them', async () => {
    await store.restoreConversation(conversation({ id: 'a' }), [
      message({ id: 'a2', conversationId: 'a', createdAt: 2 }),
      message({ id: 'a1', conversationId: 'a', createdAt: 1 }),
    ]);
    await store.restoreConversation(conversation({ id: 'b' }), [
      message({ id: 'b1', conversationId: 'b' }),
    ]);

    const deleted = await store.deleteConversation('a');

    expect(deleted?.conversation.id).toBe('a');
    expect(deleted?.messages.map((m) => m.id)).toEqual(['a1', 'a2']);
    expect(await store.getConversation('a')).toBeUndefined();
    expect(await store.listMessages('a')).toEqual([]);
    expect((await store.listMessages('b')).map((m) => m.id)).toEqual(['b1']);
    expect((await store.listConversations()).map((c) => c.id)).toEqual(['b']);
  });

  it('returns undefined when deleting a conversation that does not exist', async () => {
    expect(await store.deleteConversation('missing')).toBeUndefined();
  });

  it('restores exactly what it deleted (undo)', async () => {
    const c = conversation({ currentLeafId: 'm2' });
    const messages = [message(), message({ id: 'm2', parentId: 'm1', role: 'assistant' })];
    await store.restoreConversation(c, messages);

    const deleted = await store.deleteConversation(c.id);
    if (!deleted) throw new Error('nothing deleted');
    await store.restoreConversation(deleted.conversation, deleted.messages);

    expect(await store.getConversation(c.id)).toEqual(c);
    expect(await store.listMessages(c.id)).toEqual(messages);
  });
});

describe('messages', () => {
  it('round-trips a message with every optional field', async () => {
    const m = message({
      role: 'assistant',
      model: 'gpt-4o',
      finishReason: 'stop',
      stopSequences: ['END'],
      matchedStop: 'END',
      choiceIndex: 1,
      choiceCount: 3,
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      error: { kind: 'server', detail: 'oops', status: 500 },
      status: 'error',
    });
    await store.putMessage(m);
    expect(await store.listMessages('c1')).toEqual([m]);
  });

  it('overwrites a message on put (a streaming reply flushed again)', async () => {
    await store.putMessage(message({ content: 'Hel', status: 'streaming' }));
    await store.putMessage(message({ content: 'Hello', status: 'complete', updatedAt: 2_000 }));
    expect(await store.listMessages('c1')).toEqual([
      message({ content: 'Hello', status: 'complete', updatedAt: 2_000 }),
    ]);
  });

  it('interrupts only replies still stored as streaming, and returns them as stored', async () => {
    await store.putMessages([
      message({ id: 'cut', content: 'Hal', status: 'streaming', createdAt: 1 }),
      message({ id: 'done', content: 'Whole', status: 'complete', createdAt: 2 }),
    ]);
    const now = await store.interruptStreaming(['cut', 'done', 'missing']);
    expect(now.map((m) => [m.id, m.status, m.content])).toEqual([
      ['cut', 'interrupted', 'Hal'],
      ['done', 'complete', 'Whole'],
    ]);
    expect((await store.listMessages('c1')).map((m) => m.status)).toEqual([
      'interrupted',
      'complete',
    ]);
  });

  it('lists messages by createdAt, then id', async () => {
    await store.putMessages([
      message({ id: 'b', createdAt: 2 }),
      message({ id: 'c', createdAt: 1 }),
      message({ id: 'a', createdAt: 2 }),
      message({ id: 'other', conversationId: 'c2', createdAt: 0 }),
    ]);
    expect((await store.listMessages('c1')).map((m) => m.id)).toEqual(['c', 'a', 'b']);
  });

  it('puts messages and their conversation together', async () => {
    const c = conversation({ currentLeafId: 'm2', updatedAt: 5_000 });
    await store.putMessages([message(), message({ id: 'm2', role: 'assistant' })], c);
    expect(await store.getConversation('c1')).toEqual(c);
    expect(await store.listMessages('c1')).toHaveLength(2);
  });

  it('deletes the given messages only', async () => {
    await store.putMessages([message({ id: 'a' }), message({ id: 'b' }), message({ id: 'c' })]);
    await store.deleteMessages(['a', 'c', 'never-existed']);
    expect((await store.listMessages('c1')).map((m) => m.id)).toEqual(['b']);
  });

  it('writes nothing when one record of a batch fails (one transaction)', async () => {
    await store.putConversation(conversation({ title: 'Before' }));
    const withoutKey = { ...message({ id: 'bad' }), id: undefined } as unknown as Message;

    await expectStorageError(
      store.putMessages([message({ id: 'good' }), withoutKey], conversation({ title: 'After' })),
      'unknown',
    );

    expect(await store.listMessages('c1')).toEqual([]);
    expect((await store.getConversation('c1'))?.title).toBe('Before');
  });

  it('reports a full disk as quota and writes nothing', async () => {
    await store.putConversation(conversation({ title: 'Before' }));
    failPutWithQuota(3);

    await expectStorageError(
      store.putMessages(
        [message({ id: 'a' }), message({ id: 'b' })],
        conversation({ title: 'After' }),
      ),
      'quota',
    );

    expect(await store.listMessages('c1')).toEqual([]);
    expect((await store.getConversation('c1'))?.title).toBe('Before');
  });

  it('stores a Svelte-like proxy as a plain object instead of throwing DataCloneError', async () => {
    expect(() => structuredClone(new Proxy({}, {}))).toThrow();
    const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
    const m = message({ usage });
    // $state proxies are deep: nested objects are proxies too.
    const proxied = new Proxy({ ...m, usage: new Proxy(usage, {}) }, {});

    await store.putMessage(proxied);
    await store.putConversation(new Proxy(conversation(), {}));

    const raw = await openSameDatabase();
    const [stored] = await getAllRaw(raw, MESSAGES);
    raw.close();
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(stored).toEqual(m);
  });
});

describe('settings', () => {
  it('reads the defaults before anything was saved', async () => {
    expect(await store.getSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('round-trips settings', async () => {
    const settings = {
      apiKey: 'sk-test',
      baseUrl: 'http://localhost:8080/v1',
      provider: 'azure' as const,
      azureApiVersion: '2024-10-21',
      locale: 'en' as const,
      organization: 'org-1',
      project: 'proj_1',
      defaultPresetId: 'p1',
      requestsPerMinute: null,
      tokensPerMinute: null,
      encryptedKey: null,
      theme: 'dark' as const,
      isAutoTitleOn: true,
      titleModel: 'gpt-4o-mini',
    };
    await store.putSettings(settings);
    expect(await store.getSettings()).toEqual(settings);
  });
});

describe('presets', () => {
  it('starts with none: built-in presets are code, not records', async () => {
    expect(await store.listPresets()).toEqual([]);
  });

  it('round-trips presets, full and partial', async () => {
    const full = preset();
    const partial: Preset = {
      id: 'p2',
      name: 'Cold',
      params: { temperature: 0.2 },
      createdAt: 1,
      updatedAt: 1,
    };
    await store.putPreset(full);
    await store.putPreset(partial);
    const listed = await store.listPresets();
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(expect.arrayContaining([full, partial]));
  });

  it('overwrites a preset on put and deletes only the one named', async () => {
    await store.putPreset(preset({ id: 'a' }));
    await store.putPreset(preset({ id: 'b' }));
    await store.putPreset(preset({ id: 'a', name: 'Renamed' }));
    await store.deletePreset('b');
    await store.deletePreset('never-existed');
    expect(await store.listPresets()).toEqual([preset({ id: 'a', name: 'Renamed' })]);
  });

  it('normalises what is on disk', async () => {
    const raw = await openSameDatabase();
    await putRaw(raw, PRESETS, [{ value: { id: 'odd', params: { temperature: 'hot', n: 3 } } }]);
    raw.close();
    expect(await store.listPresets()).toEqual([
      { id: 'odd', name: '', params: { n: 3 }, createdAt: 0, updatedAt: 0 },
    ]);
  });

  it('stores a Svelte-like proxy as a plain object', async () => {
    const p = preset();
    await store.putPreset(new Proxy({ ...p, params: new Proxy({ ...p.params }, {}) }, {}));
    expect(await store.listPresets()).toEqual([p]);
  });
});

describe('connection', () => {
  it('closes itself when another tab upgrades, and then rejects as blocked', async () => {
    const onVersionChange = vi.fn();
    store.close();
    store = await openStore({ name: NAME, indexedDB: factory, onVersionChange });

    const newer = await openRaw(factory, NAME, DB_VERSION + 1);
    newer.close();

    expect(onVersionChange).toHaveBeenCalledExactlyOnceWith(DB_VERSION + 1);
    await expectStorageError(store.listConversations(), 'blocked');
  });

  it('rejects as blocked when the database on disk is newer than this code', async () => {
    const future = new IDBFactory();
    (await openRaw(future, NAME, DB_VERSION + 1)).close();
    await expectStorageError(openStore({ name: NAME, indexedDB: future }), 'blocked');
  });

  it('rejects as unavailable once the browser closed the connection (site data cleared)', async () => {
    store.close();
    const open = vi.spyOn(factory, 'open');
    store = await openStore({ name: NAME, indexedDB: factory });
    const connection = open.mock.results[0]?.value as IDBOpenDBRequest;

    forceCloseDatabase(connection.result as unknown as Parameters<typeof forceCloseDatabase>[0]);

    await expectStorageError(store.getSettings(), 'unavailable');
  });

  it('rejects as unavailable where there is no IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await expectStorageError(openStore({ name: NAME }), 'unavailable');
  });

  it('rejects with a StorageError, not a raw DOMException, after close', async () => {
    store.close();
    await expectStorageError(store.getSettings(), 'unavailable');
    await expectStorageError(store.putMessage(message()), 'unavailable');
    await expectStorageError(store.listPresets(), 'unavailable');
    await expectStorageError(store.putPreset(preset()), 'unavailable');
  });
});

describe('updateConversation', () => {
  it('applies the change to the stored record, not to a copy held elsewhere', async () => {
    await store.putConversation(conversation({ title: 'Renamed in another tab' }));
    const written = await store.updateConversation('c1', (stored) =>
      stored ? { ...stored, params: { ...stored.params, temperature: 0 } } : undefined,
    );
    const expected = conversation({
      title: 'Renamed in another tab',
      params: { ...conversation().params, temperature: 0 },
    });
    expect(written).toEqual(expected);
    expect(await store.getConversation('c1')).toEqual(expected);
  });

  it('creates a record that does not exist when the change says so, and can write nothing', async () => {
    expect(await store.updateConversation('c1', () => undefined)).toBeUndefined();
    expect(await store.getConversation('c1')).toBeUndefined();
    const created = await store.updateConversation('c1', (stored) => stored ?? conversation());
    expect(created).toEqual(conversation());
    expect(await store.getConversation('c1')).toEqual(conversation());
  });

  it('keeps the key it was asked for', async () => {
    await store.updateConversation('c1', () => conversation({ id: 'elsewhere' }));
    expect(await store.getConversation('c1')).toEqual(conversation({ id: 'c1' }));
    expect(await store.getConversation('elsewhere')).toBeUndefined();
  });

  it('two updates made at once both land (read-modify-write in one transaction)', async () => {
    await store.putConversation(conversation());
    await Promise.all([
      store.updateConversation('c1', (c) => c && { ...c, title: 'New title' }),
      store.updateConversation('c1', (c) => c && { ...c, systemPrompt: 'New prompt' }),
    ]);
    expect(await store.getConversation('c1')).toMatchObject({
      title: 'New title',
      systemPrompt: 'New prompt',
    });
  });
});

describe('putMessages with a stored conversation', () => {
  it('takes the branch, activity and a missing title from it, and keeps the stored settings', async () => {
    const stored = conversation({ title: '', updatedAt: 5_000, systemPrompt: 'Changed elsewhere' });
    await store.putConversation(stored);
    const fromThisTab = conversation({
      title: 'First words',
      systemPrompt: 'Stale copy',
      currentLeafId: 'm1',
      updatedAt: 6_000,
    });
    await store.putMessages([message()], fromThisTab);
    expect(await store.getConversation('c1')).toEqual({
      ...stored,
      title: 'First words',
      currentLeafId: 'm1',
      updatedAt: 6_000,
    });
  });

  it('never moves updatedAt back and keeps a title already given', async () => {
    await store.putConversation(conversation({ title: 'Chosen', updatedAt: 9_000 }));
    await store.putMessages(
      [message()],
      conversation({ title: 'Other', updatedAt: 7_000, currentLeafId: 'm1' }),
    );
    expect(await store.getConversation('c1')).toMatchObject({
      title: 'Chosen',
      updatedAt: 9_000,
      currentLeafId: 'm1',
    });
  });
});

describe('deleteMessages', () => {
  it('answers which conversations lost messages', async () => {
    await store.putMessages([
      message({ id: 'a' }),
      message({ id: 'b', conversationId: 'c2' }),
      message({ id: 'c', conversationId: 'c2' }),
    ]);
    expect((await store.deleteMessages(['a', 'b', 'c', 'gone'])).sort()).toEqual(['c1', 'c2']);
  });
});

describe('drafts', () => {
  const draft = { conversationId: 'c1', text: 'Half a thought', updatedAt: 1_000 };

  it('round-trip, list and delete by conversation id', async () => {
    expect(await store.getDraft('c1')).toBeUndefined();
    await store.putDraft(draft);
    await store.putDraft({ ...draft, conversationId: 'c2', text: 'Other' });
    expect(await store.getDraft('c1')).toEqual(draft);
    expect(await store.listDrafts()).toHaveLength(2);
    await store.deleteDrafts(['c1', 'never']);
    expect(await store.getDraft('c1')).toBeUndefined();
    expect(await store.getDraft('c2')).toMatchObject({ text: 'Other' });
  });

  it('normalises a damaged record', async () => {
    const raw = await openSameDatabase();
    await putRaw(raw, DRAFTS, [{ value: { conversationId: 'c1', text: 42 } }]);
    raw.close();
    expect(await store.getDraft('c1')).toEqual({ conversationId: 'c1', text: '', updatedAt: 0 });
  });

  it('goes with its conversation when that is deleted', async () => {
    await store.restoreConversation(conversation(), [message()]);
    await store.putDraft(draft);
    await store.deleteConversation('c1');
    expect(await store.getDraft('c1')).toBeUndefined();
  });
});

describe('exportAll', () => {
  it('holds every conversation with its messages, the presets and the settings, never the key', async () => {
    const encryptedKey = { ciphertext: 'c', iv: 'i', salt: 's', iterations: 1 };
    await store.putSettings({
      ...DEFAULT_SETTINGS,
      apiKey: 'sk-secret-key',
      encryptedKey,
      keyMode: 'passphrase',
      baseUrl: 'https://example.test/v1',
    });
    await store.restoreConversation(conversation({ id: 'old', updatedAt: 1 }), [
      message({ id: 'o2', conversationId: 'old', createdAt: 2 }),
      message({ id: 'o1', conversationId: 'old', createdAt: 1 }),
    ]);
    await store.restoreConversation(conversation({ id: 'new', updatedAt: 9 }), []);
    await store.putPreset(preset());

    const file = await store.exportAll(Date.UTC(2025, 0, 2));

    expect(file).toMatchObject({
      format: 'parley-export',
      version: 1,
      exportedAt: '2025-01-02T00:00:00.000Z',
    });
    expect(file.conversations.map((c) => c.id)).toEqual(['new', 'old']);
    expect(file.conversations[1]?.messages.map((m) => m.id)).toEqual(['o1', 'o2']);
    expect(file.conversations[0]?.messages).toEqual([]);
    expect(file.presets).toEqual([preset()]);
    expect(file.settings).toMatchObject({ baseUrl: 'https://example.test/v1' });
    expect(file.settings).not.toHaveProperty('apiKey');
    expect(file.settings).not.toHaveProperty('encryptedKey');
    expect(file.settings).not.toHaveProperty('keyMode');
    const text = JSON.stringify(file);
    expect(text).not.toContain('sk-secret-key');
    expect(text).not.toContain('ciphertext');
  });
});
