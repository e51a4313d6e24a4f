import { describe, expect, it } from 'vitest';
import type { Conversation } from '../domain/types';
import { normalizeConversation } from '../storage/normalize';
import { ConversationsState } from './conversations.svelte';
import { storedConversation } from './testing/chat-setup';
import { FakeDb as FakeStore } from './testing/fake-db';

const conversation = (id: string, updatedAt: number): Conversation =>
  storedConversation(id, { title: `Title ${id}`, updatedAt });

describe('ConversationsState.setPinned', () => {
  it('stores the pin without moving the conversation in the activity order', async () => {
    const store = new FakeStore();
    store.conversations.set('a', conversation('a', 5));
    store.conversations.set('b', conversation('b', 30));
    const state = new ConversationsState(store, () => 99_999);
    await state.load();

    await state.setPinned('a', true);
    expect(state.get('a')?.isPinned).toBe(true);
    expect(store.conversations.get('a')?.isPinned).toBe(true);
    expect(store.conversations.get('a')?.updatedAt).toBe(5);
    expect(state.list.map((c) => c.id)).toEqual(['b', 'a']);

    await state.setPinned('a', false);
    expect(state.get('a')).not.toHaveProperty('isPinned');
    expect(store.conversations.get('a')).not.toHaveProperty('isPinned');
  });
});

describe('normalizeConversation and pins', () => {
  it('reads true as pinned and anything else as not pinned', () => {
    expect(normalizeConversation({ ...conversation('a', 1), isPinned: true }).isPinned).toBe(true);
    for (const value of [false, 'yes', 1, null]) {
      const stored = { ...conversation('a', 1), isPinned: value } as unknown as Conversation;
      expect(normalizeConversation(stored)).not.toHaveProperty('isPinned');
    }
  });
});
