import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../domain/types';
import { openStore, type ParleyStore } from '../storage';
import {
  ALL_CONVERSATIONS,
  openMessageSource,
  openSearchStore,
  type MessageSource,
  type SearchStore,
} from '../storage/search-store';
import { conversation, message } from '../storage/test-fixtures';
import { SearchEngine, type SearchHit } from './engine';

let factory: IDBFactory;
let store: ParleyStore;
let opened: { close(): void }[];
/** Conversations whose messages the engine read, in order. */
let reads: string[];
/** Conversations the engine read for its index (the background build), in order. */
let indexReads: string[];
/** While set, message reads wait for it. */
let gate: Promise<void> | null;
let clock: number;

beforeEach(async () => {
  factory = new IDBFactory();
  store = await openStore({ name: 'parley', indexedDB: factory });
  opened = [store];
  reads = [];
  indexReads = [];
  gate = null;
  clock = 10_000;
});

afterEach(() => {
  for (const connection of opened) connection.close();
});

async function engine(
  options: { lock?: boolean; isStarted?: boolean; quietMs?: number } = {},
): Promise<{
  engine: SearchEngine;
  searchStore: SearchStore;
}> {
  const source = await openMessageSource({ name: 'parley', indexedDB: factory });
  const searchStore = await openSearchStore({ name: 'parley-search', indexedDB: factory });
  opened.push(source, searchStore);
  const counted: MessageSource = {
    ...source,
    listConversations: () => source.listConversations(),
    getConversation: (id) => {
      indexReads.push(id);
      return source.getConversation(id);
    },
    getMessages: (ids) => source.getMessages(ids),
    close: () => source.close(),
    listMessages: (id) => {
      reads.push(id);
      return gate ? gate.then(() => source.listMessages(id)) : source.listMessages(id);
    },
  };
  const created = new SearchEngine({
    source: counted,
    store: searchStore,
    now: () => (clock += 1),
    persistDelayMs: 60_000,
    quietMs: options.quietMs ?? 0,
    shardDocs: 3,
    acquirePersistLock: options.lock === false ? () => undefined : (onAcquired) => onAcquired(),
  });
  if (options.isStarted !== false) await created.started;
  return { engine: created, searchStore };
}

async function seed(id: string, title: string, texts: string[], at = 1_000): Promise<Message[]> {
  const messages = texts.map((content, index) =>
    message({
      id: `${id}-m${index}`,
      conversationId: id,
      parentId: index === 0 ? null : `${id}-m${index - 1}`,
      role: index % 2 === 0 ? 'user' : 'assistant',
      content,
      createdAt: at + index,
      updatedAt: at + index,
    }),
  );
  await store.putMessages(messages, conversation({ id, title, updatedAt: at + texts.length }));
  return messages;
}

function passages(hits: SearchHit[]): string[] {
  return hits.map((hit) =>
    hit.pieces.map((piece) => (piece.isMatch ? `[${piece.text}]` : piece.text)).join(''),
  );
}

describe('SearchEngine', () => {
  it('builds the index from what is stored and finds words in titles and every message', async () => {
    await seed('c1', 'Cooking', ['How do I bake bread?', 'Use flour, water and yeast.']);
    await seed('c2', '旅行计划', ['我想去北京旅游', '北京的天气很好']);
    const { engine: search } = await engine();
    expect(search.isCaughtUp).toBe(true);

    const yeast = await search.search('YEAST');
    expect(passages(yeast)).toEqual(['Use flour, water and [yeast].']);
    expect(yeast[0]).toMatchObject({ conversationId: 'c1', messageId: 'c1-m1', role: 'assistant' });
    expect(passages(await search.search('天气'))).toEqual(['北京的[天气]很好']);
    expect(passages(await search.search('计划'))).toEqual(['旅行[计划]']);
    expect(await search.search('bread yeast')).toEqual([]);
  });

  it('leaves out reasoning and the conversations it is told to', async () => {
    await store.putMessages(
      [
        message({
          id: 'r1',
          conversationId: 'c1',
          content: 'Plain answer',
          reasoning: 'secret thought',
        }),
      ],
      conversation({ id: 'c1', title: 'Thinking' }),
    );
    await seed('c2', 'Other', ['A plain question']);
    const { engine: search } = await engine();
    expect(await search.search('secret')).toEqual([]);
    const hits = await search.search('plain', { exclude: new Set(['c2']) });
    expect(hits.map((hit) => hit.messageId)).toEqual(['r1']);
  });

  it('follows writes, edits, deletions and imports', async () => {
    const [first] = await seed('c1', 'Notes', ['alpha text']);
    if (!first) throw new Error('seeded nothing');
    const { engine: search } = await engine();

    // A new message.
    await store.putMessage(
      message({
        id: 'c1-new',
        conversationId: 'c1',
        content: 'bravo text',
        createdAt: 5_000,
        updatedAt: 5_000,
      }),
    );
    search.changed(['c1']);
    expect(passages(await search.search('bravo'))).toEqual(['[bravo] text']);

    // An edit in place (a reply that grew), then a deletion.
    await store.putMessage({ ...first, content: 'charlie text', updatedAt: 6_000 });
    search.changed(['c1']);
    expect(await search.search('alpha')).toEqual([]);
    expect(passages(await search.search('charlie'))).toEqual(['[charlie] text']);
    await store.deleteMessages(['c1-new']);
    search.changed(['c1']);
    expect(await search.search('bravo')).toEqual([]);

    // A deleted conversation.
    await store.deleteConversation('c1');
    search.changed(['c1']);
    expect(await search.search('charlie')).toEqual([]);

    // An import names no conversation (how it writes is the import's business): every one is
    // read again, new ones included.
    await store.restoreConversation(conversation({ id: 'c9', title: 'Imported' }), [
      message({ id: 'i1', conversationId: 'c9', content: 'delta from a file' }),
    ]);
    search.changed('all');
    await expect
      .poll(async () => passages(await search.search('delta')))
      .toEqual(['[delta] from a file']);
  });

  it('answers with a plain scan while many conversations wait to be read again', async () => {
    for (let c = 0; c < 12; c += 1) await seed(`c${c}`, `Chat ${c}`, ['echo one'], 1_000 * (c + 1));
    const { engine: search } = await engine();
    await store.putMessage(
      message({
        id: 'late',
        conversationId: 'c3',
        content: 'foxtrot',
        createdAt: 9_000,
        updatedAt: 9_000,
      }),
    );
    // Too many to wait for (an import, a long catch-up): the ones not read yet are scanned.
    search.changed(Array.from({ length: 12 }, (_, c) => `c${c}`));
    reads = [];
    expect(passages(await search.search('foxtrot'))).toEqual(['[foxtrot]']);
    expect(search.isCaughtUp).toBe(false);
    await expect.poll(() => search.isCaughtUp).toBe(true);
    expect(passages(await search.search('foxtrot'))).toEqual(['[foxtrot]']);
  });

  it('a query asked as it starts on a history never indexed is scanned, not held until the build ends', async () => {
    for (let c = 0; c < 12; c += 1) await seed(`c${c}`, `Chat ${c}`, ['echo one'], 1_000 * (c + 1));
    const { engine: search } = await engine({ isStarted: false });
    const hits = await search.search('echo');
    expect(search.isCaughtUp).toBe(false);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]?.conversationId).toBe('c11');
    await search.started;
    expect(search.isCaughtUp).toBe(true);
  });

  it('while a query is answered, the build waits: its reads are not slowed by indexing', async () => {
    for (let c = 0; c < 12; c += 1) {
      await seed(`c${c}`, `Chat ${c}`, ['echo one', 'echo two'], 1_000 * (c + 1));
    }
    const { engine: search } = await engine({ isStarted: false });
    const hits = await search.search('echo');
    expect(hits.length).toBeGreaterThan(4);
    // The build had started the first conversation before the query came; no other meanwhile.
    expect(indexReads.length).toBeLessThanOrEqual(1);
    await search.started;
    expect(search.isCaughtUp).toBe(true);
    expect(indexReads).toHaveLength(12);
  });

  it('a plain scan reads the next conversations while it searches one', async () => {
    for (let c = 0; c < 12; c += 1) await seed(`c${c}`, `Chat ${c}`, ['echo'], 1_000 * (c + 1));
    const { engine: search } = await engine({ isStarted: false });
    let open: () => void = () => undefined;
    gate = new Promise((resolve) => (open = resolve));
    const answer = search.search('echo');
    // Nothing has been read back yet, and the newest conversation and the four after it are
    // asked for (one at a time, it would be one, and the build's own).
    await expect.poll(() => reads.length).toBeGreaterThanOrEqual(5);
    expect(reads).toEqual(expect.arrayContaining(['c11', 'c10', 'c9', 'c8', 'c7']));
    open();
    const hits = await answer;
    expect(hits.map((hit) => hit.conversationId).slice(0, 3)).toEqual(['c11', 'c10', 'c9']);
  });

  it('a conversation written again and again (a streaming reply) is read once its writes pause', async () => {
    await seed('c1', 'Notes', ['alpha text']);
    const { engine: search } = await engine({ quietMs: 50 });
    reads = [];
    for (let write = 0; write < 5; write += 1) {
      search.changed(['c1']);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reads).toEqual([]);
    await expect.poll(() => reads).toEqual(['c1']);
    expect(search.isCaughtUp).toBe(true);
  });

  it('loaded from a saved index with nothing to catch up, it still follows later writes', async () => {
    await seed('c1', 'Notes', ['alpha text']);
    const first = await engine();
    await first.engine.persist();
    const { engine: search } = await engine();
    expect(search.isCaughtUp).toBe(true);
    reads = [];
    await store.putMessage(
      message({ id: 'c1-new', conversationId: 'c1', content: 'kilo', createdAt: 5_000 }),
    );
    search.changed(['c1']);
    await expect.poll(() => reads).toEqual(['c1']);
    await expect.poll(() => search.isCaughtUp).toBe(true);
  });

  it('saves the index and, on the next load, reads again only what changed after', async () => {
    await seed('c1', 'First', ['golf ball']);
    await seed('c2', 'Second', ['hotel room']);
    await seed('c3', 'Third', ['india ink']);
    const first = await engine();
    await first.engine.persist();
    expect(reads.sort()).toEqual(['c1', 'c2', 'c3']);

    // Written while no index was loaded (recorded by the page), and one deleted.
    await store.putMessage(
      message({
        id: 'c2-x',
        conversationId: 'c2',
        content: 'juliet',
        createdAt: 9_000,
        updatedAt: 9_000,
      }),
    );
    await first.searchStore.recordChanges(['c2'], (clock += 1));
    await store.deleteConversation('c3');
    await first.searchStore.recordChanges(['c3'], (clock += 1));

    reads = [];
    const second = await engine();
    expect(reads).toEqual(['c2']);
    expect(passages(await second.engine.search('golf'))).toEqual(['[golf] ball']);
    expect(passages(await second.engine.search('juliet'))).toEqual(['[juliet]']);
    expect(await second.engine.search('india')).toEqual([]);
  });

  it('after an import recorded for all conversations, reads every one again', async () => {
    await seed('c1', 'First', ['kilo']);
    const first = await engine();
    await first.engine.persist();
    await first.searchStore.recordChanges([ALL_CONVERSATIONS], (clock += 1));
    reads = [];
    await engine();
    expect(reads).toEqual(['c1']);
  });

  it('rebuilds what it cannot read back', async () => {
    await seed('c1', 'First', ['lima bean']);
    const first = await engine();
    await first.engine.persist();
    const shards = await first.searchStore.loadShards();
    await first.searchStore.save({
      shards: shards.map((shard) => ({ ...shard, json: '{not json' })),
      indexed: [],
      removedShards: [],
      removedIndexed: [],
    });
    reads = [];
    const second = await engine();
    expect(reads).toEqual(['c1']);
    expect(passages(await second.engine.search('lima'))).toEqual(['[lima] bean']);
  });

  it('saves nothing without the persist lock (another tab saves)', async () => {
    await seed('c1', 'First', ['mike']);
    const { engine: search, searchStore } = await engine({ lock: false });
    await search.persist();
    expect(await searchStore.loadShards()).toEqual([]);
  });

  it('searches the most recently active conversations first and stops at the limit', async () => {
    for (let c = 0; c < 6; c += 1)
      await seed(`c${c}`, `Chat ${c}`, ['november rain'], 1_000 * (c + 1));
    const { engine: search } = await engine();
    const hits = await search.search('november', { limit: 3 });
    expect(hits.map((hit) => hit.conversationId)).toEqual(['c5', 'c4', 'c3']);
  });
});
