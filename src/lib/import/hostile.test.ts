/**
 * The hostile-import corpus (issue 8 points 6, 8, 9): files crafted to move, replace or pin
 * records, hang the tab or crash the parser. Each is read, planned and written against a real
 * (fake-indexeddb) store, and must leave every record of the person's as it was.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { branchTo } from '../domain/conversation';
import { conversation, message } from '../storage/test-fixtures';
import { openStore, type ParleyStore } from '../storage/store';
import { readImportFile } from './read';
import { applyImport, previewImport } from './session';
import { ImportRefused, type ImportBatch, type ImportRefusal } from './types';

const NOW = Date.UTC(2026, 0, 1);

async function freshStore(): Promise<ParleyStore> {
  return openStore({ name: 'hostile', indexedDB: new IDBFactory() });
}

function read(content: unknown, limits = {}): Promise<ImportBatch> {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return readImportFile(new Blob([text]), { now: NOW, fileTime: NOW - 1000, limits });
}

async function refusal(content: unknown, limits = {}): Promise<ImportRefusal> {
  try {
    await read(content, limits);
  } catch (error) {
    if (error instanceof ImportRefused) return error.refusal;
    throw error;
  }
  throw new Error('not refused');
}

function parleyExport(conversations: unknown[], extra: Record<string, unknown> = {}) {
  return {
    format: 'parley-export',
    version: 1,
    exportedAt: '',
    conversations,
    presets: [],
    settings: {},
    ...extra,
  };
}

async function everything(store: ParleyStore) {
  const conversations = await store.listConversations();
  const messages = (await Promise.all(conversations.map((c) => store.listMessages(c.id)))).flat();
  return { conversations, messages, tombstones: await store.listTombstones() };
}

describe('hostile imports', () => {
  it('never changes a record of another conversation (a message id moved across)', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation({ id: 'mine' }), [
      message({ id: 'm1', conversationId: 'mine', content: 'Mine' }),
    ]);
    const before = await everything(store);
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'theirs', title: 'Theirs' }),
          messages: [{ ...message({ id: 'm1', content: 'Stolen' }), conversationId: 'theirs' }],
        },
      ]),
    );
    await applyImport(store, batch, NOW);
    expect(await store.listMessages('mine')).toEqual(before.messages);
    const theirs = await store.listMessages('theirs');
    expect(theirs.map((m) => m.content)).toEqual(['Stolen']);
    expect(theirs[0]?.id).not.toBe('m1');
    store.close();
  });

  it('keeps both when a conversation id exists with other content', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation({ id: 'c1', systemPrompt: 'Be kind.' }), [
      message({ id: 'm1' }),
    ]);
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'c1', systemPrompt: 'Be evil.', updatedAt: 9e15 }),
          messages: [message({ id: 'm1', content: 'Replaced?' })],
        },
      ]),
    );
    const report = await previewImport(store, batch, NOW);
    expect(report.totals).toMatchObject({ copy: 1, new: 0, updated: 0 });
    await applyImport(store, batch, NOW);
    const all = await everything(store);
    expect(all.conversations.find((c) => c.id === 'c1')?.systemPrompt).toBe('Be kind.');
    expect(all.conversations.find((c) => c.id !== 'c1')?.systemPrompt).toBe('Be evil.');
    expect((await store.listMessages('c1')).map((m) => m.content)).toEqual(['Hello']);
    store.close();
  });

  it('adds a changed message as a new version beside the stored one', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation({ id: 'c1' }), [message({ id: 'm1' })]);
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'c1' }),
          messages: [message({ id: 'm1', content: 'Edited elsewhere' })],
        },
      ]),
    );
    const { result } = await applyImport(store, batch, NOW);
    expect(result.totals.updated).toBe(1);
    const messages = await store.listMessages('c1');
    expect(messages.map((m) => m.content).sort()).toEqual(['Edited elsewhere', 'Hello']);
    expect(messages.every((m) => m.parentId === null)).toBe(true);
    store.close();
  });

  it('clamps times in the future (1e308) to the time of import', async () => {
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'c', createdAt: 1e308, updatedAt: 1e308 }),
          messages: [message({ id: 'm', conversationId: 'c', createdAt: 1e308, updatedAt: 1e308 })],
        },
      ]),
    );
    const [imported] = batch.conversations;
    expect(imported?.updatedAt).toBe(NOW);
    expect(imported?.messages[0]?.createdAt).toBe(NOW);
    expect(batch.notes.futureTimes).toBe(4);
  });

  it('breaks cycles and re-roots missing parents, counting both', async () => {
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'c', currentLeafId: 'b' }),
          messages: [
            message({ id: 'a', conversationId: 'c', parentId: 'b' }),
            message({ id: 'b', conversationId: 'c', parentId: 'a', createdAt: 2000 }),
            message({ id: 'self', conversationId: 'c', parentId: 'self' }),
            message({ id: 'lost', conversationId: 'c', parentId: 'nowhere' }),
          ],
        },
      ]),
    );
    expect(batch.notes.cycles).toBe(2);
    expect(batch.notes.orphans).toBe(1);
    const [imported] = batch.conversations;
    expect(branchTo(imported?.messages ?? [], 'a').map((m) => m.id)).toEqual(['b', 'a']);
    expect(imported?.messages.find((m) => m.id === 'lost')?.parentId).toBeNull();
  });

  it('breaks cycles in a ChatGPT mapping', async () => {
    const node = (id: string, parent: string | null, text: string, role = 'user') => ({
      id,
      parent,
      children: [],
      message: {
        id,
        author: { role },
        create_time: 1,
        content: { content_type: 'text', parts: [text] },
        recipient: 'all',
      },
    });
    const batch = await read([
      {
        title: 'Loop',
        create_time: 1,
        mapping: { x: node('x', 'y', 'one'), y: node('y', 'x', 'two', 'assistant') },
        current_node: 'y',
      },
    ]);
    expect(batch.notes.cycles).toBe(1);
    expect(batch.conversations[0]?.messages).toHaveLength(2);
  });

  it('refuses deep nesting before the parser sees it, naming the limit', async () => {
    expect(await refusal('['.repeat(100_000) + ']'.repeat(100_000))).toEqual({
      kind: 'too-deep',
      limit: 10_000,
    });
  });

  it('drops an unknown field nested too deep to store, keeping the record', async () => {
    const deep = '{"x":'.repeat(5000) + '1' + '}'.repeat(5000);
    const text = JSON.stringify(
      parleyExport([
        { ...conversation({ id: 'c' }), messages: [message({ id: 'm', conversationId: 'c' })] },
      ]),
    ).replace('"id":"m"', `"extra":${deep},"id":"m"`);
    const batch = await read(text);
    expect(batch.conversations[0]?.messages[0]?.content).toBe('Hello');
    expect(Object.hasOwn(batch.conversations[0]?.messages[0] ?? {}, 'extra')).toBe(false);
    const store = await freshStore();
    await applyImport(store, batch, NOW);
    expect(await store.listMessages('c')).toHaveLength(1);
    store.close();
  });

  it('refuses too many records and too large a file, naming the limit', async () => {
    const file = parleyExport([
      {
        ...conversation({ id: 'c' }),
        messages: [
          message({ id: 'a', conversationId: 'c' }),
          message({ id: 'b', conversationId: 'c' }),
        ],
      },
    ]);
    expect(await refusal(file, { maxRecords: 2 })).toEqual({ kind: 'too-many-records', limit: 2 });
    expect(await refusal(file, { maxBytes: 100 })).toEqual({ kind: 'too-large', limit: 100 });
  });

  it('__proto__ keys pollute nothing and are not stored', async () => {
    const text = JSON.stringify(
      parleyExport([
        { ...conversation({ id: 'c' }), messages: [message({ id: 'm', conversationId: 'c' })] },
      ]),
    )
      .replace('"id":"c"', '"__proto__":{"polluted":true},"id":"c"')
      .replace('"id":"m"', '"constructor":{"prototype":{"polluted":true}},"id":"m"');
    const batch = await read(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(batch.conversations[0] ?? {}, '__proto__')).toBe(false);
    expect(Object.hasOwn(batch.conversations[0]?.messages[0] ?? {}, 'constructor')).toBe(false);
    const chatgpt = await read([
      { title: 'p', create_time: 1, mapping: { __proto__: { id: 'x' }, constructor: { id: 'y' } } },
    ]);
    expect(chatgpt.conversations[0]?.messages).toEqual([]);
  });

  it('survives wrong types everywhere without a crash', async () => {
    const batch = await read([
      {
        title: 7,
        create_time: 'soon',
        mapping: {
          a: 5,
          b: { id: 'b', parent: 9, message: { author: 'x', content: { parts: 'no' } } },
        },
        current_node: {},
      },
      { title: 'ok', mapping: {}, current_node: null },
    ]);
    expect(batch.conversations.map((c) => c.title)).toEqual(['', 'ok']);
    expect(await refusal(parleyExport('nope' as unknown as unknown[]))).toEqual({
      kind: 'invalid',
      path: 'conversations',
    });
    expect(await refusal({ format: 'parley-export', version: 99, conversations: [] })).toEqual({
      kind: 'newer-version',
      version: 99,
    });
  });
});

describe('the import flow against the store', () => {
  it('says what it will do, writes nothing before Import, and twice changes nothing', async () => {
    const store = await freshStore();
    const batch = await read(
      parleyExport([
        { ...conversation({ id: 'c' }), messages: [message({ id: 'm', conversationId: 'c' })] },
      ]),
    );
    const preview = await previewImport(store, batch, NOW);
    expect(preview.totals).toMatchObject({ new: 1 });
    expect(await store.listConversations()).toEqual([]);
    await applyImport(store, batch, NOW);
    const after = await everything(store);
    const second = await applyImport(
      store,
      await read(
        parleyExport([
          { ...conversation({ id: 'c' }), messages: [message({ id: 'm', conversationId: 'c' })] },
        ]),
      ),
      NOW,
    );
    expect(second.result.totals).toMatchObject({ new: 0, copy: 0, updated: 0, unchanged: 1 });
    expect(second.undo.conversations).toEqual([]);
    expect(second.undo.messages).toEqual([]);
    expect(await everything(store)).toEqual(after);
    store.close();
  });

  it('imports a ChatGPT file twice with nothing changed the second time', async () => {
    const store = await freshStore();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(
      new URL('./fixtures/chatgpt-conversations.json', import.meta.url),
      'utf8',
    );
    await applyImport(store, await read(text), NOW);
    const after = await everything(store);
    const second = await applyImport(store, await read(text), NOW);
    expect(second.result.totals.unchanged).toBe(2);
    expect(await everything(store)).toEqual(after);
    store.close();
  });

  it('does not bring back a conversation deleted here', async () => {
    const store = await freshStore();
    const file = parleyExport([
      { ...conversation({ id: 'c' }), messages: [message({ id: 'm', conversationId: 'c' })] },
    ]);
    await applyImport(store, await read(file), NOW);
    await store.deleteConversation('c', NOW);
    const { result } = await applyImport(store, await read(file), NOW);
    expect(result.totals).toMatchObject({ deleted: 1, new: 0 });
    expect(await store.listConversations()).toEqual([]);
    store.close();
  });

  it('a delete leaves a tombstone in its transaction; undo of the delete removes it; export carries it', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation({ id: 'c' }), [
      message({ id: 'm', conversationId: 'c' }),
    ]);
    const deleted = await store.deleteConversation('c', 42);
    expect(await store.listTombstones()).toEqual([{ id: 'c', deletedAt: 42 }]);
    expect((await store.exportAll(NOW)).tombstones).toEqual([{ id: 'c', deletedAt: 42 }]);
    if (!deleted) throw new Error('not deleted');
    await store.restoreConversation(deleted.conversation, deleted.messages);
    expect(await store.listTombstones()).toEqual([]);
    store.close();
  });

  it('carries tombstones from the file, so their conversations stay away later', async () => {
    const store = await freshStore();
    await applyImport(
      store,
      await read(parleyExport([], { tombstones: [{ id: 'gone', deletedAt: 5 }] })),
      NOW,
    );
    expect(await store.listTombstones()).toEqual([{ id: 'gone', deletedAt: 5 }]);
    const { result } = await applyImport(
      store,
      await read(parleyExport([{ ...conversation({ id: 'gone' }), messages: [] }])),
      NOW,
    );
    expect(result.totals.deleted).toBe(1);
    store.close();
  });

  it('Undo import restores the exact previous state', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation({ id: 'c1' }), [message({ id: 'm1' })]);
    const before = await everything(store);
    const batch = await read(
      parleyExport([
        {
          ...conversation({ id: 'c1' }),
          messages: [message({ id: 'm1' }), message({ id: 'm2', parentId: 'm1', createdAt: 3000 })],
        },
        {
          ...conversation({ id: 'c2', title: 'Other' }),
          messages: [message({ id: 'x', conversationId: 'c2' })],
        },
      ]),
    );
    const { undo, result } = await applyImport(store, batch, NOW);
    expect(result.totals).toMatchObject({ updated: 1, new: 1 });
    expect((await everything(store)).messages).toHaveLength(3);
    await store.undoImport(undo);
    expect(await everything(store)).toEqual(before);
    store.close();
  });
});
