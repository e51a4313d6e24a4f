import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import { readStoreChange, withBroadcast } from './broadcast';
import type { StoreChange } from './broadcast';
import { openStore } from './store';
import type { ParleyStore } from './store';
import { conversation, message, preset } from './test-fixtures';

let inner: ParleyStore;
let store: ParleyStore;
let published: StoreChange[];

beforeEach(async () => {
  inner = await openStore({ name: 'parley-broadcast-test', indexedDB: new IDBFactory() });
  published = [];
  store = withBroadcast(inner, (change) => published.push(change));
});

afterEach(() => {
  store.close();
});

describe('withBroadcast', () => {
  it('publishes what each write touched, once it has committed', async () => {
    const c = conversation();
    await store.putConversation(c);
    await store.updateConversation('c1', (stored) => stored && { ...stored, title: 'New' });
    await store.putMessages([message(), message({ id: 'x', conversationId: 'c2' })], c);
    await store.putMessage(message());
    await store.deleteMessages(['x']);
    await store.putSettings(DEFAULT_SETTINGS);
    await store.putPreset(preset());
    await store.deletePreset('p1');
    const deleted = await store.deleteConversation('c1');
    if (deleted) await store.restoreConversation(deleted.conversation, deleted.messages);

    expect(published).toEqual([
      { type: 'conversation', id: 'c1' },
      { type: 'conversation', id: 'c1' },
      { type: 'conversation', id: 'c1' },
      { type: 'messages', conversationId: 'c1' },
      { type: 'messages', conversationId: 'c2' },
      { type: 'messages', conversationId: 'c1' },
      { type: 'messages', conversationId: 'c2' },
      { type: 'settings' },
      { type: 'presets' },
      { type: 'presets' },
      { type: 'conversation', id: 'c1' },
      { type: 'conversation', id: 'c1' },
      { type: 'messages', conversationId: 'c1' },
    ]);
  });

  it('publishes after the data is readable, never before', async () => {
    const seen: (string | undefined)[] = [];
    store = withBroadcast(inner, () => {
      void inner.getConversation('c1').then((c) => seen.push(c?.title));
    });
    await store.putConversation(conversation({ title: 'Committed' }));
    await vi.waitFor(() => {
      expect(seen).toEqual(['Committed']);
    });
  });

  it('publishes nothing for a write that failed', async () => {
    inner.close();
    await expect(store.putConversation(conversation())).rejects.toThrow();
    await expect(store.putMessages([message()])).rejects.toThrow();
    expect(published).toEqual([]);
  });

  it('publishes nothing when nothing was written', async () => {
    await store.updateConversation('c1', () => undefined);
    await store.deleteConversation('missing');
    await store.deleteMessages(['missing']);
    expect(published).toEqual([]);
  });

  it('does not publish drafts (each tab keeps its own composer)', async () => {
    await store.putDraft({ conversationId: 'c1', text: 'x', updatedAt: 1 });
    await store.deleteDrafts(['c1']);
    expect(published).toEqual([]);
  });

  it('a failure to publish does not fail the committed write', async () => {
    store = withBroadcast(inner, () => {
      throw new DOMException('Channel is closed', 'InvalidStateError');
    });
    await expect(store.putConversation(conversation())).resolves.toBeUndefined();
    expect(await store.getConversation('c1')).toEqual(conversation());
  });
});

describe('readStoreChange', () => {
  it.each([
    [
      { type: 'conversation', id: 'c' },
      { type: 'conversation', id: 'c' },
    ],
    [
      { type: 'messages', conversationId: 'c', extra: 1 },
      { type: 'messages', conversationId: 'c' },
    ],
    [{ type: 'presets' }, { type: 'presets' }],
    [{ type: 'settings' }, { type: 'settings' }],
    [{ type: 'imported' }, { type: 'imported' }],
  ])('reads %j', (data, change) => {
    expect(readStoreChange(data)).toEqual(change);
  });

  it.each([
    null,
    'conversation',
    {},
    { type: 'delete-all' },
    { type: 'toString' },
    { type: 'conversation' },
    { type: 'messages', conversationId: 3 },
  ])('ignores %j', (data) => {
    expect(readStoreChange(data)).toBeUndefined();
  });
});
