/**
 * Keeps tabs in step. Every committed write is published (storage/broadcast.ts wraps the store)
 * on the BroadcastChannel 'parley'; each tab that hears a change reads the records it names back
 * from IndexedDB, the one source of truth, and shows them.
 *
 * A tab also hears its own changes (`origin: 'local'`, never through the channel): a conversation
 * this tab wrote outside ConversationsState (a message transaction) is read back so that its
 * idea of what is stored stays current (see ConversationsState.refresh).
 *
 * Nothing is ever overwritten by this: receivers only read. Writes themselves never clobber
 * another tab's data: messages are one record each, written only by the tab that made them, and
 * conversation writes are patches applied inside their transaction (conversation-patch.ts).
 * Other messages on the channel (`{ type: 'delete-all' }`, see delete-all.svelte.ts) are ignored.
 */
import { readStoreChange, type StoreChange } from '../storage';

export const CHANNEL_NAME = 'parley';

export type ChangeOrigin = 'local' | 'remote';
export type ChangeListener = (change: StoreChange, origin: ChangeOrigin) => void;

/** The part of BroadcastChannel used here; tests pass a fake. */
export interface SyncChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** Where changes go out (to other tabs and this one) and come in. */
export class ChangeFeed {
  readonly #channel: SyncChannel | null;
  readonly #listeners = new Set<ChangeListener>();
  readonly #receive = (event: MessageEvent): void => {
    const change = readStoreChange(event.data);
    if (change) this.#tell(change, 'remote');
  };

  /** `channel` null where BroadcastChannel is missing: then this tab only hears itself. */
  constructor(channel: SyncChannel | null) {
    this.#channel = channel;
    channel?.addEventListener('message', this.#receive);
  }

  /** Tells other tabs (and this tab's listeners) about a committed write. */
  readonly publish = (change: StoreChange): void => {
    try {
      this.#channel?.postMessage(change);
    } catch {
      // Closed (the page is going away): other tabs catch up when they next read.
    }
    this.#tell(change, 'local');
  };

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#channel?.removeEventListener('message', this.#receive);
    this.#channel?.close();
    this.#listeners.clear();
  }

  #tell(change: StoreChange, origin: ChangeOrigin): void {
    for (const listener of this.#listeners) listener(change, origin);
  }
}

/** What a change is applied to; the state classes, narrowed so tests can pass fakes. */
export interface SyncTargets {
  conversations: {
    readonly list: readonly { id: string }[];
    refresh(id: string): Promise<'changed' | 'unchanged' | 'deleted'>;
    refreshAll(): Promise<string[]>;
  };
  chat: {
    reload(conversationId: string): Promise<void>;
    forget(conversationId: string): void;
  };
  presets: { load(): Promise<void> };
  settings: { load(): Promise<void> };
  /** Storage failures while reading back become a visible problem. */
  report: (error: unknown) => void;
}

export interface Sync {
  /** Reads everything again (a page back from the back/forward cache may have missed changes). */
  resync(): Promise<void>;
  disconnect(): void;
}

export function connectSync(feed: ChangeFeed, targets: SyncTargets): Sync {
  const { conversations, chat, presets, settings, report } = targets;

  async function refreshConversation(id: string): Promise<void> {
    if ((await conversations.refresh(id)) === 'deleted') chat.forget(id);
  }

  async function resync(): Promise<void> {
    const deleted = await conversations.refreshAll();
    for (const id of deleted) chat.forget(id);
    await Promise.all([
      presets.load(),
      settings.load(),
      ...conversations.list.map((c) => chat.reload(c.id)),
    ]);
  }

  function apply(change: StoreChange, origin: ChangeOrigin): Promise<void> {
    switch (change.type) {
      case 'conversation':
        return refreshConversation(change.id);
      case 'messages':
        return origin === 'remote' ? chat.reload(change.conversationId) : Promise.resolve();
      case 'presets':
        return origin === 'remote' ? presets.load() : Promise.resolve();
      case 'settings':
        return origin === 'remote' ? settings.load() : Promise.resolve();
      case 'imported':
        // This tab's own import too: it wrote behind the state classes' backs.
        return resync();
    }
  }

  const unsubscribe = feed.subscribe((change, origin) => {
    apply(change, origin).catch(report);
  });
  return {
    resync: () => resync().catch(report),
    disconnect: unsubscribe,
  };
}
