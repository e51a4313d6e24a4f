/**
 * Tells other tabs what changed. `withBroadcast` wraps a store so that every write, once it has
 * COMMITTED, publishes which records it touched; a write that fails publishes nothing. Wrapping
 * the store is the one place that sees every write, whoever makes it (state classes, import).
 *
 * A change names records, never carries them: a receiver reads them back from IndexedDB, which
 * is the one source of truth, so messages can never arrive out of order with the data.
 * Drafts are not published: each tab keeps its own composer text, and the next open reads the
 * latest one.
 */
import type { Draft } from '../domain/draft';
import type { Conversation, Message, Preset, Settings } from '../domain/types';
import type { Tombstone } from './schema';
import type {
  ConversationChange,
  ImportPlanned,
  ImportRequest,
  ImportSnapshot,
  ImportUndo,
  MessageWrites,
  ParleyStore,
} from './store';
import type { ExportFile } from './transfer';

export type StoreChange =
  /** The conversation record was written or deleted. */
  | { type: 'conversation'; id: string }
  /** Messages of the conversation were written or deleted. */
  | { type: 'messages'; conversationId: string }
  | { type: 'presets' }
  | { type: 'settings' }
  /** An import may have changed any conversation, message and preset. */
  | { type: 'imported' };

const TYPES: Record<StoreChange['type'], true> = {
  conversation: true,
  messages: true,
  presets: true,
  settings: true,
  imported: true,
};

/** A change as it arrives from another tab (`unknown`), or undefined if it is none of ours. */
export function readStoreChange(data: unknown): StoreChange | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, id, conversationId } = data as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(TYPES, type)) return undefined;
  if (type === 'conversation') return typeof id === 'string' ? { type, id } : undefined;
  if (type === 'messages') {
    return typeof conversationId === 'string' ? { type, conversationId } : undefined;
  }
  return { type } as StoreChange;
}

export function withBroadcast(
  store: ParleyStore,
  publish: (change: StoreChange) => void,
): ParleyStore {
  return new BroadcastingStore(store, publish);
}

class BroadcastingStore implements ParleyStore {
  readonly #store: ParleyStore;
  readonly #publish: (change: StoreChange) => void;

  constructor(store: ParleyStore, publish: (change: StoreChange) => void) {
    this.#store = store;
    this.#publish = publish;
  }

  /** Publishes `changes(result)` once `write` has committed; a failed write publishes nothing. */
  async #after<T>(write: Promise<T>, changes: (result: T) => StoreChange[]): Promise<T> {
    const result = await write;
    for (const change of changes(result)) {
      try {
        this.#publish(change);
      } catch {
        // The write is committed: failing to tell other tabs (a closed channel) must not make it
        // look failed. They catch up when they next read.
      }
    }
    return result;
  }

  // Reads pass through.
  listConversations(): Promise<Conversation[]> {
    return this.#store.listConversations();
  }
  listRecentConversations(limit: number): Promise<Conversation[]> {
    return this.#store.listRecentConversations(limit);
  }
  listConversationIds(): Promise<string[]> {
    return this.#store.listConversationIds();
  }
  getConversation(id: string): Promise<Conversation | undefined> {
    return this.#store.getConversation(id);
  }
  listMessages(conversationId: string): Promise<Message[]> {
    return this.#store.listMessages(conversationId);
  }
  getSettings(): Promise<Settings> {
    return this.#store.getSettings();
  }
  listPresets(): Promise<Preset[]> {
    return this.#store.listPresets();
  }
  getDraft(conversationId: string): Promise<Draft | undefined> {
    return this.#store.getDraft(conversationId);
  }
  listDrafts(): Promise<Draft[]> {
    return this.#store.listDrafts();
  }
  exportAll(now: number): Promise<ExportFile> {
    return this.#store.exportAll(now);
  }
  close(): void {
    this.#store.close();
  }

  // Writes publish what they touched.
  putConversation(conversation: Conversation): Promise<void> {
    return this.#after(this.#store.putConversation(conversation), () => [
      { type: 'conversation', id: conversation.id },
    ]);
  }

  updateConversation(
    id: string,
    change: ConversationChange,
    messages?: MessageWrites,
  ): Promise<Conversation | undefined> {
    const touchesMessages = (messages?.put?.length ?? 0) + (messages?.delete?.length ?? 0) > 0;
    return this.#after(this.#store.updateConversation(id, change, messages), (written) =>
      written
        ? [
            { type: 'conversation', id },
            ...(touchesMessages ? [{ type: 'messages' as const, conversationId: id }] : []),
          ]
        : [],
    );
  }

  deleteConversation(
    id: string,
    deletedAt?: number,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined> {
    return this.#after(this.#store.deleteConversation(id, deletedAt), (deleted) =>
      deleted ? [{ type: 'conversation', id }] : [],
    );
  }

  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void> {
    return this.#after(this.#store.restoreConversation(conversation, messages), () => [
      { type: 'conversation', id: conversation.id },
      { type: 'messages', conversationId: conversation.id },
    ]);
  }

  putMessage(message: Message): Promise<void> {
    return this.#after(this.#store.putMessage(message), () => [
      { type: 'messages', conversationId: message.conversationId },
    ]);
  }

  interruptStreaming(ids: readonly string[]): Promise<Message[]> {
    return this.#after(this.#store.interruptStreaming(ids), (messages) =>
      owners(messages).map((conversationId) => ({ type: 'messages' as const, conversationId })),
    );
  }

  putMessages(messages: Message[], conversation?: Conversation): Promise<void> {
    return this.#after(this.#store.putMessages(messages, conversation), () => [
      ...(conversation ? [{ type: 'conversation' as const, id: conversation.id }] : []),
      ...owners(messages).map((conversationId) => ({ type: 'messages' as const, conversationId })),
    ]);
  }

  deleteMessages(ids: string[]): Promise<string[]> {
    return this.#after(this.#store.deleteMessages(ids), (conversationIds) =>
      conversationIds.map((conversationId) => ({ type: 'messages', conversationId })),
    );
  }

  putSettings(settings: Settings): Promise<void> {
    return this.#after(this.#store.putSettings(settings), () => [{ type: 'settings' }]);
  }

  putPreset(preset: Preset): Promise<void> {
    return this.#after(this.#store.putPreset(preset), () => [{ type: 'presets' }]);
  }

  deletePreset(id: string): Promise<void> {
    return this.#after(this.#store.deletePreset(id), () => [{ type: 'presets' }]);
  }

  putDraft(draft: Draft): Promise<void> {
    return this.#store.putDraft(draft);
  }

  deleteDrafts(conversationIds: string[]): Promise<void> {
    return this.#store.deleteDrafts(conversationIds);
  }

  listTombstones(): Promise<Tombstone[]> {
    return this.#store.listTombstones();
  }

  runImport<T>(
    request: ImportRequest,
    plan: (snapshot: ImportSnapshot) => ImportPlanned<T>,
    write: boolean,
  ): Promise<{ result: T; undo: ImportUndo }> {
    const running = this.#store.runImport(request, plan, write);
    return write ? this.#after(running, () => [{ type: 'imported' }]) : running;
  }

  undoImport(undo: ImportUndo): Promise<void> {
    return this.#after(this.#store.undoImport(undo), () => [{ type: 'imported' }]);
  }
}

function owners(messages: readonly Message[]): string[] {
  return [...new Set(messages.map((message) => message.conversationId))];
}
