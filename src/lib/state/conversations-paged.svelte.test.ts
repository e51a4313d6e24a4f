import { describe, expect, it } from 'vitest';
import type { Conversation } from '../domain/types';
import { ConversationsState, FIRST_PAGE } from './conversations.svelte';
import { storedConversation } from './testing/chat-setup';
import { FakeDb } from './testing/fake-db';

const conversation = (id: string, updatedAt: number): Conversation =>
  storedConversation(id, { title: `Title ${id}`, updatedAt });

/**
 * A store with the first-page read, whose whole-list read is held until `release`: it answers
 * with what was stored when it was asked (as an IndexedDB read that started before a delete).
 */
class PagedStore extends FakeDb {
  #release: () => void = () => undefined;
  #fail: Error | null = null;

  listRecentConversations(limit: number): Promise<Conversation[]> {
    const sorted = [...this.conversations.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    return Promise.resolve(structuredClone(sorted.slice(0, limit)));
  }

  constructor() {
    super();
    this.listConversations.mockImplementation(() => {
      const snapshot = structuredClone([...this.conversations.values()]);
      return new Promise((resolve, reject) => {
        this.#release = () => {
          if (this.#fail) reject(this.#fail);
          else resolve(snapshot);
        };
      });
    });
  }

  /** Lets the whole-list read answer (after the state has asked for it). */
  async release(error: Error | null = null): Promise<void> {
    this.#fail = error;
    // The rest is asked for after a timer (the first screen's task comes first).
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.#release();
  }
}

function seeded(count: number): PagedStore {
  const store = new PagedStore();
  for (let i = 0; i < count; i++) {
    const c = conversation(`c${String(i)}`, i);
    store.conversations.set(c.id, c);
  }
  return store;
}

const ids = (list: readonly Conversation[]) => list.map((c) => c.id);

describe('ConversationsState.load in pages', () => {
  it('shows the most recent page at once and the rest once read, newest first', async () => {
    const store = seeded(FIRST_PAGE + 40);
    const state = new ConversationsState(store);
    await state.load();
    expect(state.list).toHaveLength(FIRST_PAGE);
    expect(state.active?.id).toBe(`c${String(FIRST_PAGE + 39)}`);
    await store.release();
    await state.complete;
    expect(state.list).toHaveLength(FIRST_PAGE + 40);
    expect(ids(state.list)).toEqual(
      [...store.conversations.values()].sort((a, b) => b.updatedAt - a.updatedAt).map((c) => c.id),
    );
    expect(state.filtered).toHaveLength(FIRST_PAGE + 40);
  });

  it('never brings back a conversation deleted while the rest was being read', async () => {
    const store = seeded(FIRST_PAGE + 10);
    const here = new ConversationsState(store);
    await here.load();
    // Asked for the rest; the read's snapshot still holds c0 (older than the first page) and c69.
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.conversations.delete('c0');
    expect(await here.refresh('c0')).toBe('unchanged');
    await here.delete(`c${String(FIRST_PAGE + 9)}`);
    await store.release();
    await here.complete;
    expect(ids(here.list)).not.toContain('c0');
    expect(ids(here.list)).not.toContain(`c${String(FIRST_PAGE + 9)}`);
    expect(here.list).toHaveLength(FIRST_PAGE + 8);
  });

  it('keeps a change read meanwhile (another tab renamed one) over the older read', async () => {
    const store = seeded(FIRST_PAGE + 10);
    const state = new ConversationsState(store);
    await state.load();
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.conversations.set('c1', { ...conversation('c1', 1), title: 'Renamed in another tab' });
    expect(await state.refresh('c1')).toBe('changed');
    await store.release();
    await state.complete;
    expect(state.get('c1')?.title).toBe('Renamed in another tab');
    expect(state.list.filter((c) => c.id === 'c1')).toHaveLength(1);
  });

  it('keeps the first page shown when reading the rest fails, and says so', async () => {
    const store = seeded(FIRST_PAGE + 5);
    const state = new ConversationsState(store);
    await state.load();
    const failure = new Error('disk gone');
    const complete = state.complete;
    await store.release(failure);
    await expect(complete).rejects.toBe(failure);
    expect(state.list).toHaveLength(FIRST_PAGE);
  });

  it('reads everything first when the index has nothing (a new chat only if truly empty)', async () => {
    const store = new PagedStore();
    const state = new ConversationsState(store);
    const loading = state.load();
    await store.release();
    await loading;
    expect(state.isActiveDraft).toBe(true);
    expect(state.list).toEqual([]);
  });
});
