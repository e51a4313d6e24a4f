/**
 * The storage API the rest of Parley uses: conversations, messages, settings and presets, each
 * call its own transaction. Writes resolve once committed. Every method rejects only with a StorageError,
 * so the UI can say "Storage is full" rather than crash. Reads are normalised (normalize.ts);
 * writes are plain copies (plain.ts).
 */
import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { Conversation, Message, Preset, Settings } from '../domain/types';
import { openConnection } from './connection';
import { StorageError, toStorageError } from './errors';
import {
  normalizeConversation,
  normalizeMessage,
  normalizePreset,
  normalizeSettings,
} from './normalize';
import { toPlain } from './plain';
import {
  CONVERSATIONS,
  DB_NAME,
  MESSAGES,
  MESSAGES_BY_CONVERSATION,
  PRESETS,
  SETTINGS,
  SETTINGS_KEY,
} from './schema';
import type { ParleyDB } from './schema';

export interface ParleyStore {
  /** Normalised, most recent activity first (updatedAt descending). */
  listConversations(): Promise<Conversation[]>;
  getConversation(id: string): Promise<Conversation | undefined>;
  putConversation(conversation: Conversation): Promise<void>;
  /**
   * Deletes the conversation and all its messages in ONE transaction. Returns what was deleted
   * so the caller can offer undo, or `undefined` (and deletes nothing) if there is no such
   * conversation.
   */
  deleteConversation(
    id: string,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined>;
  /** Puts a conversation and its messages back in one transaction (undo of delete, later: import). */
  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void>;
  /** Normalised, ordered by createdAt, then id. */
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  /**
   * Puts several messages and optionally the conversation in one transaction (e.g. a sent user
   * message + the new reply placeholder + the conversation's updatedAt/currentLeafId).
   */
  putMessages(messages: Message[], conversation?: Conversation): Promise<void>;
  deleteMessages(ids: string[]): Promise<void>;
  /** Normalised with DEFAULT_SETTINGS: a fresh database reads as the defaults. */
  getSettings(): Promise<Settings>;
  putSettings(settings: Settings): Promise<void>;
  /** The person's own presets, normalised, in no particular order (state sorts them by name). */
  listPresets(): Promise<Preset[]>;
  putPreset(preset: Preset): Promise<void>;
  /** Deleting a preset that does not exist does nothing. */
  deletePreset(id: string): Promise<void>;
  close(): void;
}

export interface OpenStoreOptions {
  /** Database name; tests use their own. Defaults to DB_NAME. */
  name?: string;
  /** Defaults to the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** An older tab keeps the database open at an older version; opening waits until it closes. */
  onBlocked?: () => void;
  /**
   * Another tab needs to upgrade (or delete) the database. This connection has already closed so
   * as not to block it; further calls reject with kind 'blocked'. Tell the user to reload.
   */
  onVersionChange?: () => void;
}

/** Callers pass plain objects (`$state.snapshot(...)`); writes also copy defensively, see plain.ts. */
export async function openStore(options: OpenStoreOptions = {}): Promise<ParleyStore> {
  const factory = options.indexedDB ?? globalIndexedDB();
  if (!factory) {
    throw new StorageError('unavailable', 'IndexedDB is not available in this browser.');
  }
  try {
    const db = await openConnection(factory, options.name ?? DB_NAME, () => options.onBlocked?.());
    return new IdbStore(db, options.onVersionChange);
  } catch (error) {
    throw toStorageError(error);
  }
}

/** Undefined where IndexedDB is missing (Node, some embedded webviews, disabled by policy). */
function globalIndexedDB(): IDBFactory | undefined {
  return typeof indexedDB === 'undefined' ? undefined : indexedDB;
}

type StoreName = StoreNames<ParleyDB>;
type Transaction<Names extends StoreName[]> = IDBPTransaction<ParleyDB, Names, 'readwrite'>;

class IdbStore implements ParleyStore {
  readonly #db: IDBPDatabase<ParleyDB>;
  /** Set once the connection is gone for good; every later call rejects with it. */
  #lost: StorageError | undefined;

  constructor(db: IDBPDatabase<ParleyDB>, onVersionChange?: () => void) {
    this.#db = db;
    // Closing at once lets a newer Parley in another tab upgrade instead of hanging on `blocked`.
    db.addEventListener('versionchange', () => {
      db.close();
      this.#lost = new StorageError(
        'blocked',
        'The database was closed so that another tab can upgrade or delete it. Reload.',
      );
      onVersionChange?.();
    });
    // Fired only on abnormal closes: the user cleared site data, or the disk failed.
    db.addEventListener('close', () => {
      this.#lost = new StorageError('unavailable', 'The browser closed the database connection.');
    });
  }

  listConversations(): Promise<Conversation[]> {
    // getAll + sort rather than the by-updatedAt index: a record whose updatedAt is missing or
    // not a valid key (imported, or damaged) is left out of that index and would vanish here.
    return this.#use(async (db) => {
      const stored = await db.getAll(CONVERSATIONS);
      return stored.map(normalizeConversation).sort(byRecentActivity);
    });
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return this.#use(async (db) => {
      const stored = await db.get(CONVERSATIONS, id);
      return stored && normalizeConversation(stored);
    });
  }

  putConversation(conversation: Conversation): Promise<void> {
    return this.#write([CONVERSATIONS], (tx) => {
      issue(tx.objectStore(CONVERSATIONS).put(toPlain(conversation)));
    });
  }

  deleteConversation(
    id: string,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined> {
    return this.#transact([CONVERSATIONS, MESSAGES], async (tx) => {
      const conversations = tx.objectStore(CONVERSATIONS);
      const messages = tx.objectStore(MESSAGES);
      const [conversation, children] = await Promise.all([
        conversations.get(id),
        messages.index(MESSAGES_BY_CONVERSATION).getAll(id),
      ]);
      if (!conversation) return undefined;
      issue(conversations.delete(id));
      for (const message of children) issue(messages.delete(message.id));
      return {
        conversation: normalizeConversation(conversation),
        messages: children.map(normalizeMessage).sort(byCreation),
      };
    });
  }

  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void> {
    return this.#write([CONVERSATIONS, MESSAGES], (tx) => {
      issue(tx.objectStore(CONVERSATIONS).put(toPlain(conversation)));
      putAll(tx.objectStore(MESSAGES), messages);
    });
  }

  listMessages(conversationId: string): Promise<Message[]> {
    return this.#use(async (db) => {
      const stored = await db.getAllFromIndex(MESSAGES, MESSAGES_BY_CONVERSATION, conversationId);
      return stored.map(normalizeMessage).sort(byCreation);
    });
  }

  putMessage(message: Message): Promise<void> {
    return this.putMessages([message]);
  }

  putMessages(messages: Message[], conversation?: Conversation): Promise<void> {
    if (!conversation) {
      return this.#write([MESSAGES], (tx) => {
        putAll(tx.objectStore(MESSAGES), messages);
      });
    }
    return this.#write([CONVERSATIONS, MESSAGES], (tx) => {
      issue(tx.objectStore(CONVERSATIONS).put(toPlain(conversation)));
      putAll(tx.objectStore(MESSAGES), messages);
    });
  }

  deleteMessages(ids: string[]): Promise<void> {
    return this.#write([MESSAGES], (tx) => {
      const messages = tx.objectStore(MESSAGES);
      for (const id of ids) issue(messages.delete(id));
    });
  }

  getSettings(): Promise<Settings> {
    return this.#use(async (db) => normalizeSettings(await db.get(SETTINGS, SETTINGS_KEY)));
  }

  putSettings(settings: Settings): Promise<void> {
    return this.#write([SETTINGS], (tx) => {
      issue(tx.objectStore(SETTINGS).put(toPlain(settings), SETTINGS_KEY));
    });
  }

  listPresets(): Promise<Preset[]> {
    return this.#use(async (db) => (await db.getAll(PRESETS)).map(normalizePreset));
  }

  putPreset(preset: Preset): Promise<void> {
    return this.#write([PRESETS], (tx) => {
      issue(tx.objectStore(PRESETS).put(toPlain(preset)));
    });
  }

  deletePreset(id: string): Promise<void> {
    return this.#write([PRESETS], (tx) => {
      issue(tx.objectStore(PRESETS).delete(id));
    });
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `operation` on the live connection; whatever it throws becomes a StorageError. */
  async #use<T>(operation: (db: IDBPDatabase<ParleyDB>) => Promise<T>): Promise<T> {
    if (this.#lost) throw this.#lost;
    try {
      return await operation(this.#db);
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /** A read-write transaction that only issues requests (see `issue`). */
  #write<Names extends StoreName[]>(
    names: Names,
    issueRequests: (tx: Transaction<Names>) => void,
  ): Promise<void> {
    return this.#transact(names, (tx) => {
      issueRequests(tx);
      return Promise.resolve();
    });
  }

  /**
   * Runs `work` in one read-write transaction and resolves once that has COMMITTED, not merely
   * once its requests succeeded. Any failure aborts the whole transaction, so nothing is
   * half-written. `work` may await only requests of `tx`: awaiting anything else (the network,
   * a timer) lets the transaction auto-commit, and its next request throws TransactionInactiveError.
   */
  #transact<Names extends StoreName[], T>(
    names: Names,
    work: (tx: Transaction<Names>) => Promise<T>,
  ): Promise<T> {
    return this.#use(async (db) => {
      const tx = db.transaction(names, 'readwrite');
      const done = outcome(tx);
      // Observed at once: if `work` throws synchronously, the Promise.all below never sees it.
      // idb's own `tx.done` is created with every transaction and rejects on failure too.
      done.catch(ignore);
      tx.done.catch(ignore);
      try {
        const [result] = await Promise.all([work(tx), done]);
        return result;
      } catch (error) {
        abortQuietly(tx);
        throw toStorageError(error);
      }
    });
  }
}

/**
 * Resolves when the transaction commits; rejects with the error that aborted it. Not idb's
 * `tx.done`: that rejects as soon as a request's `error` event bubbles up, before the transaction
 * has aborted and recorded why, so it reports a bare AbortError instead of the cause
 * (https://github.com/jakearchibald/idb/issues/326). Chrome even reports a full disk only as an
 * `abort` whose `tx.error` is QuotaExceededError, with no event on the request at all
 * (https://github.com/dexie/Dexie.js/issues/840).
 */
function outcome(tx: Pick<IDBTransaction, 'addEventListener' | 'error'>): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.addEventListener('complete', () => {
      resolve();
    });
    tx.addEventListener('abort', () => {
      reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
    });
  });
}

function putAll<Names extends StoreName[]>(
  store: IDBPObjectStore<ParleyDB, Names, typeof MESSAGES, 'readwrite'>,
  messages: Message[],
): void {
  for (const message of messages) issue(store.put(toPlain(message)));
}

/**
 * Issues a write whose outcome the transaction reports (see `outcome`): a failed request aborts
 * it. Observing the request's own promise keeps that same error from surfacing a second time as
 * an unhandled rejection; it is not awaited, since on a full disk Chrome never settles it.
 */
function issue(request: Promise<unknown>): void {
  request.catch(ignore);
}

/** Aborts unless the transaction already finished (then abort() throws InvalidStateError). */
function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing left to undo.
  }
}

function ignore(): void {
  // Deliberately empty: the error is reported through the transaction's outcome instead.
}

function byRecentActivity(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || compareIds(a.id, b.id);
}

function byCreation(a: Message, b: Message): number {
  return a.createdAt - b.createdAt || compareIds(a.id, b.id);
}

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
