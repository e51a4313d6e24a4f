/**
 * Full-text search over every conversation, as it runs inside the search worker (worker.ts).
 * Storage is injected, so unit tests run it on fake-indexeddb.
 *
 * - The index is kept in shards of about SHARD_DOCS messages. A query asks the shards holding the
 *   most recently active conversations first and stops once it has enough verified hits, so the
 *   first results arrive in about the time one shard takes, whatever the size of the history
 *   (one MiniSearch over 200,000 messages takes several hundred ms per common word).
 * - Changes arrive as conversation ids (the ChangeFeed names records, never carries them): each
 *   named conversation is read back and only the messages whose text changed are re-indexed.
 * - Saved shards and records (search-store.ts) are loaded at start, and the conversations written
 *   after they were read (the `changes` records) are read again: a reload never rebuilds all.
 * - Until a conversation is indexed (first build, catching up), a plain scan of its stored
 *   messages answers for it, so results are complete from the first keystroke.
 * - Several tabs may each run a worker; only the one holding the persist lock saves, so saved
 *   shards and records always come from one consistent index.
 */
import type { Conversation, Message, Role } from '../domain/types';
import type {
  IndexedConversation,
  MessageSource,
  SavedShard,
  SearchStore,
} from '../storage/search-store';
import { ALL_CONVERSATIONS } from '../storage/search-store';
import { SearchIndex, titleDocId, titleOf, type IndexHit } from './index';
import {
  matchRanges,
  mayMatch,
  parseQuery,
  passage,
  toIndexQuery,
  type PassagePiece,
} from './text';

export interface SearchHit {
  conversationId: string;
  conversationTitle: string;
  /** Null when the title matched. */
  messageId: string | null;
  role: Role | null;
  pieces: PassagePiece[];
  /** The message's time (the conversation's last activity for a title). */
  at: number;
}

export interface EngineOptions {
  source: MessageSource;
  store: SearchStore;
  now?: () => number;
  /** Calls back once this engine may save (the lock is held until the worker ends). */
  acquirePersistLock?: (onAcquired: () => void) => void;
  /** How long after the last change saving waits (a streaming reply changes every second). */
  persistDelayMs?: number;
  /**
   * How long a changed conversation must stay unchanged before it is read again in the
   * background: a streaming reply is written twice a second, and re-indexing its whole text each
   * time took the CPU its page needed to draw (a query meanwhile reads it at once, or scans it).
   */
  quietMs?: number;
  shardDocs?: number;
}

interface Shard {
  id: string;
  index: SearchIndex;
  /** Highest conversation updatedAt in it: queries ask the most recent shards first. */
  recency: number;
}

const SHARD_DOCS = 2_000;
/** Candidates taken from one shard before verification. */
const CANDIDATES = 200;
export const DEFAULT_LIMIT = 50;
/** Conversations read ahead while one is scanned. */
const READ_AHEAD = 4;

export interface SearchOptions {
  /** At most this many hits (DEFAULT_LIMIT). */
  limit?: number;
  /** A query superseded by a newer one stops early: nobody reads its answer. */
  isStale?: () => boolean;
  /** Conversations whose hits are not wanted (the sidebar already lists them by title). */
  exclude?: ReadonlySet<string>;
}

/** Passages shown per conversation: a long one full of the word must not fill the list. */
const PER_CONVERSATION = 3;

function signature(message: Message): string {
  return `${message.updatedAt}:${message.content.length}`;
}

/** Indexed and scanned alike: what a person reads of a message (reasoning excluded). */
function isSearchable(message: Message): boolean {
  return message.content.trim() !== '';
}

export class SearchEngine {
  readonly #source: MessageSource;
  readonly #store: SearchStore;
  readonly #now: () => number;
  readonly #shardDocs: number;
  readonly #persistDelayMs: number;
  readonly #quietMs: number;
  #quietTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #shards = new Map<string, Shard>();
  readonly #indexed = new Map<string, IndexedConversation>();
  /** Every stored conversation as last read (title and activity for results and ordering). */
  readonly #known = new Map<string, Conversation>();
  /** Conversations to read again; until then a scan answers for them. */
  readonly #pending = new Set<string>();
  readonly #changedShards = new Set<string>();
  readonly #changedRecords = new Set<string>();
  readonly #removedShards = new Set<string>();
  readonly #removedRecords = new Set<string>();
  #hasList = false;
  #mayPersist = false;
  #draining: Promise<void> | null = null;
  /** The conversation being read right now (no longer pending, not indexed yet). */
  #syncing: string | null = null;
  /** Searches answering now: the background build waits for them (see #afterSearches). */
  #searches = 0;
  #whenSearchesEnd: (() => void)[] = [];
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #shardCounter = 0;
  /** Resolves once the saved index is loaded and the conversation list read (queries wait). */
  readonly #listed: Promise<void>;
  /** Resolves once every conversation the start found waiting is indexed. */
  readonly started: Promise<void>;

  constructor(options: EngineOptions) {
    this.#source = options.source;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#shardDocs = options.shardDocs ?? SHARD_DOCS;
    this.#persistDelayMs = options.persistDelayMs ?? 3_000;
    this.#quietMs = options.quietMs ?? 1_500;
    const acquire = options.acquirePersistLock ?? ((onAcquired) => onAcquired());
    this.#listed = this.#list();
    this.started = this.#listed.then(() => this.#drain());
    acquire(() => {
      void this.started.then(
        () => {
          this.#mayPersist = true;
          // What was saved came from whichever tab held the lock before: save all of this index.
          for (const id of this.#shards.keys()) this.#changedShards.add(id);
          for (const id of this.#indexed.keys()) this.#changedRecords.add(id);
          this.#schedulePersist();
        },
        // Failing to start is reported to each search; nothing to save then.
        () => undefined,
      );
    });
  }

  /** True once every conversation is in the index (nothing is answered by scanning). */
  get isCaughtUp(): boolean {
    return this.#hasList && this.#pending.size === 0 && this.#draining === null;
  }

  async #list(): Promise<void> {
    const [shards, indexed, changes, conversations] = await Promise.all([
      this.#store.loadShards().catch(() => []),
      this.#store.loadIndexed().catch(() => []),
      this.#store.loadChanges().catch(() => new Map<string, number>()),
      this.#source.listConversations(),
    ]);
    for (const conversation of conversations) this.#known.set(conversation.id, conversation);
    this.#hasList = true;
    this.#loadSaved(shards, indexed);
    const everything = changes.get(ALL_CONVERSATIONS) ?? -Infinity;
    for (const record of this.#indexed.values()) {
      if (!this.#known.has(record.id)) this.#drop(record.id);
    }
    for (const conversation of conversations) {
      const record = this.#indexed.get(conversation.id);
      const changedAt = Math.max(changes.get(conversation.id) ?? -Infinity, everything);
      if (!record || changedAt >= record.readAt) this.#pending.add(conversation.id);
    }
  }

  /** Takes the saved index if it reads back whole; anything damaged is dropped and rebuilt. */
  #loadSaved(shards: SavedShard[], indexed: IndexedConversation[]): void {
    for (const saved of shards) {
      try {
        this.#shards.set(saved.id, {
          id: saved.id,
          index: SearchIndex.fromJSON(saved.json),
          recency: 0,
        });
      } catch {
        this.#removedShards.add(saved.id);
      }
    }
    for (const record of indexed) {
      const shard = this.#shards.get(record.shard);
      if (!shard) {
        this.#removedRecords.add(record.id);
        continue;
      }
      this.#indexed.set(record.id, record);
      shard.recency = Math.max(shard.recency, record.updatedAt);
    }
  }

  /**
   * Conversations were written (`'all'`: an import, read again at once). Read again in the
   * background once their writes pause for `quietMs`.
   */
  changed(ids: readonly string[] | 'all'): void {
    const named = ids === 'all' ? [...this.#known.keys()] : ids;
    for (const id of named) this.#pending.add(id);
    if (ids === 'all') {
      // An import may have added conversations this engine never heard of.
      void this.started
        .then(() => this.#source.listConversations())
        .then((list) => {
          for (const conversation of list) this.#pending.add(conversation.id);
          return this.#drain();
        })
        .catch(() => undefined);
      return;
    }
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => {
      void this.started.then(() => this.#drain()).catch(() => undefined);
    }, this.#quietMs);
  }

  /** Reads every pending conversation, most recently active first. Resolves when none is left. */
  #drain(): Promise<void> {
    if (this.#draining) return this.#draining;
    // With nothing to read, the body below would finish (and clear `#draining`) before the
    // assignment, which would then leave `#draining` set for good: nothing read again after.
    if (this.#pending.size === 0) return Promise.resolve();
    this.#draining = (async () => {
      try {
        while (this.#pending.size > 0) {
          await this.#afterSearches();
          if (this.#pending.size === 0) break;
          const id = this.#nextPending();
          this.#pending.delete(id);
          this.#syncing = id;
          try {
            await this.#sync(id);
          } catch {
            // A failed read (the database closing) leaves the conversation to the next change
            // or load; the saved record still says it was read before, so it is read again then.
          }
        }
      } finally {
        this.#syncing = null;
        this.#draining = null;
      }
      this.#schedulePersist();
    })();
    return this.#draining;
  }

  /**
   * Resolves once no search is answering. Indexing a conversation is CPU work the worker's one
   * thread would otherwise do between a search's reads, which made the first query on a large
   * history unbuilt (the scan answers, a few reads) wait for many conversations' indexing.
   */
  async #afterSearches(): Promise<void> {
    while (this.#searches > 0) {
      await new Promise<void>((resolve) => this.#whenSearchesEnd.push(resolve));
    }
  }

  #nextPending(): string {
    let best: string | undefined;
    let bestAt = -Infinity;
    for (const id of this.#pending) {
      const at = this.#known.get(id)?.updatedAt ?? Infinity;
      if (at > bestAt) {
        best = id;
        bestAt = at;
      }
    }
    return best ?? (this.#pending.values().next().value as string);
  }

  /** Reads one conversation and brings its part of the index up to date. */
  async #sync(id: string): Promise<void> {
    const readAt = this.#now();
    const conversation = await this.#source.getConversation(id);
    if (!conversation) {
      this.#known.delete(id);
      this.#drop(id);
      return;
    }
    const messages = await this.#source.listMessages(id);
    this.#known.set(id, conversation);
    const previous = this.#indexed.get(id);
    const shard = (previous && this.#shards.get(previous.shard)) ?? this.#openShard();
    const indexedMessages: Record<string, string> = {};
    for (const message of messages) {
      if (message.conversationId !== id) continue;
      const sign = signature(message);
      indexedMessages[message.id] = sign;
      if (previous?.messages[message.id] === sign) continue;
      if (isSearchable(message)) {
        shard.index.put({ id: message.id, conversationId: id, text: message.content });
      } else shard.index.remove(message.id);
    }
    for (const old of Object.keys(previous?.messages ?? {})) {
      if (!(old in indexedMessages)) shard.index.remove(old);
    }
    if (previous?.title !== conversation.title) {
      if (conversation.title.trim() === '') shard.index.remove(titleDocId(id));
      else shard.index.put({ id: titleDocId(id), conversationId: id, text: conversation.title });
    }
    this.#indexed.set(id, {
      id,
      shard: shard.id,
      readAt,
      title: conversation.title,
      updatedAt: conversation.updatedAt,
      messages: indexedMessages,
    });
    shard.recency = Math.max(shard.recency, conversation.updatedAt);
    this.#changedShards.add(shard.id);
    this.#changedRecords.add(id);
  }

  /** A shard with room, or a new one. */
  #openShard(): Shard {
    let best: Shard | undefined;
    for (const shard of this.#shards.values()) {
      if (shard.index.size < this.#shardDocs && (!best || shard.index.size < best.index.size)) {
        best = shard;
      }
    }
    if (best) return best;
    this.#shardCounter += 1;
    const id = `${this.#now().toString(36)}-${this.#shardCounter.toString(36)}`;
    const shard: Shard = { id, index: new SearchIndex(), recency: 0 };
    this.#shards.set(id, shard);
    return shard;
  }

  /** Forgets a conversation that is no longer stored. */
  #drop(id: string): void {
    const record = this.#indexed.get(id);
    if (!record) return;
    const shard = this.#shards.get(record.shard);
    if (shard) {
      for (const messageId of Object.keys(record.messages)) shard.index.remove(messageId);
      shard.index.remove(titleDocId(id));
      this.#changedShards.add(shard.id);
    }
    this.#indexed.delete(id);
    this.#changedRecords.delete(id);
    this.#removedRecords.add(id);
  }

  #schedulePersist(): void {
    if (!this.#mayPersist) return;
    clearTimeout(this.#persistTimer);
    this.#persistTimer = setTimeout(
      () => void this.persist().catch(() => undefined),
      this.#persistDelayMs,
    );
  }

  /** Saves what changed since the last save (only with the persist lock). */
  async persist(): Promise<void> {
    clearTimeout(this.#persistTimer);
    if (!this.#mayPersist) return;
    for (const shard of this.#shards.values()) {
      if (
        shard.index.size === 0 &&
        ![...this.#indexed.values()].some((r) => r.shard === shard.id)
      ) {
        this.#shards.delete(shard.id);
        this.#changedShards.delete(shard.id);
        this.#removedShards.add(shard.id);
      }
    }
    const shards: SavedShard[] = [];
    for (const id of this.#changedShards) {
      const shard = this.#shards.get(id);
      if (shard) shards.push({ id, json: shard.index.toJSON() });
    }
    const indexed = [...this.#changedRecords].flatMap((id) => this.#indexed.get(id) ?? []);
    const update = {
      shards,
      indexed,
      removedShards: [...this.#removedShards],
      removedIndexed: [...this.#removedRecords],
    };
    this.#changedShards.clear();
    this.#changedRecords.clear();
    this.#removedShards.clear();
    this.#removedRecords.clear();
    try {
      await this.#store.save(update);
    } catch (error) {
      // Saved next time instead (a full disk may have room later).
      for (const shard of shards) this.#changedShards.add(shard.id);
      for (const record of indexed) this.#changedRecords.add(record.id);
      for (const id of update.removedShards) this.#removedShards.add(id);
      for (const id of update.removedIndexed) this.#removedRecords.add(id);
      throw error;
    }
  }

  /**
   * Hits for what was typed, most recently active conversations first, each verified against
   * the stored text. Conversations not indexed yet are scanned.
   */
  async search(input: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const { limit = DEFAULT_LIMIT, isStale = () => false, exclude = new Set<string>() } = options;
    const query = parseQuery(input);
    const indexQuery = toIndexQuery(query);
    if (!indexQuery) return [];
    await this.#whenListed();
    // A few conversations just written (a message sent a moment ago) are read first, so the
    // answer includes them; a long catch-up is scanned instead of waited for.
    const outstanding = this.#pending.size + (this.#syncing === null ? 0 : 1);
    if (this.#hasList && outstanding > 0 && outstanding <= 8) await this.#drain();
    // Counted only after the wait above, which needs the build to run.
    this.#searches += 1;
    try {
      return await this.#answer(query, indexQuery, limit, exclude, isStale);
    } finally {
      this.#searches -= 1;
      if (this.#searches === 0) for (const resume of this.#whenSearchesEnd.splice(0)) resume();
    }
  }

  async #answer(
    query: ReturnType<typeof parseQuery>,
    indexQuery: NonNullable<ReturnType<typeof toIndexQuery>>,
    limit: number,
    exclude: ReadonlySet<string>,
    isStale: () => boolean,
  ): Promise<SearchHit[]> {
    const hits = new HitList(limit, exclude);
    const unindexed = new Set(
      [...this.#known.keys()].filter(
        (id) => this.#pending.has(id) || this.#syncing === id || !this.#indexed.has(id),
      ),
    );
    const shards = [...this.#shards.values()].sort((a, b) => b.recency - a.recency);
    for (const shard of shards) {
      if (isStale()) return hits.list;
      const candidates = shard.index
        .search(indexQuery, CANDIDATES)
        .filter((hit) => !unindexed.has(hit.conversationId) && hits.wants(hit.conversationId));
      await this.#verify(candidates, query, hits);
      if (hits.isFull) return hits.list;
    }
    const byRecency = [...unindexed].sort(
      (a, b) => (this.#known.get(b)?.updatedAt ?? 0) - (this.#known.get(a)?.updatedAt ?? 0),
    );
    // The next few conversations are read while one is searched: one read at a time would add
    // a database round trip per conversation.
    const reads = new Map<string, Promise<Message[]>>();
    const read = (id: string): Promise<Message[]> => {
      let messages = reads.get(id);
      if (!messages) {
        messages = this.#source.listMessages(id);
        // Awaited below if it is searched; one never searched may fail unheard.
        messages.catch(() => undefined);
        reads.set(id, messages);
      }
      return messages;
    };
    for (const [at, id] of byRecency.entries()) {
      if (isStale() || hits.isFull) return hits.list;
      if (!hits.wants(id)) continue;
      for (const next of byRecency.slice(at + 1, at + 1 + READ_AHEAD)) {
        if (hits.wants(next)) void read(next);
      }
      await this.#scan(id, read(id), query, hits);
      reads.delete(id);
    }
    return hits.list;
  }

  /**
   * The conversation list is read at start; a query before that waits for it, not for the build
   * (what is not indexed yet is scanned).
   */
  async #whenListed(): Promise<void> {
    if (this.#hasList) return;
    try {
      await this.#listed;
    } catch {
      // Reported by the worker; searching what is known is still better than nothing.
    }
  }

  async #verify(
    candidates: IndexHit[],
    query: ReturnType<typeof parseQuery>,
    hits: HitList,
  ): Promise<void> {
    const messageIds = candidates.filter((c) => titleOf(c.id) === null).map((c) => c.id);
    const messages = new Map<string, Message>();
    if (messageIds.length > 0) {
      const read = await this.#source.getMessages(messageIds);
      for (const message of read) if (message) messages.set(message.id, message);
    }
    for (const candidate of candidates) {
      if (hits.isFull) return;
      if (!hits.wants(candidate.conversationId)) continue;
      const conversation = this.#known.get(candidate.conversationId);
      if (!conversation) continue;
      if (titleOf(candidate.id) !== null) {
        const hit = titleHit(conversation, query);
        if (hit) hits.push(hit);
        continue;
      }
      const message = messages.get(candidate.id);
      if (!message || message.conversationId !== conversation.id) continue;
      const hit = messageHit(conversation, message, query);
      if (hit) hits.push(hit);
    }
  }

  async #scan(
    id: string,
    read: Promise<Message[]>,
    query: ReturnType<typeof parseQuery>,
    hits: HitList,
  ): Promise<void> {
    const conversation = this.#known.get(id);
    if (!conversation) return;
    const title = titleHit(conversation, query);
    if (title) hits.push(title);
    const messages = await read;
    messages.sort((a, b) => b.createdAt - a.createdAt);
    for (const message of messages) {
      if (!hits.wants(id)) return;
      if (!isSearchable(message)) continue;
      const hit = messageHit(conversation, message, query);
      if (hit) hits.push(hit);
    }
  }
}

/** Hits collected so far, within the limits. */
class HitList {
  readonly list: SearchHit[] = [];
  readonly #limit: number;
  readonly #exclude: ReadonlySet<string>;
  readonly #perConversation = new Map<string, number>();

  constructor(limit: number, exclude: ReadonlySet<string>) {
    this.#limit = limit;
    this.#exclude = exclude;
  }

  get isFull(): boolean {
    return this.list.length >= this.#limit;
  }

  /** Whether another hit from this conversation would be kept. */
  wants(conversationId: string): boolean {
    return (
      !this.isFull &&
      !this.#exclude.has(conversationId) &&
      (this.#perConversation.get(conversationId) ?? 0) < PER_CONVERSATION
    );
  }

  push(hit: SearchHit): void {
    if (!this.wants(hit.conversationId)) return;
    this.list.push(hit);
    this.#perConversation.set(
      hit.conversationId,
      (this.#perConversation.get(hit.conversationId) ?? 0) + 1,
    );
  }
}

function titleHit(
  conversation: Conversation,
  query: ReturnType<typeof parseQuery>,
): SearchHit | null {
  const ranges = conversation.title === '' ? null : matchRanges(conversation.title, query);
  if (!ranges) return null;
  return {
    conversationId: conversation.id,
    conversationTitle: conversation.title,
    messageId: null,
    role: null,
    pieces: passage(conversation.title, ranges),
    at: conversation.updatedAt,
  };
}

function messageHit(
  conversation: Conversation,
  message: Message,
  query: ReturnType<typeof parseQuery>,
): SearchHit | null {
  const ranges = mayMatch(message.content, query) ? matchRanges(message.content, query) : null;
  if (!ranges) return null;
  return {
    conversationId: conversation.id,
    conversationTitle: conversation.title,
    messageId: message.id,
    role: message.role,
    pieces: passage(message.content, ranges),
    at: message.createdAt,
  };
}
