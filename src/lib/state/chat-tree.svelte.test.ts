/**
 * ChatState's work on the message tree: edit and send, save in place, regenerate, versions, delete
 * with undo, messages of any role, branches, and what the request then carries. Also the parts of
 * a reply besides its answer (reasoning, refusal) and writes that fail.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { CHAT_INFO, REASONING_INFO } from '../models/testing/infos';
import { FakeDb } from './testing/fake-db';
import {
  byRole,
  call,
  current,
  settle,
  setup,
  storedConversation,
  storedMessage,
  type Setup,
} from './testing/chat-setup';

/** c1: u1 ─ r1 ─ u2 ─ r2, stored and opened, no system prompt. */
async function conversationOfFour(): Promise<Setup> {
  const db = new FakeDb();
  const messages = [
    storedMessage('u1', null, 10, { content: 'First question' }),
    storedMessage('r1', 'u1', 11, { content: 'First answer' }),
    storedMessage('u2', 'r1', 12, { role: 'user', content: 'Second question' }),
    storedMessage('r2', 'u2', 13, { content: 'Second answer' }),
  ];
  for (const m of messages) db.messages.set(m.id, m);
  db.conversations.set(
    'c1',
    storedConversation('c1', { title: 'Trip plan', currentLeafId: 'r2', updatedAt: 13 }),
  );
  const state = setup({ db });
  await state.conversations.load();
  await state.chat.open('c1');
  return state;
}

function shown(state: Setup, id = 'c1'): string[] {
  return state.chat.branch(current(state, id)).map((m) => m.content);
}

function find(state: Setup, id: string): Message {
  const found = state.chat.messages('c1').find((m) => m.id === id);
  if (!found) throw new Error(`no message ${id}`);
  return found;
}

describe('edit and send', () => {
  it('adds the edited question as a version and asks from there, without the old branch', async () => {
    const state = await conversationOfFour();
    expect(await state.chat.editAndSend(current(state, 'c1'), 'u2', 'Better question')).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body.messages).toEqual([
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Better question' },
    ]);
    stream.emit('New answer');
    stream.finish();
    await settle();
    expect(shown(state)).toEqual([
      'First question',
      'First answer',
      'Better question',
      'New answer',
    ]);

    const edited = state.chat.branch(current(state, 'c1'))[2];
    if (!edited) throw new Error('no edited message');
    expect(state.chat.versions(current(state, 'c1'), edited)).toMatchObject({ index: 2, count: 2 });
    // The old question and its answer stay as the other version.
    await state.chat.showVersion(current(state, 'c1'), edited, -1);
    expect(shown(state)).toEqual([
      'First question',
      'First answer',
      'Second question',
      'Second answer',
    ]);
    // Remembered: the stored conversation points at the old branch's leaf.
    expect(state.db.conversations.get('c1')?.currentLeafId).toBe('r2');
  });

  it('refuses a reply, an unknown id and empty text', async () => {
    const state = await conversationOfFour();
    const conversation = current(state, 'c1');
    expect(await state.chat.editAndSend(conversation, 'r1', 'x')).toBe(false);
    expect(await state.chat.editAndSend(conversation, 'nope', 'x')).toBe(false);
    expect(await state.chat.editAndSend(conversation, 'u2', '   ')).toBe(false);
    await settle();
    expect(state.api.calls).toEqual([]);
  });
});

describe('save in place', () => {
  it('changes the text of any role and sends nothing', async () => {
    const state = await conversationOfFour();
    expect(await state.chat.saveEdit(current(state, 'c1'), 'r1', 'Corrected answer')).toBe(true);
    expect(find(state, 'r1').content).toBe('Corrected answer');
    expect(state.db.messages.get('r1')?.content).toBe('Corrected answer');
    expect(state.chat.messages('c1')).toHaveLength(4);
    await settle();
    expect(state.api.calls).toEqual([]);
  });
});

describe('regenerate', () => {
  it('asks again with the parameters now in force and keeps the old reply as a version', async () => {
    const state = await conversationOfFour();
    await state.conversations.update('c1', (c) => ({
      ...c,
      params: { ...c.params, temperature: 1.5 },
    }));
    expect(await state.chat.regenerate(current(state, 'c1'), 'r2')).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body.temperature).toBe(1.5);
    expect(stream.body.messages.map((m) => m.content)).not.toContain('Second answer');
    stream.emit('Another answer');
    stream.finish();
    await settle();
    const reply = state.chat.branch(current(state, 'c1')).at(-1);
    if (!reply) throw new Error('no reply');
    expect(reply.content).toBe('Another answer');
    expect(state.chat.versions(current(state, 'c1'), reply)).toMatchObject({ index: 2, count: 2 });
  });
});

describe('delete a message', () => {
  it('removes that one message; what followed stays attached to the one before; undo restores', async () => {
    const state = await conversationOfFour();
    expect(await state.chat.deleteMessage(current(state, 'c1'), 'r1')).toBe(true);
    expect(shown(state)).toEqual(['First question', 'Second question', 'Second answer']);
    expect(state.db.messages.has('r1')).toBe(false);
    expect(state.db.messages.get('u2')?.parentId).toBe('u1');
    expect(state.chat.deletedMessage('c1')?.message.id).toBe('r1');

    await state.chat.undoDelete('c1');
    expect(shown(state)).toEqual([
      'First question',
      'First answer',
      'Second question',
      'Second answer',
    ]);
    expect(state.db.messages.get('u2')?.parentId).toBe('r1');
    expect(state.chat.deletedMessage('c1')).toBeNull();
  });

  it('deleting the last message shows the one before it', async () => {
    const state = await conversationOfFour();
    await state.chat.deleteMessage(current(state, 'c1'), 'r2');
    expect(shown(state)).toEqual(['First question', 'First answer', 'Second question']);
    expect(state.chat.canReplyToBranch(current(state, 'c1'))).toBe(true);
  });

  it('deleting the only first message leaves an empty, usable conversation', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.addMessage(draft, 'user', 'Only one');
    const [only] = state.chat.messages(draft.id);
    if (!only) throw new Error('not added');
    expect(await state.chat.deleteMessage(current(state, draft.id), only.id)).toBe(true);
    expect(state.chat.messages(draft.id)).toEqual([]);
    expect(current(state, draft.id).currentLeafId).toBeNull();
    expect(await state.chat.send(current(state, draft.id), 'Fresh start')).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body.messages.at(-1)).toEqual({ role: 'user', content: 'Fresh start' });
  });

  it('two deletes clicked at once both happen, the second after the first (nothing comes back)', async () => {
    const state = await conversationOfFour();
    const conversation = current(state, 'c1');
    const both = Promise.all([
      state.chat.deleteMessage(conversation, 'r2'),
      state.chat.deleteMessage(conversation, 'u2'),
    ]);
    expect(await both).toEqual([true, true]);
    expect(shown(state)).toEqual(['First question', 'First answer']);
    expect([...state.db.messages.keys()].sort()).toEqual(['r1', 'u1']);
    expect(current(state, 'c1').currentLeafId).toBe('r1');
  });

  it('an edit and an add issued together both land, in order', async () => {
    const state = await conversationOfFour();
    const conversation = current(state, 'c1');
    await Promise.all([
      state.chat.saveEdit(conversation, 'r2', 'Corrected answer'),
      state.chat.addMessage(conversation, 'user', 'Third question'),
      state.chat.deleteMessage(conversation, 'u1'),
    ]);
    expect(shown(state)).toEqual([
      'First answer',
      'Second question',
      'Corrected answer',
      'Third question',
    ]);
  });

  it('Send right after Delete asks from the branch the delete left', async () => {
    const state = await conversationOfFour();
    const conversation = current(state, 'c1');
    const deleted = state.chat.deleteMessage(conversation, 'r2');
    const sent = state.chat.send(conversation, 'Another question');
    expect(await deleted).toBe(true);
    expect(await sent).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body.messages.map((m) => m.content)).toEqual([
      'First question',
      'First answer',
      'Second question',
      'Another question',
    ]);
  });

  it('a failed delete is reported and changes nothing', async () => {
    const state = await conversationOfFour();
    const failure = new Error('QuotaExceededError');
    state.db.updateConversation.mockRejectedValueOnce(failure);
    expect(await state.chat.deleteMessage(current(state, 'c1'), 'r1')).toBe(false);
    expect(state.report).toHaveBeenCalledWith(failure);
    expect(state.chat.messages('c1')).toHaveLength(4);
    expect(state.chat.deletedMessage('c1')).toBeNull();
  });
});

describe('add a message of any role', () => {
  it('appends without sending; the request sends the branch as shown, roles as shown', async () => {
    const state = await conversationOfFour();
    expect(await state.chat.addMessage(current(state, 'c1'), 'system', 'Answer in French.')).toBe(
      true,
    );
    expect(await state.chat.addMessage(current(state, 'c1'), 'user', 'Example question')).toBe(
      true,
    );
    expect(await state.chat.addMessage(current(state, 'c1'), 'assistant', 'Exemple')).toBe(true);
    await settle();
    expect(state.api.calls).toEqual([]);
    const conversation = current(state, 'c1');
    const preview = state.chat.nextRequest(conversation, 'Real question');
    expect(await state.chat.send(conversation, 'Real question')).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body).toEqual(preview);
    expect(stream.body.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'First question'],
      ['assistant', 'First answer'],
      ['user', 'Second question'],
      ['assistant', 'Second answer'],
      ['system', 'Answer in French.'],
      ['user', 'Example question'],
      ['assistant', 'Exemple'],
      ['user', 'Real question'],
    ]);
  });

  it('Send with an empty composer answers a branch that ends with a user message', async () => {
    const state = await conversationOfFour();
    expect(await state.chat.send(current(state, 'c1'), '')).toBe(false);
    await state.chat.addMessage(current(state, 'c1'), 'user', 'Pasted question');
    expect(state.chat.canReplyToBranch(current(state, 'c1'))).toBe(true);
    const preview = state.chat.nextRequest(current(state, 'c1'), '');
    expect(await state.chat.send(current(state, 'c1'), '')).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body).toEqual(preview);
    expect(stream.body.messages.at(-1)).toEqual({ role: 'user', content: 'Pasted question' });
  });

  it('the first user message added to a new chat names it', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.addMessage(draft, 'user', 'Plan a trip to Lisbon');
    expect(current(state, draft.id).title).toBe('Plan a trip to Lisbon');
  });
});

describe('branch in new chat', () => {
  it('copies the path to the message into a new conversation, shown at once; the original stays', async () => {
    const state = await conversationOfFour();
    await state.conversations.update('c1', (c) => ({
      ...c,
      systemPrompt: 'Be brief.',
      params: { ...DEFAULT_PARAMS, temperature: 0.2 },
    }));
    const branch = await state.chat.branchInNewChat(
      current(state, 'c1'),
      'u2',
      'Trip plan (branch)',
    );
    if (!branch) throw new Error('no branch');
    expect(state.conversations.active?.id).toBe(branch.id);
    expect(branch).toMatchObject({ title: 'Trip plan (branch)', systemPrompt: 'Be brief.' });
    expect(branch.params.temperature).toBe(0.2);
    const copied = state.chat.branch(current(state, branch.id));
    expect(copied.map((m) => m.content)).toEqual([
      'First question',
      'First answer',
      'Second question',
    ]);
    expect(copied.every((m) => m.conversationId === branch.id)).toBe(true);
    expect(state.db.messagesOf(branch.id)).toHaveLength(3);
    expect(state.chat.messages('c1')).toHaveLength(4);
    expect(state.db.conversations.get('c1')?.currentLeafId).toBe('r2');
  });
});

describe('what is sent is what is shown', () => {
  it('Send waits for final model facts and builds the body as the preview then shows it', async () => {
    const state = await conversationOfFour();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    state.models.ready.mockImplementation(() => gate);
    // Until ready, the source answers like a plain chat model; afterwards like a reasoning model.
    let isFinal = false;
    state.models.info.mockImplementation((model: string) =>
      isFinal ? { ...REASONING_INFO, id: model } : { ...CHAT_INFO, id: model },
    );
    await state.conversations.update('c1', (c) => ({
      ...c,
      params: { ...c.params, model: 'gpt-5', maxTokens: 100 },
    }));
    const sent = state.chat.send(current(state, 'c1'), 'Now');
    isFinal = true;
    release();
    expect(await sent).toBe(true);
    const stream = await call(state.api, 0);
    expect(stream.body).toMatchObject({ model: 'gpt-5', max_completion_tokens: 100 });
    expect(stream.body).not.toHaveProperty('max_tokens');
    expect(stream.body).not.toHaveProperty('temperature');
  });
});

describe('parts of a reply besides its answer', () => {
  it('reasoning is kept apart, shown live, stored, and never sent back', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Think first');
    const stream = await call(state.api, 0);
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    if (!reply) throw new Error('no reply');
    stream.emit('Let me think. ', 0, 'reasoning');
    expect(state.chat.liveReasoning(reply.id)).toBe('Let me think. ');
    expect(state.chat.liveContent(reply.id)).toBe('');
    stream.emit('The answer.');
    stream.finish();
    await settle();
    expect(state.db.messages.get(reply.id)).toMatchObject({
      content: 'The answer.',
      reasoning: 'Let me think. ',
    });
    await state.chat.send(current(state, draft.id), 'And then?');
    const next = await call(state.api, 1);
    expect(JSON.stringify(next.body)).not.toContain('Let me think');
  });

  it('a refusal becomes the reply text, marked as a refusal', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Something not allowed');
    const stream = await call(state.api, 0);
    stream.emit('I can’t help with that.', 0, 'refusal');
    stream.finish();
    await settle();
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    expect(reply).toMatchObject({ content: 'I can’t help with that.', isRefusal: true });
  });
});

describe('writes that fail and pages that hide', () => {
  it('flushAll writes what a streaming reply has so far at once', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Long one');
    const stream = await call(state.api, 0);
    stream.emit('Half of it');
    state.chat.flushAll();
    await settle();
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    expect(state.db.messages.get(reply?.id ?? '')).toMatchObject({
      content: 'Half of it',
      status: 'streaming',
    });
  });

  it('a failed write is retried; until then the message reads as not saved, its text kept', async () => {
    const state = setup();
    const draft = state.conversations.newChat();
    await state.chat.send(draft, 'Hi');
    const stream = await call(state.api, 0);
    const failure = new Error('QuotaExceededError');
    let failures = 0;
    const put = state.db.putMessage.getMockImplementation();
    state.db.putMessage.mockImplementation((message: Message) => {
      if (failures++ < 1) return Promise.reject(failure);
      return put ? put(message) : Promise.resolve();
    });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    stream.emit('Whole answer');
    stream.finish();
    await vi.advanceTimersByTimeAsync(0);
    const reply = byRole(state.chat.messages(draft.id), 'assistant')[0];
    if (!reply) throw new Error('no reply');
    expect(state.report).toHaveBeenCalledWith(failure);
    expect(state.chat.isUnsaved(reply.id)).toBe(true);
    expect(reply.content).toBe('Whole answer');
    // What an export offered now must carry: the text only memory holds.
    expect(state.chat.unsavedMessages()).toMatchObject([
      { id: reply.id, content: 'Whole answer', status: 'complete' },
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    await settle();
    expect(state.chat.isUnsaved(reply.id)).toBe(false);
    expect(state.chat.unsavedMessages()).toEqual([]);
    expect(state.db.messages.get(reply.id)).toMatchObject({
      content: 'Whole answer',
      status: 'complete',
    });
  });
});

describe('conversation record writes', () => {
  it('every conversation write goes through ConversationsState (updateConversation)', async () => {
    const state = await conversationOfFour();
    const conversation: Conversation = current(state, 'c1');
    await state.chat.addMessage(conversation, 'user', 'x');
    await state.chat.deleteMessage(current(state, 'c1'), 'r1');
    expect(state.db.putMessages).not.toHaveBeenCalled();
    expect(state.db.putConversation).not.toHaveBeenCalled();
  });
});
