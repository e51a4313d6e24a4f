/**
 * ChatState across tabs: replies another tab is streaming (stream locks), reading messages again
 * when another tab wrote them, and holding the lock while this tab streams.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatApi } from '../api/client';
import type { DeltaHandler, StreamResult } from '../api/stream';
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import type { ModelInfo } from '../models/types';
import { ChatState } from './chat.svelte';
import { ConversationsState } from './conversations.svelte';
import { FakeDb } from './testing/fake-db';

const INFO: ModelInfo = {
  id: 'gpt-4o-mini',
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  price: null,
  isReasoning: false,
  unsupported: [],
  usesMaxCompletionTokens: false,
  supportsReasoningEffort: false,
  supportsJsonObject: true,
  supportsSystemMessage: true,
  source: 'catalog',
};

/** A stream that ends when the test says so. */
class FakeApi implements ChatApi {
  finish: (() => void) | undefined;
  listModels(): Promise<string[]> {
    return Promise.resolve([]);
  }
  streamChat(_body: unknown, onDelta: DeltaHandler): Promise<StreamResult> {
    onDelta(0, 'Hi', 'content');
    return new Promise((resolve) => {
      this.finish = () => {
        resolve({
          choices: [{ index: 0, content: 'Hi', finishReason: 'stop' }],
          model: 'gpt-4o-mini',
          usage: undefined,
        });
      };
    });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const conversation: Conversation = {
  id: 'c1',
  title: 'Stored',
  isTitleCustom: false,
  systemPrompt: '',
  params: { ...DEFAULT_PARAMS },
  createdAt: 1,
  updatedAt: 1,
  currentLeafId: 'r1',
  presetId: null,
};

function msg(id: string, fields: Partial<Message> = {}): Message {
  return {
    id,
    conversationId: 'c1',
    parentId: null,
    role: 'user',
    content: id,
    status: 'complete',
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  };
}

const streamingReply = msg('r1', {
  parentId: 'u1',
  role: 'assistant',
  content: 'Half',
  status: 'streaming',
  createdAt: 2,
});

function setup(locks: {
  alive?: Set<string>;
  ended?: Map<string, () => void>;
  hold?: (id: string, until: Promise<void>) => void;
}) {
  const db = new FakeDb();
  db.conversations.set('c1', structuredClone(conversation));
  db.messages.set('u1', msg('u1'));
  db.messages.set('r1', structuredClone(streamingReply));
  const api = new FakeApi();
  const conversations = new ConversationsState(db);
  const report = vi.fn();
  const chat = new ChatState({
    store: db,
    conversations,
    getApi: () => Promise.resolve(api),
    models: { info: () => INFO, ready: () => Promise.resolve() },
    report,
    scheduleFrame: (callback) => {
      callback();
    },
    isStreamAlive: (id) => Promise.resolve(locks.alive?.has(id) ?? false),
    whenStreamEnds: (id) =>
      new Promise<void>((resolve) => {
        if (!locks.alive?.has(id)) resolve();
        else locks.ended?.set(id, resolve);
      }),
    ...(locks.hold ? { holdStreamLock: locks.hold } : {}),
  });
  return { db, api, conversations, chat, report };
}

const statusOf = (chat: ChatState, id: string) =>
  chat.messages('c1').find((m) => m.id === id)?.status;

describe('ChatState.open with several tabs', () => {
  it('a reply another tab is streaming stays streaming, and is read again when it ends', async () => {
    const alive = new Set(['r1']);
    const ended = new Map<string, () => void>();
    const { db, chat } = setup({ alive, ended });
    await chat.open('c1');
    expect(statusOf(chat, 'r1')).toBe('streaming');
    expect(db.putMessage).not.toHaveBeenCalled();

    // The other tab finishes and stores the whole reply, then lets go of the lock.
    db.messages.set('r1', { ...streamingReply, content: 'Half and whole', status: 'complete' });
    alive.delete('r1');
    ended.get('r1')?.();
    await settle();
    expect(chat.messages('c1').find((m) => m.id === 'r1')).toMatchObject({
      content: 'Half and whole',
      status: 'complete',
    });
    expect(db.putMessage).not.toHaveBeenCalled();
  });

  it('a reply whose tab crashed (lock gone, record still streaming) becomes interrupted', async () => {
    const alive = new Set(['r1']);
    const ended = new Map<string, () => void>();
    const { db, chat } = setup({ alive, ended });
    await chat.open('c1');
    alive.delete('r1');
    ended.get('r1')?.();
    await settle();
    expect(statusOf(chat, 'r1')).toBe('interrupted');
    expect(db.messages.get('r1')).toMatchObject({ status: 'interrupted', content: 'Half' });
  });

  it('a reply its tab finished between the read and the lock check keeps its whole text', async () => {
    // The other tab still streamed when this page read the record; by the time the lock is
    // checked it has stored the whole reply and let go. The stale half must not replace it.
    const { db, chat } = setup({});
    db.listMessages.mockImplementationOnce(() => {
      const read = structuredClone([...db.messages.values()]);
      db.messages.set('r1', { ...streamingReply, content: 'Half and whole', status: 'complete' });
      return Promise.resolve(read);
    });
    await chat.open('c1');
    await settle();
    expect(db.messages.get('r1')).toMatchObject({ status: 'complete', content: 'Half and whole' });
    expect(chat.messages('c1').find((m) => m.id === 'r1')).toMatchObject({
      status: 'complete',
      content: 'Half and whole',
    });
  });

  it('a reply no tab is streaming is interrupted at once, its text kept', async () => {
    const { db, chat } = setup({});
    await chat.open('c1');
    await settle();
    expect(statusOf(chat, 'r1')).toBe('interrupted');
    expect(db.messages.get('r1')).toMatchObject({ status: 'interrupted', content: 'Half' });
  });
});

describe('ChatState.reload', () => {
  it('shows messages another tab stored, and only for conversations already loaded', async () => {
    const { db, chat } = setup({ alive: new Set(['r1']) });
    await chat.reload('c1');
    expect(chat.isLoaded('c1')).toBe(false);
    await chat.open('c1');
    db.messages.set('u2', msg('u2', { parentId: 'r1', createdAt: 3 }));
    await chat.reload('c1');
    expect(chat.messages('c1').map((m) => m.id)).toEqual(['u1', 'r1', 'u2']);
  });

  it('drops messages another tab deleted', async () => {
    const { db, chat } = setup({});
    db.messages.delete('r1');
    await chat.open('c1');
    db.messages.set('gone', msg('gone', { createdAt: 5 }));
    await chat.reload('c1');
    db.messages.delete('gone');
    await chat.reload('c1');
    expect(chat.messages('c1').map((m) => m.id)).toEqual(['u1']);
  });

  it('leaves a conversation alone while this tab streams in it', async () => {
    const { db, api, conversations, chat } = setup({});
    db.messages.delete('r1');
    await conversations.load();
    await chat.open('c1');
    const active = conversations.get('c1');
    if (!active) throw new Error('missing');
    await chat.send({ ...active, currentLeafId: 'u1' }, 'Next');
    const before = chat.messages('c1');
    db.messages.set('other', msg('other', { createdAt: 9 }));
    await chat.reload('c1');
    expect(chat.messages('c1')).toBe(before);
    api.finish?.();
    await settle();
    await chat.reload('c1');
    expect(chat.messages('c1').map((m) => m.id)).toContain('other');
  });
});

describe('ChatState holds a stream lock while it streams', () => {
  it('for each reply, until its final write is stored', async () => {
    const held: { id: string; until: Promise<void> }[] = [];
    const { db, api, conversations, chat } = setup({
      hold: (id, until) => held.push({ id, until }),
    });
    db.messages.delete('r1');
    await conversations.load();
    await chat.open('c1');
    const active = conversations.get('c1');
    if (!active) throw new Error('missing');
    await chat.send({ ...active, currentLeafId: 'u1' }, 'Next');
    await settle();
    const reply = chat.messages('c1').find((m) => m.role === 'assistant');
    expect(held.map((h) => h.id)).toEqual([reply?.id]);
    let isReleased = false;
    void held[0]?.until.then(() => (isReleased = true));
    await settle();
    expect(isReleased).toBe(false);
    api.finish?.();
    await settle();
    expect(isReleased).toBe(true);
    expect(db.messages.get(reply?.id ?? '')).toMatchObject({ status: 'complete', content: 'Hi' });
  });
});
