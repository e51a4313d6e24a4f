/**
 * The messages of the conversations this page has open, and the writes of each message.
 *
 * - `open` loads a conversation once; `reload` reads it again when another tab changed it, keeping
 *   the in-memory version of any message this page is still writing; `forget` drops it (deleted),
 *   after which no late write can bring it back.
 * - Writes of one message are chained, so an old flush can never land after a newer write. A write
 *   that fails is reported and tried again (a full disk may free up); until one succeeds the
 *   message reads as not saved yet (`isUnsaved`), and its text stays in memory meanwhile.
 * - A reply stored as `streaming` that no tab is streaming was cut off by a closed or crashed page:
 *   it becomes `interrupted` (stream-locks.ts tells which replies some tab still streams). The
 *   store checks again in its own transaction: a tab that finished the reply between this page's
 *   read and the lock check has written the whole reply, and that record is kept, never replaced
 *   by the stale half this page read.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { Message } from '../domain/types';

export interface MessageStore {
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  /** Marks replies `interrupted` where still stored `streaming`; resolves with them as stored. */
  interruptStreaming(ids: readonly string[]): Promise<Message[]>;
}

export interface MessageCacheOptions {
  store: MessageStore;
  report: (error: unknown) => void;
  /** True while some tab streams this reply. Without it, every stored `streaming` reply is cut off. */
  isStreamAlive?: (messageId: string) => Promise<boolean>;
  /** Resolves once no tab streams this reply any more. */
  whenStreamEnds?: (messageId: string) => Promise<void>;
  /** True while this page itself is preparing or streaming a reply in the conversation. */
  isBusy: (conversationId: string) => boolean;
  /** Waits before trying a failed write again (tests pass an immediate one). */
  retryDelay?: (attempt: number) => Promise<void>;
}

/** A failed write is tried again this many times, then left unsaved (and shown so). */
const WRITE_ATTEMPTS = 5;

function defaultRetryDelay(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt));
}

export class MessageCache {
  readonly #messages = new SvelteMap<string, Message[]>();
  /** The newest version of each message whose write failed, by id: only memory holds it. */
  readonly #unsaved = new SvelteMap<string, Message>();
  /** Conversations dropped from this page: late work for them is never written. */
  readonly #forgotten = new Set<string>();
  /**
   * The last queued write of each message and the version it writes, until it has settled (see
   * `write`, `writingMessages`). Bookkeeping: a plain Map.
   */
  readonly #writes = new Map<string, { done: Promise<void>; message: Message }>();
  /** Replies whose stream in another tab this page waits to end. */
  readonly #awaitingEnd = new Set<string>();
  readonly #options: MessageCacheOptions;

  constructor(options: MessageCacheOptions) {
    this.#options = options;
  }

  /** All loaded messages of a conversation (every branch), oldest first. */
  get(conversationId: string): readonly Message[] {
    return this.#messages.get(conversationId) ?? [];
  }

  has(conversationId: string): boolean {
    return this.#messages.has(conversationId);
  }

  isForgotten(conversationId: string): boolean {
    return this.#forgotten.has(conversationId);
  }

  /** True while the newest text of a message has not reached storage (a write failed). */
  isUnsaved(messageId: string): boolean {
    return this.#unsaved.has(messageId);
  }

  /** The messages whose newest text is only in memory (their writes failed), in every conversation. */
  unsavedMessages(): Message[] {
    return [...this.#unsaved.values()];
  }

  /**
   * Every message whose newest version storage may not hold yet: writes still under way, and
   * those that failed. What a closing page keeps elsewhere (write-journal.ts), since a write
   * that has not committed when the page goes is lost with it.
   */
  writingMessages(): Message[] {
    const newest = new Map(this.#unsaved);
    for (const [id, { message }] of this.#writes) newest.set(id, message);
    return [...newest.values()];
  }

  /** Changes what a loaded (or just created) conversation holds in memory. */
  change(conversationId: string, change: (list: Message[]) => Message[]): void {
    this.#messages.set(conversationId, change([...this.get(conversationId)]));
  }

  /** Replaces messages by id (and adds the new ones), in memory. */
  upsert(conversationId: string, messages: readonly Message[]): void {
    const byId = new Map(messages.map((m) => [m.id, m]));
    this.change(conversationId, (list) => {
      const next = list.map((m) => byId.get(m.id) ?? m);
      const known = new Set(list.map((m) => m.id));
      return [...next, ...messages.filter((m) => !known.has(m.id))];
    });
  }

  remove(conversationId: string, ids: ReadonlySet<string>): void {
    this.change(conversationId, (list) => list.filter((m) => !ids.has(m.id)));
  }

  async open(conversationId: string): Promise<void> {
    this.#forgotten.delete(conversationId);
    if (this.#messages.has(conversationId)) return;
    const loaded = await this.#options.store.listMessages(conversationId);
    const messages = await this.#checkStreaming(conversationId, loaded);
    // A message sent while this load was under way is already in memory: keep it.
    const current = this.#messages.get(conversationId) ?? [];
    const loadedIds = new Set(messages.map((m) => m.id));
    this.#messages.set(conversationId, [
      ...messages,
      ...current.filter((m) => !loadedIds.has(m.id)),
    ]);
  }

  forget(conversationId: string): void {
    this.#forgotten.add(conversationId);
    this.#messages.delete(conversationId);
  }

  /**
   * Reads a loaded conversation's messages again: another tab changed them. Skipped while this
   * page streams or prepares a reply there (its own records are the newer ones then); a message
   * this page is still writing keeps its in-memory version.
   */
  async reload(conversationId: string): Promise<void> {
    const isBusy = () =>
      !this.#messages.has(conversationId) || this.#options.isBusy(conversationId);
    if (isBusy()) return;
    const loaded = await this.#options.store.listMessages(conversationId);
    const messages = await this.#checkStreaming(conversationId, loaded);
    if (isBusy()) return;
    const writing = new Map(
      this.get(conversationId)
        .filter((m) => this.#writes.has(m.id) || this.#unsaved.has(m.id))
        .map((m) => [m.id, m]),
    );
    const merged = messages.map((m) => writing.get(m.id) ?? m);
    const loadedIds = new Set(messages.map((m) => m.id));
    this.#messages.set(conversationId, [
      ...merged,
      ...[...writing.values()].filter((m) => !loadedIds.has(m.id)),
    ]);
  }

  /** Stores one message after every earlier write of it; a failure is retried, then shown. */
  write(message: Message): void {
    // A conversation deleted while its reply streamed must not be resurrected by a late write.
    if (!this.#messages.has(message.conversationId)) return;
    // Not saved yet, and this is newer: it is what memory holds now (and what an export takes).
    if (this.#unsaved.has(message.id)) this.#unsaved.set(message.id, message);
    const previous = this.#writes.get(message.id)?.done ?? Promise.resolve();
    const entry = { message, done: previous };
    const isNewest = () => this.#writes.get(message.id) === entry;
    entry.done = previous.then(() => this.#put(message, () => !isNewest()));
    this.#writes.set(message.id, entry);
    void entry.done.then(() => {
      if (isNewest()) this.#writes.delete(message.id);
    });
  }

  /** Resolves once every write queued so far for these messages has settled. */
  async settled(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.#writes.get(id)?.done ?? Promise.resolve()));
  }

  /** `isSuperseded`: a newer write of the message is queued, so this one need not try again. */
  async #put(message: Message, isSuperseded: () => boolean): Promise<void> {
    const retryDelay = this.#options.retryDelay ?? defaultRetryDelay;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      if (this.#forgotten.has(message.conversationId)) return;
      // A newer write of the same message was queued meanwhile: it carries the newest text.
      if (attempt > 0 && isSuperseded()) return;
      try {
        await this.#options.store.putMessage(message);
        this.#unsaved.delete(message.id);
        return;
      } catch (error) {
        if (attempt === 0) this.#options.report(error);
        if (isSuperseded()) {
          // The newer write runs next; until it lands the message reads as not saved.
          if (!this.#unsaved.has(message.id)) this.#unsaved.set(message.id, message);
          return;
        }
        this.#unsaved.set(message.id, message);
        if (attempt === WRITE_ATTEMPTS - 1) return;
        await retryDelay(attempt);
      }
    }
  }

  /**
   * Sorts the replies stored as `streaming`: one another tab is still streaming stays so (and the
   * conversation is read again when that stream ends, even if that tab crashes); any other was
   * cut off by a closed or crashed page and becomes `interrupted`, in storage first (see above).
   */
  async #checkStreaming(conversationId: string, loaded: Message[]): Promise<Message[]> {
    const streaming = loaded.filter((m) => m.status === 'streaming');
    if (streaming.length === 0) return loaded;
    const isAlive = this.#options.isStreamAlive ?? (() => Promise.resolve(false));
    const alive = await Promise.all(streaming.map((m) => isAlive(m.id)));
    const cutOff = streaming.filter((_, i) => alive[i] !== true).map((m) => m.id);
    const whenEnds = this.#options.whenStreamEnds;
    for (const m of streaming) {
      if (cutOff.includes(m.id) || this.#awaitingEnd.has(m.id) || !whenEnds) continue;
      this.#awaitingEnd.add(m.id);
      void whenEnds(m.id)
        .then(() => {
          this.#awaitingEnd.delete(m.id);
          return this.reload(conversationId);
        })
        .catch(this.#options.report);
    }
    if (cutOff.length === 0) return loaded;
    let stored: Message[];
    try {
      stored = await this.#options.store.interruptStreaming(cutOff);
    } catch (error) {
      // Not written: shown as interrupted all the same; the next open tries again.
      this.#options.report(error);
      stored = loaded
        .filter((m) => cutOff.includes(m.id))
        .map((m) => ({ ...m, status: 'interrupted' }));
    }
    const now = new Map(stored.map((m) => [m.id, m]));
    return loaded.map((m) => now.get(m.id) ?? m);
  }
}
