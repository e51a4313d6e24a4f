/**
 * Storage for full-text search (src/lib/search): the saved index in a database of its own,
 * `parley-search`, and a read-only view of Parley's messages for the search worker.
 *
 * The index is derived data: it lives apart from the person's data so that it can be thrown away
 * and rebuilt at any time (a damaged or unreadable record is simply rebuilt), and so that its
 * schema never needs a migration of `parley` itself. Its records:
 * - `shards`: the index in parts (a few dozen conversations each), serialized by MiniSearch, so
 *   that a change rewrites one part and not the whole index;
 * - `conversations`: per indexed conversation, which shard holds it, when it was last read and
 *   what of it was indexed (message ids with a signature of their text);
 * - `changes`: per conversation, when a write last touched it (`'*'`: an import, which may have
 *   touched any). Every tab records its own writes here whether or not its index is loaded, so
 *   an index saved by any tab, at any time, catches up on load by re-reading the conversations
 *   changed after it read them. One record per conversation: the store stays small.
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { Conversation, Message } from '../domain/types';
import { openConnection } from './connection';
import { StorageError, toStorageError } from './errors';
import { normalizeConversation, normalizeMessage } from './normalize';
import {
  CONVERSATIONS,
  DB_NAME,
  MESSAGES,
  MESSAGES_BY_CONVERSATION,
  type ParleyDB,
} from './schema';

// Changing these names or SEARCH_DB_VERSION needs an upgrade step below. Since everything here is
// derived, an upgrade may simply delete the old stores and start over.
export const SEARCH_DB_NAME = 'parley-search';
export const SEARCH_DB_VERSION = 1;
const SHARDS = 'shards';
const INDEXED = 'conversations';
const CHANGES = 'changes';
/** The `changes` key of a write that may have touched any conversation (an import). */
export const ALL_CONVERSATIONS = '*';

export interface SavedShard {
  id: string;
  /** MiniSearch's JSON. */
  json: string;
}

/** What the index holds of one conversation. */
export interface IndexedConversation {
  id: string;
  shard: string;
  /** When the conversation was read to index it: a change at or after this is not in it. */
  readAt: number;
  title: string;
  /** The conversation's last activity, to search the most recent conversations first. */
  updatedAt: number;
  /** Message id → signature of the indexed text (`updatedAt:length`). */
  messages: Record<string, string>;
}

interface SearchDB extends DBSchema {
  [SHARDS]: { key: string; value: SavedShard };
  [INDEXED]: { key: string; value: IndexedConversation };
  [CHANGES]: { key: string; value: { id: string; at: number } };
}

export interface SearchStore {
  loadShards(): Promise<SavedShard[]>;
  loadIndexed(): Promise<IndexedConversation[]>;
  /** When each conversation was last written (and `ALL_CONVERSATIONS`, if ever). */
  loadChanges(): Promise<Map<string, number>>;
  /** Writes changed shards and conversation records, and removes dropped ones, atomically. */
  save(update: {
    shards: SavedShard[];
    indexed: IndexedConversation[];
    removedShards: string[];
    removedIndexed: string[];
  }): Promise<void>;
  /** Notes that these conversations were written at `at` (see the header). */
  recordChanges(ids: readonly string[], at: number): Promise<void>;
  /** Forgets the saved index (shards and records, not the changes): the next load rebuilds. */
  clearIndex(): Promise<void>;
  close(): void;
}

export interface SearchStoreOptions {
  /** Tests use their own. */
  name?: string;
  indexedDB?: IDBFactory;
}

function factoryOf(options: SearchStoreOptions): IDBFactory {
  const factory = options.indexedDB ?? (typeof indexedDB === 'undefined' ? undefined : indexedDB);
  if (!factory) throw new StorageError('unavailable', 'IndexedDB is not available.');
  return factory;
}

export async function openSearchStore(options: SearchStoreOptions = {}): Promise<SearchStore> {
  try {
    const request = factoryOf(options).open(options.name ?? SEARCH_DB_NAME, SEARCH_DB_VERSION);
    request.addEventListener('upgradeneeded', () => {
      const db = wrap(request.result) as unknown as IDBPDatabase<SearchDB>;
      // Derived data: whatever an older version kept is dropped and rebuilt.
      for (const name of [...db.objectStoreNames]) db.deleteObjectStore(name);
      db.createObjectStore(SHARDS, { keyPath: 'id' });
      db.createObjectStore(INDEXED, { keyPath: 'id' });
      db.createObjectStore(CHANGES, { keyPath: 'id' });
    });
    const db = (await wrap(request)) as unknown as IDBPDatabase<SearchDB>;
    closeOnVersionChange(db);
    return new IdbSearchStore(db);
  } catch (error) {
    throw toStorageError(error);
  }
}

/** Lets "Delete all data" (or a newer Parley) proceed instead of waiting on this connection. */
function closeOnVersionChange(db: {
  close(): void;
  addEventListener(type: 'versionchange', listener: () => void): void;
}) {
  db.addEventListener('versionchange', () => db.close());
}

class IdbSearchStore implements SearchStore {
  readonly #db: IDBPDatabase<SearchDB>;

  constructor(db: IDBPDatabase<SearchDB>) {
    this.#db = db;
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error);
    }
  }

  loadShards(): Promise<SavedShard[]> {
    return this.#run(async () => {
      const shards = await this.#db.getAll(SHARDS);
      return shards.filter((shard) => typeof shard.json === 'string');
    });
  }

  loadIndexed(): Promise<IndexedConversation[]> {
    return this.#run(async () => (await this.#db.getAll(INDEXED)).filter(isIndexed));
  }

  loadChanges(): Promise<Map<string, number>> {
    return this.#run(async () => {
      const changes = new Map<string, number>();
      for (const { id, at } of await this.#db.getAll(CHANGES)) {
        if (typeof at === 'number') changes.set(id, at);
      }
      return changes;
    });
  }

  save(update: {
    shards: SavedShard[];
    indexed: IndexedConversation[];
    removedShards: string[];
    removedIndexed: string[];
  }): Promise<void> {
    return this.#run(async () => {
      const tx = this.#db.transaction([SHARDS, INDEXED], 'readwrite');
      const shards = tx.objectStore(SHARDS);
      const indexed = tx.objectStore(INDEXED);
      const writes: Promise<unknown>[] = [
        ...update.shards.map((shard) => shards.put(shard)),
        ...update.removedShards.map((id) => shards.delete(id)),
        ...update.indexed.map((record) => indexed.put(record)),
        ...update.removedIndexed.map((id) => indexed.delete(id)),
      ];
      await Promise.all([...writes, tx.done]);
    });
  }

  recordChanges(ids: readonly string[], at: number): Promise<void> {
    return this.#run(async () => {
      const tx = this.#db.transaction(CHANGES, 'readwrite');
      const changes = tx.objectStore(CHANGES);
      await Promise.all([...ids.map((id) => changes.put({ id, at })), tx.done]);
    });
  }

  clearIndex(): Promise<void> {
    return this.#run(async () => {
      const tx = this.#db.transaction([SHARDS, INDEXED], 'readwrite');
      await Promise.all([tx.objectStore(SHARDS).clear(), tx.objectStore(INDEXED).clear(), tx.done]);
    });
  }

  close(): void {
    this.#db.close();
  }
}

/** Records on disk may come from an older Parley or a damaged disk: checked field by field. */
function isIndexed(stored: IndexedConversation): boolean {
  const record = stored as { readonly [K in keyof IndexedConversation]?: unknown };
  return (
    typeof record.shard === 'string' &&
    typeof record.readAt === 'number' &&
    typeof record.title === 'string' &&
    typeof record.updatedAt === 'number' &&
    typeof record.messages === 'object' &&
    record.messages !== null
  );
}

/** What the search worker reads of Parley's own data. Read-only. */
export interface MessageSource {
  listConversations(): Promise<Conversation[]>;
  getConversation(id: string): Promise<Conversation | undefined>;
  listMessages(conversationId: string): Promise<Message[]>;
  /** In the order asked for; `undefined` where a message no longer exists. */
  getMessages(ids: readonly string[]): Promise<(Message | undefined)[]>;
  close(): void;
}

/**
 * Opens Parley's database for reading (the page has opened, and if need be upgraded, it before
 * any search runs). Closes on `versionchange` like the page's own connection does.
 */
export async function openMessageSource(options: SearchStoreOptions = {}): Promise<MessageSource> {
  try {
    const db = await openConnection(factoryOf(options), options.name ?? DB_NAME, () => undefined);
    closeOnVersionChange(db);
    return new IdbMessageSource(db);
  } catch (error) {
    throw toStorageError(error);
  }
}

class IdbMessageSource implements MessageSource {
  readonly #db: IDBPDatabase<ParleyDB>;

  constructor(db: IDBPDatabase<ParleyDB>) {
    this.#db = db;
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error);
    }
  }

  listConversations(): Promise<Conversation[]> {
    return this.#run(async () => (await this.#db.getAll(CONVERSATIONS)).map(normalizeConversation));
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return this.#run(async () => {
      const stored = await this.#db.get(CONVERSATIONS, id);
      return stored && normalizeConversation(stored);
    });
  }

  listMessages(conversationId: string): Promise<Message[]> {
    return this.#run(async () => {
      const stored = await this.#db.getAllFromIndex(
        MESSAGES,
        MESSAGES_BY_CONVERSATION,
        conversationId,
      );
      return stored.map(normalizeMessage);
    });
  }

  getMessages(ids: readonly string[]): Promise<(Message | undefined)[]> {
    return this.#run(async () => {
      const store = this.#db.transaction(MESSAGES, 'readonly').objectStore(MESSAGES);
      const stored = await Promise.all(ids.map((id) => store.get(id)));
      return stored.map((message) => message && normalizeMessage(message));
    });
  }

  close(): void {
    this.#db.close();
  }
}
