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
import { applyPatch, type Patch } from '../domain/conversation-patch';
import type { Conversation, Message } from '../domain/types';
import { normalizeConversation, normalizeMessage } from '../storage/normalize';
import type { StoredConversation, StoredMessage } from '../storage/schema';
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
   * Resolves with the number of messages stored.
   */
  async recover(store: JournalStore): Promise<number> {
    const kept = this.#takeAll();
    if (kept.conversations.length === 0 && kept.messages.length === 0) return 0;
    const deleted = new Set((await store.listTombstones()).map((t) => t.id));
    let recovered = 0;
    for (const { id, patch, whole, messages } of kept.conversations) {
      if (deleted.has(id)) continue;
      const put = await newerThanStored(store, id, messages.put ?? []);
      const written = await store.updateConversation(
        id,
        (stored) => {
          if (stored) return patch ? applyPatch(stored, patch) : stored;
          return whole ?? undefined;
        },
        { put, delete: messages.delete ?? [] },
      );
      if (written) recovered += 1;
    }
    const byConversation = new Map<string, Message[]>();
    for (const message of kept.messages) {
      const list = byConversation.get(message.conversationId) ?? [];
      list.push(message);
      byConversation.set(message.conversationId, list);
    }
    for (const [conversationId, messages] of byConversation) {
      if (deleted.has(conversationId) || !(await store.getConversation(conversationId))) continue;
      for (const message of await newerThanStored(store, conversationId, messages)) {
        await store.putMessage(message);
        recovered += 1;
      }
    }
    return recovered;
  }

  #takeAll(): Unwritten {
    const conversations: ConversationPatch[] = [];
    const messages: Message[] = [];
    const storage = this.#storage;
    if (!storage) return { conversations, messages };
    try {
      const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter(
        (key): key is string => key?.startsWith(PREFIX) === true,
      );
      for (const key of keys) {
        const kept = parse(storage.getItem(key));
        conversations.push(...kept.conversations);
        messages.push(...kept.messages);
        storage.removeItem(key);
      }
    } catch {
      // Refused storage: nothing was kept there.
    }
    return { conversations, messages };
  }
}

/** Those of `messages` that storage lacks or holds an older version of. */
async function newerThanStored(
  store: JournalStore,
  conversationId: string,
  messages: readonly Message[],
): Promise<Message[]> {
  if (messages.length === 0) return [];
  const stored = new Map((await store.listMessages(conversationId)).map((m) => [m.id, m]));
  return messages.filter((m) => {
    const current = stored.get(m.id);
    return !current || isNewer(m, current);
  });
}

/** Later versions win; a reply that finished wins over the same reply still streaming. */
function isNewer(kept: Message, stored: Message): boolean {
  if (kept.updatedAt > stored.updatedAt) return true;
  return (
    kept.updatedAt === stored.updatedAt &&
    stored.status === 'streaming' &&
    kept.status !== 'streaming'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messagesIn(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (m): m is StoredMessage =>
        isObject(m) && typeof m.id === 'string' && typeof m.conversationId === 'string',
    )
    .map((m) => normalizeMessage(m));
}

function conversationIn(value: unknown): Conversation | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  return normalizeConversation(value as StoredConversation);
}

function patchIn(value: unknown): Patch | null {
  if (!isObject(value) || !isObject(value.set) || !Array.isArray(value.unset)) return null;
  if (!isObject(value.nested)) return null;
  return value as unknown as Patch;
}

function parse(text: string | null): Unwritten {
  const none = { conversations: [], messages: [] };
  if (text === null) return none;
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) return none;
    const conversations = Array.isArray(value.conversations) ? value.conversations : [];
    return {
      conversations: conversations.flatMap((c: unknown): ConversationPatch[] => {
        if (!isObject(c) || typeof c.id !== 'string') return [];
        const patch = patchIn(c.patch);
        const whole = conversationIn(c.whole);
        if (!patch && !whole) return [];
        const messages = isObject(c.messages) ? c.messages : {};
        const deleted = Array.isArray(messages.delete)
          ? messages.delete.filter((id): id is string => typeof id === 'string')
          : [];
        return [
          { id: c.id, patch, whole, messages: { put: messagesIn(messages.put), delete: deleted } },
        ];
      }),
      messages: messagesIn(value.messages),
    };
  } catch {
    return none;
  }
}
