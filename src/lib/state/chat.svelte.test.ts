/**
 * ChatState with Map-backed fakes for storage and a hand-driven fake ChatApi (each test decides
 * when text arrives and how the stream ends), plus a few runs with the real client against the
 * project's test server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, TEST_API_KEY, type TestServer } from '../../../tests/support/server';
import { plainReply } from '../../../tests/support/scenarios';
import { createChatApi } from '../api/client';
import { ApiError } from '../api/errors';
import { DEFAULT_PARAMS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { ChatParams, Conversation, Message, Usage } from '../domain/types';
import { FLUSH_INTERVAL_MS } from './reply-stream.svelte';
import { FakeDb } from './testing/fake-db';
import {
  byRole,
  call,
  current,
  messageWrites,
  settle,
  setup,
  SNAPSHOT,
  storedConversation,
  storedMessage,
  USAGE,
  withStoredReply,
  type Setup,
} from './testing/chat-setup';

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatState.send', () => {
  it('stores the user message and the streaming reply with the conversation in ONE write', async () => {
    const state = setup();
    const { db, conversations, chat } = state;
    const draft = conversations.newChat();

    expect(await chat.send(draft, 'Hello there\nsecond line')).toBe(true);

    expect(db.updateConversation).toHaveBeenCalledTimes(1);
    const written = messageWrites(db)[0]?.put;
    const conversation = db.conversations.get(draft.id);
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
    expect(db.putMessages).not.toHaveBeenCalled();
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
    expect(messageWrites(db)[1]?.put.map((m) => m.id)).toEqual([u2?.id, r2?.id]);
    expect(db.conversations.get(draft.id)).toMatchObject({
      title: 'First question',
      currentLeafId: r2?.id,
    });
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
    await conversations.save(draft);
    await chat.send(draft, 'Something else entirely');
    expect(db.conversations.get(draft.id)?.title).toBe('Mine');
  });

  it('refuses blank text and a second message while a reply streams', async () => {
    const { db, conversations, chat } = setup();
    const draft = conversations.newChat();
    expect(await chat.send(draft, '  \n ')).toBe(false);
    expect(messageWrites(db)).toEqual([]);
    await chat.send(draft, 'One');
    expect(await chat.send(draft, 'Two')).toBe(false);
    expect(messageWrites(db)).toHaveLength(1);
  });

  it('a storage failure: send resolves false, reports it, and nothing is in memory', async () => {
    const { api, db, conversations, chat, report } = setup();
    const failure = new Error('QuotaExceededError');
    db.updateConversation.mockRejectedValueOnce(failure);
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
    // Not retryable (an empty quota), so it ends the reply at once.
    stream.fail(new ApiError('quota', 'You exceeded your current quota', { status: 429 }));
    await settle();

    const [user, reply] = chat.messages(draft.id);
    expect(user).toMatchObject({ role: 'user', content: 'Hi', status: 'complete' });
    expect(reply).toMatchObject({
      status: 'error',
      content: '',
      error: { kind: 'quota', detail: 'You exceeded your current quota', status: 429 },
    });
    expect(db.messages.get(user?.id ?? '')).toMatchObject({ content: 'Hi' });
    expect(db.messages.get(reply?.id ?? '')).toMatchObject({
      status: 'error',
      error: { kind: 'quota' },
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
    expect(db.interruptStreaming).toHaveBeenCalledWith(['r1']);
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
    expect(messageWrites(db)[0]?.deleted).toEqual(['r1']);
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
    expect(messageWrites(db)[0]?.deleted).toEqual([]);
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
    state.db.updateConversation.mockRejectedValueOnce(failure);
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
    state.db.updateConversation.mockRejectedValueOnce(failure);
    await state.chat.showBranch(current(state, 'c1'), 'r2');
    expect(state.report).toHaveBeenCalledWith(failure);
  });
});

/** A new chat with `params` on top of the defaults and no system prompt. */
function chatWith(state: Setup, params: Partial<ChatParams>): Conversation {
  return state.conversations.newChat({
    params: { ...DEFAULT_PARAMS, ...params },
    systemPrompt: '',
    presetId: null,
  });
}

describe('ChatState: the model shapes the request', () => {
  it('asks the model source for the conversation model and builds the body from it', async () => {
    const state = setup();
    const draft = chatWith(state, { model: 'o3-mini', maxTokens: 300, n: 2, stop: ['END'] });
    await state.chat.send(draft, 'Think');
    const { body } = await call(state.api, 0);
    expect(state.models.info).toHaveBeenCalledWith('o3-mini');
    expect(body).toEqual({
      model: 'o3-mini',
      messages: [{ role: 'user', content: 'Think' }],
      max_completion_tokens: 300,
      stream: true,
      stream_options: { include_usage: true },
    });
    // n is not sent to this model, so there is one reply, without stop sequences.
    const replies = byRole(state.chat.messages(draft.id), 'assistant');
    expect(replies).toHaveLength(1);
    expect(replies[0]).not.toHaveProperty('choiceIndex');
    expect(replies[0]).not.toHaveProperty('stopSequences');
  });
});

describe('ChatState: n > 1', () => {
  it('creates n siblings in ONE write with the conversation, leaf at choice 0', async () => {
    const state = setup();
    const { db, chat } = state;
    const draft = chatWith(state, { n: 3, stop: ['END', '\n\n'] });

    expect(await chat.send(draft, 'Three ideas')).toBe(true);
    const { body } = await call(state.api, 0);
    expect(body).toMatchObject({ n: 3, stop: ['END', '\n\n'] });

    expect(db.updateConversation).toHaveBeenCalledTimes(1);
    const written = messageWrites(db)[0]?.put;
    const conversation = db.conversations.get(draft.id);
    expect(written).toHaveLength(4);
    const [user, ...replies] = written ?? [];
    expect(user).toMatchObject({ role: 'user', content: 'Three ideas' });
    replies.forEach((reply, index) => {
      expect(reply).toMatchObject({
        role: 'assistant',
        content: '',
        status: 'streaming',
        parentId: user?.id,
        choiceIndex: index,
        choiceCount: 3,
        stopSequences: ['END', '\n\n'],
      });
    });
    expect(new Set(replies.map((r) => r.id)).size).toBe(3);
    expect(conversation).toMatchObject({ id: draft.id, currentLeafId: replies[0]?.id });
    expect(db.putMessages).not.toHaveBeenCalled();
    expect(chat.branch(current(state, draft.id)).map((m) => m.id)).toEqual([
      user?.id,
      replies[0]?.id,
    ]);
  });

  it('streams interleaved deltas into three complete siblings', async () => {
    const state = setup();
    const { db, chat } = state;
    const draft = chatWith(state, { n: 3 });
    await chat.send(draft, 'Three ideas');
    const stream = await call(state.api, 0);
    const replies = byRole(chat.messages(draft.id), 'assistant');
    const ids = replies.map((r) => r.id);
    expect(ids).toHaveLength(3);

    stream.emit('A1 ', 0);
    stream.emit('B1 ', 1);
    stream.emit('C1 ', 2);
    stream.emit('B2', 1);
    stream.emit('A2', 0);
    stream.emit('C2', 2);
    stream.emit('stray', 3); // more choices than asked for: ignored
    expect(ids.map((id) => chat.liveContent(id))).toEqual(['A1 A2', 'B1 B2', 'C1 C2']);

    stream.finish({
      choices: [
        { index: 0, content: 'A1 A2', finishReason: 'stop' },
        { index: 1, content: 'B1 B2', finishReason: 'length' },
        { index: 2, content: 'C1 C2', finishReason: 'stop', matchedStop: 'END' },
      ],
    });
    await settle();

    const expected = [
      { content: 'A1 A2', finishReason: 'stop', choiceIndex: 0 },
      { content: 'B1 B2', finishReason: 'length', choiceIndex: 1 },
      { content: 'C1 C2', finishReason: 'stop', choiceIndex: 2, matchedStop: 'END' },
    ].map((fields) => ({
      ...fields,
      status: 'complete',
      choiceCount: 3,
      model: SNAPSHOT,
      usage: USAGE,
    }));
    const final = byRole(chat.messages(draft.id), 'assistant');
    expect(final.map((m) => m.id)).toEqual(ids);
    final.forEach((message, index) => {
      expect(message).toMatchObject(expected[index] ?? {});
      expect(db.messages.get(message.id)).toEqual(message);
      expect(chat.liveContent(message.id)).toBeUndefined();
    });
    expect(final[0]).not.toHaveProperty('matchedStop');
    expect(final[0]).not.toHaveProperty('stopSequences');
    expect(chat.isStreaming(draft.id)).toBe(false);
    expect(current(state, draft.id).currentLeafId).toBe(ids[0]);
  });

  it('a stop ends every sibling as stopped with its own text', async () => {
    const state = setup();
    const draft = chatWith(state, { n: 2 });
    await state.chat.send(draft, 'Two');
    const stream = await call(state.api, 0);
    stream.emit('first', 0);
    stream.emit('second', 1);
    state.chat.stop(draft.id);
    await settle();
    expect(byRole(state.chat.messages(draft.id), 'assistant')).toMatchObject([
      { content: 'first', status: 'stopped', finishReason: null, choiceIndex: 0 },
      { content: 'second', status: 'stopped', finishReason: null, choiceIndex: 1 },
    ]);
  });

  it('a failure ends every sibling as an error; retry deletes all of them', async () => {
    const state = setup();
    const { db, chat } = state;
    const draft = chatWith(state, { n: 3 });
    await chat.send(draft, 'Three');
    const stream = await call(state.api, 0);
    stream.fail(new ApiError('bad_request', 'bad', { status: 400 }));
    await settle();
    const failed = byRole(chat.messages(draft.id), 'assistant');
    expect(failed.map((m) => m.status)).toEqual(['error', 'error', 'error']);
    expect(failed.map((m) => db.messages.get(m.id)?.error?.kind)).toEqual([
      'bad_request',
      'bad_request',
      'bad_request',
    ]);

    expect(await chat.retry(current(state, draft.id), failed[1]?.id ?? '')).toBe(true);
    const retried = messageWrites(db).at(-1);
    expect([...(retried?.deleted ?? [])].sort()).toEqual(failed.map((m) => m.id).sort());
    await call(state.api, 1);
    const fresh = byRole(chat.messages(draft.id), 'assistant');
    expect(fresh).toHaveLength(3);
    for (const old of failed) {
      expect(fresh.map((m) => m.id)).not.toContain(old.id);
      expect(db.messages.has(old.id)).toBe(false);
    }
    expect(fresh.map((m) => m.choiceIndex)).toEqual([0, 1, 2]);
    expect(current(state, draft.id).currentLeafId).toBe(fresh[0]?.id);
  });
});

describe('ChatState.retry: several empty replies', () => {
  it('deletes every empty reply under the parent and keeps the ones with text', async () => {
    const db = new FakeDb();
    const fields = { status: 'error', content: '', error: { kind: 'server' } } as const;
    const messages = [
      storedMessage('u1', null, 10, { content: 'Question' }),
      storedMessage('r0', 'u1', 11, { content: 'An older answer' }),
      storedMessage('r1', 'u1', 12, { ...fields, choiceIndex: 0, choiceCount: 3 }),
      storedMessage('r2', 'u1', 12, { ...fields, choiceIndex: 1, choiceCount: 3 }),
      storedMessage('r3', 'u1', 12, {
        ...fields,
        content: 'Partial',
        choiceIndex: 2,
        choiceCount: 3,
      }),
    ];
    for (const m of messages) db.messages.set(m.id, m);
    db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r1', updatedAt: 12 }));
    const state = setup({ db });
    await state.conversations.load();
    await state.chat.open('c1');

    expect(await state.chat.retry(current(state, 'c1'), 'r1')).toBe(true);
    expect([...(messageWrites(db)[0]?.deleted ?? [])].sort()).toEqual(['r1', 'r2']);
    await call(state.api, 0);
    expect(
      state.chat
        .messages('c1')
        .map((m) => m.id)
        .slice(0, 3),
    ).toEqual(['u1', 'r0', 'r3']);
    expect(byRole(state.chat.messages('c1'), 'assistant')).toHaveLength(3);
  });
});

describe('ChatState: stop sequences', () => {
  it('a reply keeps the stop sequences of its request and the one the provider matched', async () => {
    const state = setup();
    const draft = chatWith(state, { stop: ['###', 'END'] });
    await state.chat.send(draft, 'Hi');
    const stream = await call(state.api, 0);
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    expect(reply).toMatchObject({ stopSequences: ['###', 'END'] });
    expect(reply).not.toHaveProperty('choiceIndex');
    expect(reply).not.toHaveProperty('choiceCount');
    stream.emit('Done');
    stream.finish({
      choices: [{ index: 0, content: 'Done', finishReason: 'stop', matchedStop: '###' }],
    });
    await settle();
    const expected = {
      content: 'Done',
      finishReason: 'stop',
      stopSequences: ['###', 'END'],
      matchedStop: '###',
    };
    expect(state.chat.messages(draft.id)[1]).toMatchObject(expected);
    expect(state.db.messages.get(reply?.id ?? '')).toMatchObject(expected);
  });

  it('no stop sequences, no stopSequences field; no stop_reason, no matchedStop', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hi');
    const stream = await call(state.api, 0);
    expect(stream.body).not.toHaveProperty('stop');
    stream.emit('Done');
    stream.finish();
    await settle();
    const reply = state.chat.messages(draft.id)[1];
    expect(reply).not.toHaveProperty('stopSequences');
    expect(reply).not.toHaveProperty('matchedStop');
  });
});

describe('ChatState.continueReply', () => {
  const FIRST_USAGE: Usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };

  async function cutOff(reply: Partial<Message> = {}, conversation: Partial<Conversation> = {}) {
    const db = new FakeDb();
    const u1 = storedMessage('u1', null, 10, { content: 'Question' });
    const r1 = storedMessage('r1', 'u1', 11, {
      content: 'The first half',
      finishReason: 'length',
      model: SNAPSHOT,
      usage: FIRST_USAGE,
      ...reply,
    });
    db.messages.set(u1.id, u1);
    db.messages.set(r1.id, r1);
    db.conversations.set(
      'c1',
      storedConversation('c1', {
        currentLeafId: 'r1',
        updatedAt: 11,
        systemPrompt: 'Be brief.',
        params: { ...DEFAULT_PARAMS, n: 3, maxTokens: 5 },
        ...conversation,
      }),
    );
    const state = setup({ db });
    await state.conversations.load();
    await state.chat.open('c1');
    return state;
  }

  it('sends the history, the reply so far and a hidden instruction, with n absent', async () => {
    const state = await cutOff();
    expect(await state.chat.continueReply(current(state, 'c1'), 'r1')).toBe(true);
    const { body } = await call(state.api, 0);
    expect(body).not.toHaveProperty('n');
    expect(body.max_tokens).toBe(5);
    expect(body.messages.slice(0, 3)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Question' },
      { role: 'assistant', content: 'The first half' },
    ]);
    expect(body.messages).toHaveLength(4);
    expect(body.messages.at(-2)).toEqual({ role: 'assistant', content: 'The first half' });
    expect(body.messages.at(-1)?.role).toBe('user');
    expect(body.messages.at(-1)?.content).toMatch(/continue/i);
    // The instruction is never stored nor shown; no new reply is created.
    expect(state.chat.messages('c1').map((m) => m.id)).toEqual(['u1', 'r1']);
    expect(messageWrites(state.db)).toEqual([]);
    expect(state.chat.isStreaming('c1')).toBe(true);
    expect(state.chat.messages('c1')[1]).toMatchObject({ status: 'streaming', finishReason: null });
  });

  it('appends to the same message, sums the usage and stores it', async () => {
    const state = await cutOff();
    await state.chat.continueReply(current(state, 'c1'), 'r1');
    const stream = await call(state.api, 0);
    expect(state.chat.liveContent('r1')).toBe('The first half');
    stream.emit(' and the');
    stream.emit(' rest.');
    expect(state.chat.liveContent('r1')).toBe('The first half and the rest.');
    stream.finish({ usage: { promptTokens: 30, completionTokens: 7, totalTokens: 37 } });
    await settle();

    const expected = {
      id: 'r1',
      content: 'The first half and the rest.',
      status: 'complete',
      finishReason: 'stop',
      usage: { promptTokens: 40, completionTokens: 12, totalTokens: 52 },
    };
    expect(state.chat.messages('c1')).toHaveLength(2);
    expect(state.chat.messages('c1')[1]).toMatchObject(expected);
    expect(state.db.messages.get('r1')).toMatchObject(expected);
    expect(state.db.messagesOf('c1')).toHaveLength(2);
    expect(state.chat.isStreaming('c1')).toBe(false);
    expect(current(state, 'c1').currentLeafId).toBe('r1');
  });

  it('a reply without usage takes the new usage as is', async () => {
    const state = await cutOff({ usage: undefined });
    await state.chat.continueReply(current(state, 'c1'), 'r1');
    const stream = await call(state.api, 0);
    stream.emit('!');
    stream.finish();
    await settle();
    expect(state.chat.messages('c1')[1]?.usage).toEqual(USAGE);
  });

  it('clears the error of a reply cut off by a failure', async () => {
    const state = await cutOff({
      status: 'error',
      finishReason: null,
      error: { kind: 'incomplete' },
    });
    await state.chat.continueReply(current(state, 'c1'), 'r1');
    const stream = await call(state.api, 0);
    expect(state.chat.messages('c1')[1]).not.toHaveProperty('error');
    stream.emit(' more');
    stream.finish();
    await settle();
    const reply = state.db.messages.get('r1');
    expect(reply).toMatchObject({ status: 'complete', content: 'The first half more' });
    expect(reply).not.toHaveProperty('error');
  });

  it('a failure keeps the text so far and the new part', async () => {
    const state = await cutOff();
    await state.chat.continueReply(current(state, 'c1'), 'r1');
    const stream = await call(state.api, 0);
    stream.emit(' and');
    stream.fail(new TypeError('terminated'));
    await settle();
    expect(state.db.messages.get('r1')).toMatchObject({
      status: 'error',
      content: 'The first half and',
      error: { kind: 'incomplete' },
    });
  });

  it('refuses a user message, an unknown id and a conversation that is streaming', async () => {
    const state = await cutOff();
    expect(await state.chat.continueReply(current(state, 'c1'), 'u1')).toBe(false);
    expect(await state.chat.continueReply(current(state, 'c1'), 'nope')).toBe(false);
    expect(await state.chat.continueReply(current(state, 'c1'), 'r1')).toBe(true);
    expect(await state.chat.continueReply(current(state, 'c1'), 'r1')).toBe(false);
    await settle();
    expect(state.api.calls).toHaveLength(1);
  });

  it('a conversation deleted while continuing is never written back', async () => {
    const state = await cutOff();
    await state.chat.continueReply(current(state, 'c1'), 'r1');
    const stream = await call(state.api, 0);
    stream.emit(' more');
    const writes = state.db.putMessage.mock.calls.length;
    state.chat.forget('c1');
    await state.conversations.delete('c1');
    stream.finish();
    await settle();
    expect(state.db.putMessage.mock.calls.length).toBe(writes);
    expect(state.db.updateConversation).not.toHaveBeenCalled();
    expect(state.db.messagesOf('c1')).toEqual([]);
    expect(state.db.conversations.has('c1')).toBe(false);
  });
});

describe('ChatState: actions started while the model info loads', () => {
  /** The model info is not final (the catalog chunk is still loading) until `release`. */
  function slowModelInfo(state: Setup) {
    const waiting: (() => void)[] = [];
    const gate = new Promise<void>((resolve) => {
      waiting.push(resolve);
    });
    state.models.ready.mockImplementation(() => gate);
    return () => {
      for (const resolve of waiting) resolve();
    };
  }

  async function stored() {
    const db = new FakeDb();
    db.messages.set('u1', storedMessage('u1', null, 10, { content: 'Question' }));
    db.messages.set(
      'r1',
      storedMessage('r1', 'u1', 11, { content: 'Cut off', finishReason: 'length' }),
    );
    db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r1', updatedAt: 11 }));
    const state = setup({ db });
    await state.conversations.load();
    await state.chat.open('c1');
    return state;
  }

  it('send: a conversation deleted while the model info loads is not resurrected', async () => {
    const state = await stored();
    const release = slowModelInfo(state);
    const sent = state.chat.send(current(state, 'c1'), 'Another question');
    state.chat.forget('c1');
    await state.conversations.delete('c1');
    release();
    expect(await sent).toBe(false);
    await settle();
    expect(state.db.conversations.has('c1')).toBe(false);
    expect(state.db.messagesOf('c1')).toEqual([]);
    expect(state.conversations.list.map((c) => c.id)).not.toContain('c1');
    expect(state.api.calls).toEqual([]);
  });

  it('continueReply: a conversation deleted while the model info loads is not written back', async () => {
    const state = await stored();
    const release = slowModelInfo(state);
    const continued = state.chat.continueReply(current(state, 'c1'), 'r1');
    state.chat.forget('c1');
    await state.conversations.delete('c1');
    release();
    expect(await continued).toBe(false);
    await settle();
    expect(state.db.messagesOf('c1')).toEqual([]);
    expect(state.chat.isLoaded('c1')).toBe(false);
    expect(state.api.calls).toEqual([]);
  });

  it('continueReply: a second click while the first is starting is refused', async () => {
    const state = await stored();
    const release = slowModelInfo(state);
    const conversation = current(state, 'c1');
    const both = Promise.all([
      state.chat.continueReply(conversation, 'r1'),
      state.chat.continueReply(conversation, 'r1'),
    ]);
    release();
    expect(await both).toEqual([true, false]);
    await settle();
    expect(state.api.calls).toHaveLength(1);
  });

  it('retry: a second click while the first is starting is refused', async () => {
    const state = await stored();
    const release = slowModelInfo(state);
    const conversation = current(state, 'c1');
    const both = Promise.all([
      state.chat.retry(conversation, 'r1'),
      state.chat.retry(conversation, 'r1'),
    ]);
    release();
    expect(await both).toEqual([true, false]);
    await settle();
    expect(state.api.calls).toHaveLength(1);
    expect(byRole(state.chat.messages('c1'), 'assistant')).toHaveLength(2);
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

  it('streams n = 3 from the server into three complete siblings', async () => {
    const state = realSetup();
    const draft = chatWith(state, { n: 3 });
    await state.chat.send(draft, 'Options');
    await finished(state, draft.id);
    const replies = byRole(state.chat.messages(draft.id), 'assistant');
    expect(replies.map((m) => [m.choiceIndex, m.choiceCount, m.status, m.finishReason])).toEqual([
      [0, 3, 'complete', 'stop'],
      [1, 3, 'complete', 'stop'],
      [2, 3, 'complete', 'stop'],
    ]);
    expect(replies.map((m) => m.content)).toEqual([
      plainReply('Options'),
      `Choice 2: ${plainReply('Options')}`,
      `Choice 3: ${plainReply('Options')}`,
    ]);
    for (const reply of replies) expect(state.db.messages.get(reply.id)).toEqual(reply);
  });

  it('reads retry-after from a real 429 and keeps it when the person stops retrying', async () => {
    const state = realSetup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hello scenario:rate-limit');
    await vi.waitUntil(() => state.chat.waiting(draft.id) !== null);
    expect(state.chat.waiting(draft.id)).toMatchObject({ kind: 'retry', error: 'rate_limit' });
    state.chat.stop(draft.id);
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

describe('ChatState retries and client-side limits', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function flushAll(ms = 0): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
  }

  async function sent(state: Setup, text = 'Hello') {
    const conversation = chatWith(state, {});
    await state.chat.send(conversation, text);
    await flushAll();
    return conversation;
  }

  it('retries a retryable failure before any text, showing the wait, then completes', async () => {
    const state = setup();
    const conversation = await sent(state);
    state.api.calls[0]?.fail(new ApiError('server', 'boom', { status: 500 }));
    await flushAll();
    expect(state.chat.waiting(conversation.id)).toMatchObject({
      kind: 'retry',
      attempt: 1,
      error: 'server',
    });
    expect(state.chat.isStreaming(conversation.id)).toBe(true);
    await flushAll(60_000);
    expect(state.api.calls).toHaveLength(2);
    expect(state.chat.waiting(conversation.id)).toBeNull();
    state.api.calls[1]?.emit('Recovered');
    state.api.calls[1]?.finish();
    await flushAll();
    const reply = byRole(state.chat.messages(conversation.id), 'assistant')[0];
    expect(reply).toMatchObject({ status: 'complete', content: 'Recovered' });
  });

  it('honours retry-after for a rate limit', async () => {
    const state = setup();
    await sent(state);
    state.api.calls[0]?.fail(
      new ApiError('rate_limit', 'slow down', { status: 429, retryAfterSeconds: 5 }),
    );
    await flushAll(4_900);
    expect(state.api.calls).toHaveLength(1);
    await flushAll(200);
    expect(state.api.calls).toHaveLength(2);
  });

  it('gives up after MAX_RETRIES with the last error', async () => {
    const state = setup();
    const conversation = await sent(state);
    for (let attempt = 0; attempt <= 4; attempt++) {
      state.api.calls[attempt]?.fail(new ApiError('network', ''));
      await flushAll(60_000);
    }
    expect(state.api.calls).toHaveLength(5);
    const reply = byRole(state.chat.messages(conversation.id), 'assistant')[0];
    expect(reply).toMatchObject({ status: 'error', error: { kind: 'network' } });
  });

  it.each(['quota', 'auth', 'permission', 'not_found', 'bad_request', 'context_length'] as const)(
    'never retries %s',
    async (kind) => {
      const state = setup();
      const conversation = await sent(state);
      state.api.calls[0]?.fail(new ApiError(kind, 'no'));
      await flushAll(120_000);
      expect(state.api.calls).toHaveLength(1);
      const reply = byRole(state.chat.messages(conversation.id), 'assistant')[0];
      expect(reply?.error?.kind).toBe(kind);
    },
  );

  it('does not retry a stream that broke after text arrived: the text stays', async () => {
    const state = setup();
    const conversation = await sent(state);
    state.api.calls[0]?.emit('Half a sent');
    state.api.calls[0]?.fail(new TypeError('network error'));
    await flushAll(120_000);
    expect(state.api.calls).toHaveLength(1);
    const reply = byRole(state.chat.messages(conversation.id), 'assistant')[0];
    expect(reply).toMatchObject({
      status: 'error',
      content: 'Half a sent',
      error: { kind: 'incomplete' },
    });
  });

  it('Stop while waiting to retry ends with the error, and no further request', async () => {
    const state = setup();
    const conversation = await sent(state);
    state.api.calls[0]?.fail(new ApiError('server', 'boom', { status: 500 }));
    await flushAll();
    state.chat.stop(conversation.id);
    await flushAll(120_000);
    expect(state.api.calls).toHaveLength(1);
    expect(state.chat.isStreaming(conversation.id)).toBe(false);
    const reply = byRole(state.chat.messages(conversation.id), 'assistant')[0];
    expect(reply).toMatchObject({ status: 'error', error: { kind: 'server' } });
  });

  it('queues a request over the requests-per-minute limit, then sends it', async () => {
    const state = setup({ limits: () => ({ requestsPerMinute: 1, tokensPerMinute: null }) });
    const conversation = await sent(state, 'One');
    state.api.calls[0]?.finish();
    await flushAll();
    await state.chat.send(state.conversations.get(conversation.id) ?? conversation, 'Two');
    await flushAll();
    expect(state.api.calls).toHaveLength(1);
    expect(state.chat.waiting(conversation.id)).toMatchObject({ kind: 'queue' });
    await flushAll(61_000);
    expect(state.api.calls).toHaveLength(2);
  });

  it('Stop while queued sends nothing and marks the reply stopped', async () => {
    const state = setup({ limits: () => ({ requestsPerMinute: 1, tokensPerMinute: null }) });
    const conversation = await sent(state, 'One');
    state.api.calls[0]?.finish();
    await flushAll();
    await state.chat.send(state.conversations.get(conversation.id) ?? conversation, 'Two');
    await flushAll();
    state.chat.stop(conversation.id);
    await flushAll(120_000);
    expect(state.api.calls).toHaveLength(1);
    const replies = byRole(state.chat.messages(conversation.id), 'assistant');
    expect(replies.at(-1)).toMatchObject({ status: 'stopped', content: '' });
  });
});
