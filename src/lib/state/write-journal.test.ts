import { describe, expect, it } from 'vitest';
import { diffConversation } from '../domain/conversation-patch';
import type { Conversation, Message } from '../domain/types';
import { storedConversation, storedMessage } from './testing/chat-setup';
import { FakeDb } from './testing/fake-db';
import { WriteJournal, type JournalStorage } from './write-journal';

class MemoryStorage implements JournalStorage {
  readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const message = (id: string, fields: Partial<Message> = {}): Message =>
  storedMessage(id, null, 10, { role: 'assistant', ...fields });

/** FakeDb holding `conversations` (ids or records), `messages` and tombstones for `deleted`. */
function storeWith(
  conversations: (string | Conversation)[],
  messages: Message[],
  deleted: string[] = [],
): FakeDb {
  const db = new FakeDb();
  for (const c of conversations) {
    const record = typeof c === 'string' ? storedConversation(c) : c;
    db.conversations.set(record.id, record);
  }
  for (const m of messages) db.messages.set(m.id, m);
  for (const id of deleted) db.tombstones.add(id);
  return db;
}

const puts = (db: FakeDb) => db.putMessage.mock.calls.map(([m]) => m);

const only = (messages: Message[]) => ({ conversations: [], messages });

describe('WriteJournal', () => {
  it('stores what a closed page kept where storage holds less, once', async () => {
    const storage = new MemoryStorage();
    const finished = message('r1', { content: 'The whole reply.', updatedAt: 20 });
    const fresh = message('r2', { content: 'Never written.' });
    new WriteJournal(storage, 'closed').keep(only([finished, fresh]));

    const store = storeWith(['c1'], [message('r1', { content: 'The wh', status: 'streaming' })]);
    const next = new WriteJournal(storage, 'next');
    expect(await next.recover(store)).toBe(2);
    expect(puts(store)).toEqual([finished, fresh]);
    expect(storage.length).toBe(0);
    expect(await next.recover(store)).toBe(0);
  });

  it('never replaces a newer stored version, nor brings back a deleted conversation', async () => {
    const storage = new MemoryStorage();
    new WriteJournal(storage, 'closed').keep(
      only([
        message('r1', { content: 'older', updatedAt: 5 }),
        message('r9', { conversationId: 'gone' }),
      ]),
    );
    const store = storeWith(['c1'], [message('r1', { content: 'newer', updatedAt: 9 })]);
    expect(await new WriteJournal(storage, 'next').recover(store)).toBe(0);
    expect(puts(store)).toEqual([]);
  });

  it('a finished reply wins over the same moment still streaming', async () => {
    const storage = new MemoryStorage();
    const done = message('r1', { status: 'complete', updatedAt: 7 });
    new WriteJournal(storage, 'closed').keep(only([done]));
    const store = storeWith(['c1'], [message('r1', { status: 'streaming', updatedAt: 7 })]);
    expect(await new WriteJournal(storage, 'next').recover(store)).toBe(1);
  });

  it('keeps one key per page; an empty list or a page shown again keeps nothing', () => {
    const storage = new MemoryStorage();
    const a = new WriteJournal(storage, 'a');
    const b = new WriteJournal(storage, 'b');
    a.keep(only([message('r1')]));
    b.keep(only([message('r2')]));
    expect(storage.length).toBe(2);
    a.keep(only([]));
    b.drop();
    expect(storage.length).toBe(0);
  });

  it('ignores what it cannot read, and works without storage at all', async () => {
    const storage = new MemoryStorage();
    storage.setItem('parley:unwritten:x', '{not json');
    storage.setItem('parley:unwritten:y', JSON.stringify([{ id: 1 }, 'text', null]));
    storage.setItem('other-app', 'untouched');
    const store = storeWith(['c1'], []);
    expect(await new WriteJournal(storage, 'next').recover(store)).toBe(0);
    expect([...storage.items.keys()]).toEqual(['other-app']);
    const none = new WriteJournal(null, 'p');
    none.keep(only([message('r1')]));
    expect(await none.recover(store)).toBe(0);
  });

  it('a full localStorage is no error', () => {
    const storage = new MemoryStorage();
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    expect(() => new WriteJournal(storage, 'p').keep(only([message('r1')]))).not.toThrow();
  });

  it('applies a closed page’s conversation changes over what is stored now, with their messages', async () => {
    const storage = new MemoryStorage();
    const before = storedConversation('c1');
    const warmer = { ...before, params: { ...before.params, temperature: 0.4 } };
    const question = message('q1', { role: 'user', content: 'Sent just before the reload' });
    new WriteJournal(storage, 'closed').keep({
      conversations: [
        {
          id: 'c1',
          patch: diffConversation(before, warmer),
          whole: null,
          messages: { put: [question], delete: ['old'] },
        },
      ],
      messages: [],
    });
    // Another tab renamed it meanwhile: both changes stand.
    const store = storeWith([{ ...before, title: 'Renamed elsewhere' }], [message('old')]);
    expect(await new WriteJournal(storage, 'next').recover(store)).toBe(1);
    expect(store.conversations.get('c1')?.params.temperature).toBe(0.4);
    expect(store.conversations.get('c1')?.title).toBe('Renamed elsewhere');
    expect([...store.messages.keys()]).toEqual(['q1']);
  });

  it('stores a new conversation whose first write was lost, but never one deleted since', async () => {
    const storage = new MemoryStorage();
    const fresh = storedConversation('new', { title: 'First question' });
    const gone = storedConversation('gone');
    new WriteJournal(storage, 'closed').keep({
      conversations: [
        {
          id: 'new',
          patch: null,
          whole: fresh,
          messages: { put: [message('q', { conversationId: 'new' })] },
        },
        { id: 'gone', patch: null, whole: gone, messages: {} },
      ],
      messages: [message('r', { conversationId: 'gone' })],
    });
    const store = storeWith([], [], ['gone']);
    expect(await new WriteJournal(storage, 'next').recover(store)).toBe(1);
    expect(store.conversations.get('new')).toEqual(fresh);
    expect(store.conversations.has('gone')).toBe(false);
    expect([...store.messages.keys()]).toEqual(['q']);
  });
});
