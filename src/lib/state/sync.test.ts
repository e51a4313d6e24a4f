import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { Conversation } from '../domain/types';
import { openStore, withBroadcast, type StoreChange } from '../storage';
import { ConversationsState } from './conversations.svelte';
import { ChangeFeed, connectSync, type SyncChannel, type SyncTargets } from './sync';

/** BroadcastChannel as browsers do it: a message reaches every OTHER channel, asynchronously. */
class FakeBroadcast {
  readonly channels = new Set<FakeChannel>();
  create(): FakeChannel {
    const channel = new FakeChannel(this);
    this.channels.add(channel);
    return channel;
  }
}

class FakeChannel implements SyncChannel {
  readonly #hub: FakeBroadcast;
  readonly #listeners = new Set<(event: MessageEvent) => void>();
  isClosed = false;
  constructor(hub: FakeBroadcast) {
    this.#hub = hub;
  }
  postMessage(message: unknown): void {
    if (this.isClosed) throw new DOMException('closed', 'InvalidStateError');
    const data = structuredClone(message);
    for (const other of this.#hub.channels) {
      if (other === this || other.isClosed) continue;
      setTimeout(() => {
        for (const listener of other.#listeners) listener({ data } as MessageEvent);
      }, 0);
    }
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.add(listener);
  }
  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.delete(listener);
  }
  close(): void {
    this.isClosed = true;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function fakeTargets(list: { id: string }[] = []) {
  return {
    conversations: {
      list,
      refresh: vi.fn((_id: string) => Promise.resolve<'changed' | 'deleted'>('changed')),
      refreshAll: vi.fn(() => Promise.resolve<string[]>([])),
    },
    chat: { reload: vi.fn(() => Promise.resolve()), forget: vi.fn() },
    presets: { load: vi.fn(() => Promise.resolve()) },
    settings: { load: vi.fn(() => Promise.resolve()) },
    report: vi.fn(),
  } satisfies SyncTargets;
}

describe('ChangeFeed', () => {
  it('sends a change to other tabs as remote and to this tab as local', async () => {
    const hub = new FakeBroadcast();
    const a = new ChangeFeed(hub.create());
    const b = new ChangeFeed(hub.create());
    const heardA = vi.fn();
    const heardB = vi.fn();
    a.subscribe(heardA);
    b.subscribe(heardB);
    a.publish({ type: 'presets' });
    expect(heardA).toHaveBeenCalledWith({ type: 'presets' }, 'local');
    await tick();
    expect(heardB).toHaveBeenCalledWith({ type: 'presets' }, 'remote');
    expect(heardA).toHaveBeenCalledTimes(1);
  });

  it('ignores other messages on the channel (delete-all has its own listener)', async () => {
    const hub = new FakeBroadcast();
    const other = hub.create();
    const feed = new ChangeFeed(hub.create());
    const heard = vi.fn();
    feed.subscribe(heard);
    other.postMessage({ type: 'delete-all' });
    other.postMessage('noise');
    await tick();
    expect(heard).not.toHaveBeenCalled();
  });

  it('works without BroadcastChannel, and after close, without throwing', () => {
    const alone = new ChangeFeed(null);
    const heard = vi.fn();
    alone.subscribe(heard);
    alone.publish({ type: 'settings' });
    expect(heard).toHaveBeenCalledOnce();

    const closed = new ChangeFeed(new FakeBroadcast().create());
    closed.close();
    expect(() => closed.publish({ type: 'settings' })).not.toThrow();
  });
});

describe('connectSync', () => {
  async function heard(change: StoreChange, origin: 'local' | 'remote', list?: { id: string }[]) {
    const hub = new FakeBroadcast();
    const other = hub.create();
    const feed = new ChangeFeed(hub.create());
    const targets = fakeTargets(list);
    connectSync(feed, targets);
    if (origin === 'local') feed.publish(change);
    else other.postMessage(change);
    await tick();
    return targets;
  }

  it('another tab’s conversation write is read back; a deletion also drops its messages', async () => {
    const targets = await heard({ type: 'conversation', id: 'c' }, 'remote');
    expect(targets.conversations.refresh).toHaveBeenCalledWith('c');
    expect(targets.chat.forget).not.toHaveBeenCalled();

    const deleting = fakeTargets();
    deleting.conversations.refresh.mockResolvedValueOnce('deleted');
    const hub = new FakeBroadcast();
    const other = hub.create();
    connectSync(new ChangeFeed(hub.create()), deleting);
    other.postMessage({ type: 'conversation', id: 'c' });
    await tick();
    expect(deleting.chat.forget).toHaveBeenCalledWith('c');
  });

  it('this tab’s own conversation writes are read back too (they may come from a message write)', async () => {
    const targets = await heard({ type: 'conversation', id: 'c' }, 'local');
    expect(targets.conversations.refresh).toHaveBeenCalledWith('c');
  });

  it('messages, presets and settings are read again only when another tab wrote them', async () => {
    const remote = await heard({ type: 'messages', conversationId: 'c' }, 'remote');
    expect(remote.chat.reload).toHaveBeenCalledWith('c');
    const local = await heard({ type: 'messages', conversationId: 'c' }, 'local');
    expect(local.chat.reload).not.toHaveBeenCalled();
    expect((await heard({ type: 'presets' }, 'remote')).presets.load).toHaveBeenCalled();
    expect((await heard({ type: 'presets' }, 'local')).presets.load).not.toHaveBeenCalled();
    expect((await heard({ type: 'settings' }, 'remote')).settings.load).toHaveBeenCalled();
    expect((await heard({ type: 'settings' }, 'local')).settings.load).not.toHaveBeenCalled();
  });

  it('an import, here or elsewhere, reads everything again', async () => {
    for (const origin of ['local', 'remote'] as const) {
      const targets = await heard({ type: 'imported' }, origin, [{ id: 'a' }, { id: 'b' }]);
      expect(targets.conversations.refreshAll).toHaveBeenCalled();
      expect(targets.presets.load).toHaveBeenCalled();
      expect(targets.chat.reload).toHaveBeenCalledWith('a');
      expect(targets.chat.reload).toHaveBeenCalledWith('b');
    }
  });

  it('reports a failed read-back instead of throwing', async () => {
    const hub = new FakeBroadcast();
    const other = hub.create();
    const targets = fakeTargets();
    const failure = new Error('blocked');
    targets.conversations.refresh.mockRejectedValueOnce(failure);
    connectSync(new ChangeFeed(hub.create()), targets);
    other.postMessage({ type: 'conversation', id: 'c' });
    await tick();
    expect(targets.report).toHaveBeenCalledWith(failure);
  });
});

describe('two tabs on one database', () => {
  const stored: Conversation = {
    id: 'c',
    title: 'Shared',
    isTitleCustom: false,
    systemPrompt: '',
    params: { ...DEFAULT_PARAMS },
    createdAt: 1,
    updatedAt: 1,
    currentLeafId: null,
    presetId: null,
  };

  async function tab(factory: IDBFactory, hub: FakeBroadcast) {
    const feed = new ChangeFeed(hub.create());
    const store = withBroadcast(
      await openStore({ name: 'parley-sync-test', indexedDB: factory }),
      feed.publish,
    );
    const conversations = new ConversationsState(store);
    await conversations.load();
    connectSync(feed, {
      conversations,
      chat: { reload: () => Promise.resolve(), forget: () => undefined },
      presets: { load: () => Promise.resolve() },
      settings: { load: () => Promise.resolve() },
      report: (error) => {
        throw error;
      },
    });
    return { store, conversations };
  }

  it('a rename in one shows in the other; changes made at once in both all land', async () => {
    const factory = new IDBFactory();
    const setup = await openStore({ name: 'parley-sync-test', indexedDB: factory });
    await setup.putConversation(stored);
    setup.close();
    const hub = new FakeBroadcast();
    const a = await tab(factory, hub);
    const b = await tab(factory, hub);

    await b.conversations.rename('c', 'Renamed in B');
    await vi.waitFor(() => {
      expect(a.conversations.get('c')?.title).toBe('Renamed in B');
    });

    // Both at once, neither having heard of the other's change.
    await Promise.all([
      a.conversations.update('c', (c) => ({ ...c, systemPrompt: 'From A' })),
      b.conversations.update('c', (c) => ({ ...c, params: { ...c.params, temperature: 0.1 } })),
    ]);
    await vi.waitFor(async () => {
      const want = { title: 'Renamed in B', systemPrompt: 'From A', params: { temperature: 0.1 } };
      expect(await a.store.getConversation('c')).toMatchObject(want);
      expect(a.conversations.get('c')).toMatchObject(want);
      expect(b.conversations.get('c')).toMatchObject(want);
    });

    await a.conversations.delete('c');
    await vi.waitFor(() => {
      expect(b.conversations.list).toEqual([]);
    });
    a.store.close();
    b.store.close();
  });
});
