/**
 * ChatState with Map-backed fakes for storage and a hand-driven fake ChatApi (each test decides
 * when text arrives and how the stream ends), plus a few runs with the real client against the
 * project's test server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, TEST_API_KEY, type TestServer } from '../../../tests/support/server';
import { plainReply } from '../../../tests/support/scenarios';
import { createChatApi, type ChatApi } from '../api/client';
import { ApiError } from '../api/errors';
import type { DeltaHandler, StreamResult } from '../api/stream';
import { DEFAULT_PARAMS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { ChatRequestBody } from '../domain/request';
import type { Conversation, Message, Usage } from '../domain/types';
import { ChatState, FLUSH_INTERVAL_MS } from './chat.svelte';
import { ConversationsState } from './conversations.svelte';
import { FakeDb } from './testing/fake-db';

const SNAPSHOT = 'gpt-4o-mini-2024-07-18';
const USAGE: Usage = { promptTokens: 20, completionTokens: 8, totalTokens: 28 };

/** One streamChat call, driven by the test. Stopping resolves with the text so far. */
interface StreamCall {
  body: ChatRequestBody;
  signal: AbortSignal;
  emit(text: string, index?: number): void;
  finish(result?: Partial<StreamResult>): void;
  fail(error: unknown): void;
}

class FakeApi implements ChatApi {
  readonly calls: StreamCall[] = [];

  listModels(): Promise<string[]> {
    return Promise.resolve(['gpt-4o-mini']);
  }

  streamChat(body: ChatRequestBody, onDelta: DeltaHandler, signal: AbortSignal) {
    return new Promise<StreamResult>((resolve, reject) => {
      let text = '';
      signal.addEventListener('abort', () => {
        resolve({
          choices: text === '' ? [] : [{ index: 0, content: text, finishReason: null }],
          model: SNAPSHOT,
          usage: undefined,
        });
      });
      this.calls.push({
        body,
        signal,
        emit: (piece, index = 0) => {
          if (index === 0) text += piece;
          onDelta(index, piece);
        },
        finish: (result = {}) => {
          resolve({
            choices: [{ index: 0, content: text, finishReason: 'stop' }],
            model: SNAPSHOT,
            usage: USAGE,
            ...result,
          });
        },
        fail: reject,
      });
    });
  }
}

/** Lets every pending promise chain run (the fakes resolve at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function setup(options: { db?: FakeDb; getApi?: () => Promise<ChatApi> } = {}) {
  const db = options.db ?? new FakeDb();
  const api = new FakeApi();
  let time = 1_000;
  const now = () => (time += 1);
  const conversations = new ConversationsState(db, now);
  const report = vi.fn();
  const chat = new ChatState({
    store: db,
    conversations,
    getApi: options.getApi ?? (() => Promise.resolve(api)),
    report,
    now,
    scheduleFrame: (callback) => {
      callback();
    },
  });
  return { db, api, conversations, chat, report };
}

type Setup = ReturnType<typeof setup>;

async function call(api: FakeApi, n: number): Promise<StreamCall> {
  await settle();
  const found = api.calls[n];
  if (!found) throw new Error(`streamChat call ${n} never came`);
  return found;
}

/** The conversation as the list now holds it (what the UI passes on the next action). */
function current({ conversations }: Setup, id: string): Conversation {
  const found = conversations.list.find((c) => c.id === id);
  if (!found) throw new Error(`conversation ${id} is not in the list`);
  return found;
}

function byRole(messages: readonly Message[], role: Message['role']): Message[] {
  return messages.filter((m) => m.role === role);
}

function storedConversation(id: string, fields: Partial<Conversation> = {}): Conversation {
  return {
    id,
    title: 'Stored',
    isTitleCustom: false,
    systemPrompt: '',
    params: { ...DEFAULT_PARAMS },
    createdAt: 1,
    updatedAt: 1,
    currentLeafId: null,
    ...fields,
  };
}

function storedMessage(
  id: string,
  parentId: string | null,
  createdAt: number,
  fields: Partial<Message> = {},
): Message {
  return {
    id,
    conversationId: 'c1',
    parentId,
    role: parentId === null ? 'user' : 'assistant',
    content: `content of ${id}`,
    status: 'complete',
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/** A stored conversation c1 with a question u1 and the given reply r1, already opened. */
async function withStoredReply(reply: Partial<Message>) {
  const db = new FakeDb();
  const u1 = storedMessage('u1', null, 10, { content: 'Question' });
  const r1 = storedMessage('r1', 'u1', 11, reply);
  db.messages.set(u1.id, u1);
  db.messages.set(r1.id, r1);
  db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r1', updatedAt: 11 }));
  const state = setup({ db });
  await state.conversations.load();
  await state.chat.open('c1');
  return state;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatState.send', () => {
  it('stores the user message and the streaming reply in ONE putMessages call', async () => {
    const state = setup();
    const { db, conversations, chat } = state;
    const draft = conversations.newChat();

    expect(await chat.send(draft, 'Hello there\nsecond line')).toBe(true);

    expect(db.putMessages).toHaveBeenCalledTimes(1);
    const [written, conversation] = db.putMessages.mock.calls[0] ?? [];
    const [user, reply] = written ?? [];
    expect(written).toHaveLength(2);
    expect(user).toMatchObject({
      conversationId: draft.id,
      role: 'user',
      content: 'Hello there\nsecond line',
      parentId: null,
      status: 'complete',
    });
    expect(reply).toMatchObject({
      conversationId: draft.id,
      role: 'assistant',
      content: '',
      parentId: user?.id,
      status: 'streaming',
      model: DEFAULT_PARAMS.model,
    });
    expect(conversation).toMatchObject({
      id: draft.id,
      title: 'Hello there',
      currentLeafId: reply?.id,
    });
    // The conversation went into that same transaction: no separate write, no draft left.
    expect(db.putConversation).not.toHaveBeenCalled();
    expect(db.putMessage).not.toHaveBeenCalled();
    expect(conversations.isActiveDraft).toBe(false);
    expect(conversations.active).toMatchObject({ id: draft.id, currentLeafId: reply?.id });
    expect(conversations.list.map((c) => c.id)).toEqual([draft.id]);
    expect(chat.isStreaming(draft.id)).toBe(true);
    expect(chat.messages(draft.id).map((m) => m.id)).toEqual([user?.id, reply?.id]);
  });

  it('posts the system prompt, the params and the history', async () => {
    const { api, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const { body } = await call(api, 0);
    expect(body).toEqual({
      model: DEFAULT_PARAMS.model,
      temperature: DEFAULT_PARAMS.temperature,
      messages: [
        { role: 'system', content: DEFAULT_SYSTEM_PROMPT },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('shows the text as it arrives and stores a complete reply with usage, model and finish', async () => {
    const state = setup();
    const { api, db, conversations, chat } = state;
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    const reply = chat.messages(draft.id)[1];
    if (!reply) throw new Error('no reply');

    expect(chat.liveContent(reply.id)).toBe('');
    stream.emit('Hel');
    stream.emit('lo!');
    stream.emit('ignored', 1); // Parley shows choice 0 only.
    expect(chat.liveContent(reply.id)).toBe('Hello!');
    stream.finish();
    await settle();

    const expected = {
      id: reply.id,
      content: 'Hello!',
      status: 'complete',
      finishReason: 'stop',
      model: SNAPSHOT,
      usage: USAGE,
    };
    expect(chat.messages(draft.id)[1]).toMatchObject(expected);
    expect(db.messages.get(reply.id)).toMatchObject(expected);
    expect(db.messages.get(reply.id)).not.toHaveProperty('error');
    expect(chat.liveContent(reply.id)).toBeUndefined();
    expect(chat.isStreaming(draft.id)).toBe(false);
    // The conversation's last activity is saved at the end.
    const saved = db.conversations.get(draft.id);
    expect(saved?.currentLeafId).toBe(reply.id);
    expect(saved?.updatedAt).toBeGreaterThan(reply.createdAt);
    expect(current(state, draft.id).updatedAt).toBe(saved?.updatedAt);
  });

  it('falls back to the requested model when the server names none', async () => {
    const { api, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.emit('x');
    stream.finish({ model: undefined, usage: undefined });
    await settle();
    const reply = chat.messages(draft.id)[1];
    expect(reply?.model).toBe(DEFAULT_PARAMS.model);
    expect(reply).not.toHaveProperty('usage');
  });

  it('a second send continues the branch from the reply', async () => {
    const state = setup();
    const { api, db, conversations, chat } = state;
    const draft = conversations.newChat();
    await chat.send(draft, 'First question');
    const first = await call(api, 0);
    first.emit('First answer');
    first.finish();
    await settle();

    expect(await chat.send(current(state, draft.id), 'Second question')).toBe(true);
    const second = await call(api, 1);
    expect(second.body.messages).toEqual([
      { role: 'system', content: DEFAULT_SYSTEM_PROMPT },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Second question' },
    ]);
    const [u1, r1, u2, r2] = chat.messages(draft.id);
    expect(u2?.parentId).toBe(r1?.id);
    expect(r2?.parentId).toBe(u2?.id);
    expect(u1?.parentId).toBeNull();
    const [, conversation] = db.putMessages.mock.calls[1] ?? [];
    expect(conversation).toMatchObject({ title: 'First question', currentLeafId: r2?.id });
    expect(chat.branch(current(state, draft.id)).map((m) => m.content)).toEqual([
      'First question',
      'First answer',
      'Second question',
      '',
    ]);
  });

  it('keeps a custom title', async () => {
    const { conversations, chat, db } = setup();
    const draft = { ...conversations.newChat(), title: 'Mine', isTitleCustom: true };
    await chat.send(draft, 'Something else entirely');
    expect(db.putMessages.mock.calls[0]?.[1]?.title).toBe('Mine');
  });

  it('refuses blank text and a second message while a reply streams', async () => {
    const { db, conversations, chat } = setup();
    const draft = conversations.newChat();
    expect(await chat.send(draft, '  \n ')).toBe(false);
    expect(db.putMessages).not.toHaveBeenCalled();
    await chat.send(draft, 'One');
    expect(await chat.send(draft, 'Two')).toBe(false);
    expect(db.putMessages).toHaveBeenCalledTimes(1);
  });

  it('a storage failure: send resolves false, reports it, and nothing is in memory', async () => {
    const { api, db, conversations, chat, report } = setup();
    const failure = new Error('QuotaExceededError');
    db.putMessages.mockRejectedValueOnce(failure);
    const draft = conversations.newChat();

    expect(await chat.send(draft, 'Hello')).toBe(false);
    await settle();
    expect(report).toHaveBeenCalledWith(failure);
    expect(chat.messages(draft.id)).toEqual([]);
    expect(chat.isStreaming(draft.id)).toBe(false);
    expect(api.calls).toEqual([]);
    expect(conversations.list).toEqual([]);
    expect(conversations.isActiveDraft).toBe(true);
  });
});

describe('ChatState: flushing a streaming reply', () => {
  it('writes the growing text at most every FLUSH_INTERVAL_MS, then the final record', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { api, db, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Tell me a long story');
    const stream = await call(api, 0);
    const replyId = chat.messages(draft.id)[1]?.id;

    const writes = () => db.putMessage.mock.calls.map(([m]) => m).filter((m) => m.id === replyId);

    // A piece every 100 ms for 2 s.
    let sent = '';
    for (let i = 0; i < 20; i++) {
      const piece = `word${i} `;
      sent += piece;
      stream.emit(piece);
      await vi.advanceTimersByTimeAsync(100);
      if (i === 3) expect(writes()).toEqual([]); // nothing before the first interval
    }
    const during = writes();
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during.length).toBeLessThanOrEqual(2_000 / FLUSH_INTERVAL_MS);
    let previous = '';
    for (const write of during) {
      expect(write.status).toBe('streaming');
      expect(write.content.startsWith(previous)).toBe(true);
      expect(write.content.length).toBeGreaterThan(previous.length);
      expect(sent.startsWith(write.content)).toBe(true);
      previous = write.content;
    }
    // The stored record is never more than one interval behind.
    expect(db.messages.get(replyId ?? '')?.content).toBe(previous);

    // Nothing new arrived: no rewrite of the same text.
    await vi.advanceTimersByTimeAsync(3 * FLUSH_INTERVAL_MS);
    expect(writes()).toHaveLength(during.length);

    stream.finish();
    await settle();
    const all = writes();
    expect(all).toHaveLength(during.length + 1);
    expect(all.at(-1)).toMatchObject({ content: sent, status: 'complete' });
    expect(db.messages.get(replyId ?? '')).toMatchObject({ content: sent, status: 'complete' });

    // The interval is gone once the reply ended.
    await vi.advanceTimersByTimeAsync(5 * FLUSH_INTERVAL_MS);
    expect(writes()).toHaveLength(all.length);
  });
});

describe('ChatState.stop', () => {
  it('ends the reply at once as stopped, keeping the partial text', async () => {
    const { api, db, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.emit('Partial answ');
    chat.stop(draft.id);
    expect(stream.signal.aborted).toBe(true);
    await settle();

    const reply = chat.messages(draft.id)[1];
    expect(reply).toMatchObject({ content: 'Partial answ', status: 'stopped', finishReason: null });
    expect(db.messages.get(reply?.id ?? '')).toMatchObject({
      content: 'Partial answ',
      status: 'stopped',
    });
    expect(chat.isStreaming(draft.id)).toBe(false);
  });

  it('does nothing for a conversation that is not streaming', () => {
    const { chat } = setup();
    expect(() => {
      chat.stop('nope');
    }).not.toThrow();
  });
});

describe('ChatState: failures', () => {
  it('an API error ends the reply as error with its kind; the user message stays', async () => {
    const { api, db, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.fail(
      new ApiError('rate_limit', 'Rate limit reached', { status: 429, retryAfterSeconds: 20 }),
    );
    await settle();

    const [user, reply] = chat.messages(draft.id);
    expect(user).toMatchObject({ role: 'user', content: 'Hi', status: 'complete' });
    expect(reply).toMatchObject({
      status: 'error',
      content: '',
      error: {
        kind: 'rate_limit',
        detail: 'Rate limit reached',
        status: 429,
        retryAfterSeconds: 20,
      },
    });
    expect(db.messages.get(user?.id ?? '')).toMatchObject({ content: 'Hi' });
    expect(db.messages.get(reply?.id ?? '')).toMatchObject({
      status: 'error',
      error: { kind: 'rate_limit' },
    });
    expect(chat.isStreaming(draft.id)).toBe(false);
  });

  it('a connection lost after some text keeps the text, as an incomplete error', async () => {
    const { api, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.emit('Half of it');
    stream.fail(new TypeError('terminated'));
    await settle();
    expect(chat.messages(draft.id)[1]).toMatchObject({
      status: 'error',
      content: 'Half of it',
      error: { kind: 'incomplete' },
    });
  });

  it('no API client (no key) ends the reply as an error too', async () => {
    const { conversations, chat, db } = setup({
      getApi: () => Promise.reject(new ApiError('auth', '')),
    });
    const draft = conversations.newChat();
    expect(await chat.send(draft, 'Hi')).toBe(true);
    await settle();
    const reply = byRole(chat.messages(draft.id), 'assistant')[0];
    expect(reply).toMatchObject({ status: 'error', error: { kind: 'auth' } });
    expect(db.messages.get(reply?.id ?? '')?.status).toBe('error');
  });

  it('a failed write is reported, not thrown', async () => {
    const { api, db, conversations, chat, report } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    const failure = new Error('disk full');
    db.putMessage.mockRejectedValueOnce(failure);
    stream.emit('x');
    stream.finish();
    await settle();
    expect(report).toHaveBeenCalledWith(failure);
  });
});

describe('ChatState.open', () => {
  it('turns a stored streaming reply into interrupted and writes that back', async () => {
    const { db, chat } = await withStoredReply({ status: 'streaming', content: 'half' });
    expect(chat.messages('c1').map((m) => m.status)).toEqual(['complete', 'interrupted']);
    await settle();
    expect(db.messages.get('r1')).toMatchObject({ status: 'interrupted', content: 'half' });
    expect(db.putMessage).toHaveBeenCalledTimes(1);
    expect(chat.isLoaded('c1')).toBe(true);
  });

  it('loads once and writes nothing when nothing was cut off', async () => {
    const { db, chat } = await withStoredReply({ status: 'complete' });
    await chat.open('c1');
    await settle();
    expect(db.listMessages).toHaveBeenCalledTimes(1);
    expect(db.putMessage).not.toHaveBeenCalled();
    expect(chat.messages('c1').map((m) => m.id)).toEqual(['u1', 'r1']);
  });

  it('an unknown conversation has no messages', () => {
    const { chat } = setup();
    expect(chat.messages('nope')).toEqual([]);
    expect(chat.isLoaded('nope')).toBe(false);
  });
});

describe('ChatState.retry', () => {
  it('deletes an empty errored reply and streams a new one under the same parent', async () => {
    const state = await withStoredReply({
      status: 'error',
      content: '',
      error: { kind: 'server' },
    });
    const { api, db, chat } = state;

    expect(await chat.retry(current(state, 'c1'), 'r1')).toBe(true);
    expect(db.deleteMessages).toHaveBeenCalledWith(['r1']);
    const stream = await call(api, 0);
    expect(stream.body.messages).toEqual([{ role: 'user', content: 'Question' }]);

    const messages = chat.messages('c1');
    expect(messages.map((m) => m.id)).not.toContain('r1');
    const replies = byRole(messages, 'assistant');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ parentId: 'u1', status: 'streaming' });
    expect(db.messages.has('r1')).toBe(false);
    expect(current(state, 'c1').currentLeafId).toBe(replies[0]?.id);
  });

  it('keeps a reply with text as a sibling and does not send it again', async () => {
    const state = await withStoredReply({ status: 'stopped', content: 'Old answer' });
    const { api, db, chat } = state;

    expect(await chat.retry(current(state, 'c1'), 'r1')).toBe(true);
    const stream = await call(api, 0);
    expect(db.deleteMessages).not.toHaveBeenCalled();
    expect(stream.body.messages.map((m) => m.content)).not.toContain('Old answer');
    const replies = byRole(chat.messages('c1'), 'assistant');
    expect(replies.map((r) => r.parentId)).toEqual(['u1', 'u1']);
    expect(replies[0]?.content).toBe('Old answer');
    stream.emit('New answer');
    stream.finish();
    await settle();
    expect(chat.branch(current(state, 'c1')).map((m) => m.content)).toEqual([
      'Question',
      'New answer',
    ]);
  });

  it('refuses an unknown message and a root message', async () => {
    const state = await withStoredReply({ status: 'complete' });
    expect(await state.chat.retry(current(state, 'c1'), 'nope')).toBe(false);
    expect(await state.chat.retry(current(state, 'c1'), 'u1')).toBe(false);
    await settle();
    expect(state.api.calls).toEqual([]);
  });

  it('a failed delete is reported and nothing is retried', async () => {
    const state = await withStoredReply({ status: 'error', content: '' });
    const failure = new Error('blocked');
    state.db.deleteMessages.mockRejectedValueOnce(failure);
    expect(await state.chat.retry(current(state, 'c1'), 'r1')).toBe(false);
    expect(state.report).toHaveBeenCalledWith(failure);
    expect(state.chat.messages('c1').map((m) => m.id)).toEqual(['u1', 'r1']);
  });
});

describe('ChatState.forget', () => {
  it('stops the stream of a forgotten conversation', async () => {
    const { api, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.emit('partial');
    chat.forget(draft.id);
    expect(stream.signal.aborted).toBe(true);
    await settle();
    expect(chat.isStreaming(draft.id)).toBe(false);
  });

  it('no later write resurrects the messages of a forgotten conversation', async () => {
    const { api, db, conversations, chat } = setup();
    const draft = conversations.newChat();
    await chat.send(draft, 'Hi');
    const stream = await call(api, 0);
    stream.emit('partial');
    const writesBefore = db.putMessage.mock.calls.length;

    // What the sidebar does on Delete.
    chat.forget(draft.id);
    await conversations.delete(draft.id);
    await settle();

    expect(db.putMessage.mock.calls.length).toBe(writesBefore);
    expect(db.messagesOf(draft.id)).toEqual([]);
    expect(chat.isLoaded(draft.id)).toBe(false);
  });
});

describe('ChatState.branch and showBranch', () => {
  //  u1 ─ r1 ─ u2 ─ r3
  //     └ r2            (r2 newer than r1)
  async function tree() {
    const db = new FakeDb();
    const messages = [
      storedMessage('u1', null, 10),
      storedMessage('r1', 'u1', 11),
      storedMessage('u2', 'r1', 12, { role: 'user' }),
      storedMessage('r2', 'u1', 13),
      storedMessage('r3', 'u2', 14),
    ];
    for (const m of messages) db.messages.set(m.id, m);
    db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r3', updatedAt: 14 }));
    const state = setup({ db });
    await state.conversations.load();
    await state.chat.open('c1');
    return state;
  }

  it('shows the branch of the current leaf', async () => {
    const state = await tree();
    expect(state.chat.branch(current(state, 'c1')).map((m) => m.id)).toEqual([
      'u1',
      'r1',
      'u2',
      'r3',
    ]);
  });

  it('falls back to the newest message when the leaf is missing or dangling', async () => {
    const state = await tree();
    const conversation = current(state, 'c1');
    for (const currentLeafId of [null, 'deleted-long-ago']) {
      // r3 is the newest message.
      expect(state.chat.branch({ ...conversation, currentLeafId }).map((m) => m.id)).toEqual([
        'u1',
        'r1',
        'u2',
        'r3',
      ]);
    }
  });

  it('showBranch picks the newest leaf under a message and saves it', async () => {
    const state = await tree();
    await state.chat.showBranch(current(state, 'c1'), 'r2');
    expect(current(state, 'c1').currentLeafId).toBe('r2');
    expect(state.db.conversations.get('c1')?.currentLeafId).toBe('r2');

    await state.chat.showBranch(current(state, 'c1'), 'r1');
    expect(current(state, 'c1').currentLeafId).toBe('r3');

    await state.chat.showBranch(current(state, 'c1'), 'u1');
    expect(current(state, 'c1').currentLeafId).toBe('r2');
    expect(state.chat.branch(current(state, 'c1')).map((m) => m.id)).toEqual(['u1', 'r2']);
  });

  it('a failed save of the branch choice is reported', async () => {
    const state = await tree();
    const failure = new Error('quota');
    state.db.putConversation.mockRejectedValueOnce(failure);
    await state.chat.showBranch(current(state, 'c1'), 'r2');
    expect(state.report).toHaveBeenCalledWith(failure);
  });
});

describe('ChatState with the real client and the test server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ chunkDelayMs: 1 });
  });

  afterAll(async () => {
    await server.close();
  });

  function realSetup() {
    return setup({ getApi: () => createChatApi({ apiKey: TEST_API_KEY, baseUrl: server.url }) });
  }

  async function finished({ chat }: Setup, id: string): Promise<void> {
    await vi.waitFor(() => {
      expect(chat.isStreaming(id)).toBe(false);
    });
    await settle();
  }

  it('streams a plain reply into a complete record with the reported model and usage', async () => {
    const state = realSetup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hello');
    await finished(state, draft.id);
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    expect(reply).toMatchObject({
      content: plainReply('Hello'),
      status: 'complete',
      finishReason: 'stop',
      model: SNAPSHOT,
      usage: { promptTokens: expect.any(Number) as number },
    });
    expect(state.db.messages.get(reply?.id ?? '')).toEqual(reply);
  });

  it('stores a rate limit as an error with the seconds to wait', async () => {
    const state = realSetup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hello scenario:rate-limit');
    await finished(state, draft.id);
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    expect(reply).toMatchObject({
      status: 'error',
      content: '',
      error: { kind: 'rate_limit', status: 429, retryAfterSeconds: 1 },
    });
  });

  it('stops a slow reply: stopped, with the partial text, and the request closed', async () => {
    const state = realSetup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hi scenario:slow');
    const replyId = byRole(state.chat.messages(draft.id), 'assistant')[0]?.id ?? '';
    await vi.waitFor(() => {
      expect(state.chat.liveContent(replyId)).toMatch(/^You said: Hi/);
    });
    state.chat.stop(draft.id);
    await finished(state, draft.id);
    const reply = state.db.messages.get(replyId);
    expect(reply?.status).toBe('stopped');
    expect(reply?.content).toMatch(/^You said: Hi/);
    await expect.poll(() => server.openChatResponses).toBe(0);
  });
});
