/**
 * ChatState and the Context choice: the body (preview and Send alike) holds the messages the
 * choice keeps, and every paid request passes the page's SendGate (context check, budget) first.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ContextChoice, Conversation, Message } from '../domain/types';
import type { SendGate } from './chat.svelte';
import { FakeDb } from './testing/fake-db';
import {
  call,
  current,
  settle,
  setup,
  storedConversation,
  storedMessage,
} from './testing/chat-setup';

/** c1 with six alternating messages u0 r1 u2 r3 u4 r5 of 40 characters each (≈ 14 tokens). */
async function longConversation(fields: Partial<Conversation> = {}) {
  const db = new FakeDb();
  let parentId: string | null = null;
  for (let index = 0; index < 6; index += 1) {
    const id = `${index % 2 === 0 ? 'u' : 'r'}${index}`;
    const message: Message = storedMessage(id, parentId, 10 + index, {
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: `${id}: ${'x'.repeat(36)}`,
    });
    db.messages.set(id, message);
    parentId = id;
  }
  db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r5', ...fields }));
  const state = setup({ db });
  await state.conversations.load();
  await state.chat.open('c1');
  return state;
}

function contents(messages: readonly { content: string }[]): string[] {
  return messages.map((m) => m.content.slice(0, 2));
}

function gate(context: 'recent' | 'all' | 'cancel' = 'all', spend = true) {
  return {
    confirmContext: vi.fn<SendGate['confirmContext']>(() => Promise.resolve(context)),
    confirmSpend: vi.fn<SendGate['confirmSpend']>(() => Promise.resolve(spend)),
  };
}

const LAST_2: ContextChoice = { mode: 'last', lastCount: 2 };
/** Room for one stored message and a short draft (27 prompt tokens). */
const SMALL = { ...storedConversation('c1').params, contextWindow: 30 };

describe('ChatState and the Context choice', () => {
  it('sends the last N messages, and the preview shows the same body', async () => {
    const state = await longConversation({ context: LAST_2 });
    const conversation = current(state, 'c1');
    const plan = state.chat.nextPlan(conversation, 'Next question');
    expect(contents(plan.body.messages)).toEqual(['r5', 'Ne']);
    expect(plan).toMatchObject({ omitted: 5, firstSentId: 'r5' });
    await state.chat.send(conversation, 'Next question');
    const { body } = await call(state.api, 0);
    expect(body).toEqual(plan.body);
  });

  it('keeps the system prompt and says where the sent part begins', async () => {
    const state = await longConversation({ context: LAST_2, systemPrompt: 'Be brief.' });
    const plan = state.chat.nextPlan(current(state, 'c1'), '');
    expect(plan.body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(plan.body.messages[0]?.content).toBe('Be brief.');
    expect(plan).toMatchObject({ omitted: 4, firstSentId: 'u4' });
  });

  it('fits the most recent messages into the window with Fit to the window', async () => {
    const state = await longConversation({
      params: { ...SMALL, contextWindow: 40 },
      context: { mode: 'fit', lastCount: 10 },
    });
    const plan = state.chat.nextPlan(current(state, 'c1'), '');
    expect(contents(plan.body.messages)).toEqual(['u4', 'r5']);
    expect(plan.fits).toBe(true);
    expect(plan.omitted).toBe(4);
  });

  it('sends all messages without asking when they fit', async () => {
    const state = await longConversation();
    const asked = gate();
    state.chat.setGate(asked);
    const plan = state.chat.nextPlan(current(state, 'c1'), 'More');
    expect(plan).toMatchObject({ omitted: 0, firstSentId: null, fits: true });
    await state.chat.send(current(state, 'c1'), 'More');
    expect(asked.confirmContext).not.toHaveBeenCalled();
    expect(asked.confirmSpend).toHaveBeenCalledTimes(1);
    expect((await call(state.api, 0)).body.messages).toHaveLength(7);
  });

  it('asks when all messages would not fit; Send recent messages only sends what fits, this once', async () => {
    const state = await longConversation({ params: SMALL });
    const asked = gate('recent');
    state.chat.setGate(asked);
    const conversation = current(state, 'c1');
    expect(state.chat.nextPlan(conversation, 'More').fits).toBe(false);
    expect(await state.chat.send(conversation, 'More')).toBe(true);
    expect(asked.confirmContext).toHaveBeenCalledWith({
      tokens: expect.any(Number) as number,
      limit: 27,
      omitted: 5,
    });
    expect(contents((await call(state.api, 0)).body.messages)).toEqual(['r5', 'Mo']);
    // The standing choice is still All messages.
    expect(current(state, 'c1').context).toBeUndefined();
  });

  it('Send anyway sends every message', async () => {
    const state = await longConversation({ params: SMALL });
    state.chat.setGate(gate('all'));
    await state.chat.send(current(state, 'c1'), 'More');
    expect((await call(state.api, 0)).body.messages).toHaveLength(7);
  });

  it('Cancel sends and stores nothing', async () => {
    const state = await longConversation({ params: SMALL });
    const asked = gate('cancel');
    state.chat.setGate(asked);
    expect(await state.chat.send(current(state, 'c1'), 'More')).toBe(false);
    await settle();
    expect(state.api.calls).toHaveLength(0);
    expect(state.chat.messages('c1')).toHaveLength(6);
    expect(asked.confirmSpend).not.toHaveBeenCalled();
    expect(state.chat.isStreaming('c1')).toBe(false);
  });

  it('the budget question stops Send, Regenerate, Save and send and Continue alike', async () => {
    const state = await longConversation();
    const asked = gate('all', false);
    state.chat.setGate(asked);
    const conversation = current(state, 'c1');
    expect(await state.chat.send(conversation, 'More')).toBe(false);
    expect(await state.chat.regenerate(conversation, 'r5')).toBe(false);
    expect(await state.chat.retry(conversation, 'r5')).toBe(false);
    expect(await state.chat.editAndSend(conversation, 'u4', 'Edited')).toBe(false);
    expect(await state.chat.continueReply(conversation, 'r5')).toBe(false);
    await settle();
    expect(asked.confirmSpend).toHaveBeenCalledTimes(5);
    expect(state.api.calls).toHaveLength(0);
    expect(state.chat.messages('c1')).toHaveLength(6);
  });

  it('sends without asking when no gate is set', async () => {
    const state = await longConversation({ params: SMALL });
    expect(await state.chat.send(current(state, 'c1'), 'More')).toBe(true);
    expect((await call(state.api, 0)).body.messages).toHaveLength(7);
  });
});
