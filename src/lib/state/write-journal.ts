/**
 * A closing page's unwritten messages, kept in localStorage until the next page stores them.
 *
 * An IndexedDB write that has not committed when a page goes (a reload, a closed tab, a crash of
 * the renderer) is lost with it: a reply fully shown a moment ago would come back as an
 * interrupted half, or empty. localStorage is written synchronously, so the page keeps there,
 * as it hides, every message storage may not hold yet (MessageCache.writingMessages), and the
 * next page to start stores whichever of them are newer than what storage holds.
 *
 * - One key per page, so two tabs closing at once never overwrite each other's.
 * - A page that comes back (shown again, or restored from the back/forward cache) drops its
 *   key: its own writes carry on.
 * - Nothing is brought back for a conversation deleted meanwhile, and nothing older than what
 *   storage holds replaces it.
 */
import type { Conversation, Message } from '../domain/types';
import type { ConversationPatch, MessageWrites } from './conversations.svelte';

const PREFIX = 'parley:unwritten:';

export interface JournalStore {
  getConversation(id: string): Promise<unknown>;
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  updateConversation(
    id: string,
    change: (stored: Conversation | undefined) => Conversation | undefined,
    messages?: MessageWrites,
  ): Promise<unknown>;
  /** Conversations deleted here or in another tab: never brought back. */
  listTombstones(): Promise<{ id: string }[]>;
}

/** What a page keeps: conversation writes (oldest first), then message writes. */
export interface Unwritten {
  conversations: readonly ConversationPatch[];
  messages: readonly Message[];
}

/** The part of `localStorage` used here (tests pass a Map-backed one). */
export type JournalStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** The page's localStorage, or null where it is refused (some private modes, sandboxed frames). */
export function localStorageOrNull(): JournalStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** A name for this page among the others of the origin (randomUUID needs a secure context). */
export function pageId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class WriteJournal {
  readonly #storage: JournalStorage | null;
  readonly #key: string;

  constructor(storage: JournalStorage | null, pageId: string) {
    this.#storage = storage;
    this.#key = PREFIX + pageId;
  }

  /** Keeps what is unwritten for the next page (nothing: keeps nothing). Synchronous. */
  keep({ conversations, messages }: Unwritten): void {
    if (!this.#storage) return;
    try {
      if (conversations.length === 0 && messages.length === 0) this.#storage.removeItem(this.#key);
      else this.#storage.setItem(this.#key, JSON.stringify({ conversations, messages }));
    } catch {
      // localStorage full or refused: IndexedDB's own writes are all that is left to try.
    }
  }

  /** This page is back: its writes go on, and what it kept is dropped. */
  drop(): void {
    try {
      this.#storage?.removeItem(this.#key);
    } catch {
      // Refused storage holds nothing of ours.
    }
  }

  /**
   * Stores what closed pages kept, where it is newer than what storage holds, and forgets it.
   * Resolves with the number of messages stored. The code that reads and stores it loads only
   * when a page left something (journal-recovery.ts): almost never, so not first-load code.
   */
  async recover(store: JournalStore): Promise<number> {
    const kept = this.#takeAll();
    if (kept.length === 0) return 0;
    const { recoverKept } = await import('./journal-recovery');
    return recoverKept(store, kept);
  }

  /** The texts closed pages kept, each removed as it is read. */
  #takeAll(): string[] {
    const kept: string[] = [];
    const storage = this.#storage;
    if (!storage) return kept;
    try {
      const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter(
        (key): key is string => key?.startsWith(PREFIX) === true,
      );
      for (const key of keys) {
        const text = storage.getItem(key);
        if (text !== null) kept.push(text);
        storage.removeItem(key);
      }
    } catch {
      // Refused storage: nothing was kept there.
    }
    return kept;
  }
}
