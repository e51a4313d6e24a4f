/**
 * The storage API the rest of Parley uses: conversations, messages, settings, presets and drafts,
 * each call its own transaction. Writes resolve once committed. Every method rejects only with a StorageError,
 * so the UI can say "Storage is full" rather than crash. Reads are normalised (normalize.ts);
 * writes are plain copies (plain.ts).
 */
import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { Draft } from '../domain/draft';
import type { Conversation, Message, Preset, Settings } from '../domain/types';
import { openConnection } from './connection';
import { StorageError, toStorageError } from './errors';
import {
  normalizeConversation,
  normalizeDraft,
  normalizeMessage,
  normalizePreset,
  normalizeSettings,
} from './normalize';
import { toPlain } from './plain';
import { byCreation, byRecentActivity, ignore, issue, readTombstone } from './records';
import {
  CONVERSATIONS,
  CONVERSATIONS_BY_UPDATED_AT,
  DB_NAME,
  DRAFTS,
  MESSAGES,
  MESSAGES_BY_CONVERSATION,
  PRESETS,
  SETTINGS,
  SETTINGS_KEY,
  TOMBSTONES,
} from './schema';
import type { ParleyDB, StoredConversation, StoredMessage, Tombstone } from './schema';
import type { ExportFile } from './transfer';
import type { UsageRepository } from './usage';

/**
 * A change to apply to a conversation as it is stored now, inside the transaction that writes it.
 * Gets `undefined` if there is no such conversation; returns `undefined` to write nothing.
 */
export type ConversationChange = (stored: Conversation | undefined) => Conversation | undefined;

/**
 * Messages written together with a conversation change, in the same transaction, and only if
 * that change writes (a conversation deleted meanwhile gets no messages back).
 */
export interface MessageWrites {
  put?: readonly Message[];
  delete?: readonly string[];
}

export interface ParleyStore {
  /** Normalised, most recent activity first (updatedAt descending). */
  listConversations(): Promise<Conversation[]>;
  /**
   * The `limit` most recently active conversations, normalised, newest first: the first
   * screenful, read from the by-updatedAt index without reading the others. A record the index
   * leaves out (updatedAt missing or not a key) is never here; listConversations has it.
   */
  listRecentConversations(limit: number): Promise<Conversation[]>;
  /** The id of every stored conversation: keys only, no record is read. */
  listConversationIds(): Promise<string[]>;
  getConversation(id: string): Promise<Conversation | undefined>;
  putConversation(conversation: Conversation): Promise<void>;
  /**
   * Reads the conversation, applies `change` and writes the result, all in ONE transaction, so a
   * change made meanwhile by another tab is built upon instead of overwritten. Resolves with what
   * was written (`undefined`: nothing was).
   */
  updateConversation(
    id: string,
    change: ConversationChange,
    messages?: MessageWrites,
  ): Promise<Conversation | undefined>;
  /**
   * Deletes the conversation, all its messages and its draft in ONE transaction. Returns what was deleted
   * so the caller can offer undo, or `undefined` (and deletes nothing) if there is no such
   * conversation.
   */
  deleteConversation(
    id: string,
    deletedAt?: number,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined>;
  /**
   * Puts a conversation and its messages back in one transaction (undo of delete), and removes
   * the tombstone its deletion left.
   */
  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void>;
  /** Normalised, ordered by createdAt, then id. */
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  /**
   * Marks the listed replies `interrupted`, each only if it is still stored as `streaming`: a
   * reply its tab finished meanwhile keeps its final record. Resolves with the records as they
   * are stored afterwards (missing ones left out).
   */
  interruptStreaming(ids: readonly string[]): Promise<Message[]>;
  /**
   * Puts several messages and optionally the conversation in one transaction (e.g. a sent user
   * message + the new reply placeholder + the conversation's updatedAt/currentLeafId). A
   * conversation already stored takes only what a message write is about from `conversation`:
   * `currentLeafId`, `updatedAt` (never moved back) and a title if it has none yet. Its settings
   * stay as stored, so a change another tab made a moment ago is not put back. A conversation
   * not stored yet (a new chat's first message) is written whole.
   */
  putMessages(messages: Message[], conversation?: Conversation): Promise<void>;
  /** Resolves with the ids of the conversations that lost messages. */
  deleteMessages(ids: string[]): Promise<string[]>;
  /** Normalised with DEFAULT_SETTINGS: a fresh database reads as the defaults. */
  getSettings(): Promise<Settings>;
  putSettings(settings: Settings): Promise<void>;
  /** The person's own presets, normalised, in no particular order (state sorts them by name). */
  listPresets(): Promise<Preset[]>;
  putPreset(preset: Preset): Promise<void>;
  /** Deleting a preset that does not exist does nothing. */
  deletePreset(id: string): Promise<void>;
  /** The unsent text of a conversation, if any. */
  getDraft(conversationId: string): Promise<Draft | undefined>;
  listDrafts(): Promise<Draft[]>;
  putDraft(draft: Draft): Promise<void>;
  deleteDrafts(conversationIds: string[]): Promise<void>;
  /**
   * Every conversation with its messages, the presets, and the settings without the API key, read
   * in ONE transaction (a consistent snapshot even while another tab writes).
   */
  exportAll(now: number): Promise<ExportFile>;
  /** The tombstones of deleted conversations (see schema.ts `Tombstone`). */
  listTombstones(): Promise<Tombstone[]>;
  /**
   * Reads what an import touches (`ImportSnapshot`) and hands it to `plan`, in ONE transaction.
   * With `write: false` nothing is written (the summary shown before `Import`); with `write: true`
   * the plan's records are written in that same transaction, so what was planned is what lands
   * even if another tab wrote meanwhile, and the records they replace are returned for undo.
   */
  runImport<T>(
    request: ImportRequest,
    plan: (snapshot: ImportSnapshot) => ImportPlanned<T>,
    write: boolean,
  ): Promise<{ result: T; undo: ImportUndo }>;
  /** Puts back exactly what `runImport` replaced, in one transaction. */
  undoImport(undo: ImportUndo): Promise<void>;
  close(): void;
}

/** Which records an import is about: the ids its file holds. */
export interface ImportRequest {
  conversationIds: readonly string[];
  messageIds: readonly string[];
}

/** What is stored now under the ids an import is about, read in the import's transaction. */
export interface ImportSnapshot {
  conversations: ReadonlyMap<string, Conversation>;
  /** The messages of each stored conversation in `conversations`. */
  messagesByConversation: ReadonlyMap<string, readonly Message[]>;
  /** Stored messages under an id the file holds, whichever conversation they belong to. */
  messages: ReadonlyMap<string, Message>;
  tombstones: ReadonlyMap<string, Tombstone>;
  /** Every preset of the person's (they are few). */
  presets: ReadonlyMap<string, Preset>;
}

/** What a plan writes (whole records, put as they are) and what it reports. */
export interface ImportPlanned<T> {
  conversations: readonly Conversation[];
  messages: readonly Message[];
  presets: readonly Preset[];
  tombstones: readonly Tombstone[];
  result: T;
}

/** The records an import replaced (`before: undefined`: there was none), to put back on undo. */
export interface ImportUndo {
  conversations: { id: string; before: StoredConversation | undefined }[];
  messages: { id: string; before: StoredMessage | undefined }[];
  presets: { id: string; before: unknown }[];
  tombstones: { id: string; before: unknown }[];
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
   * `newVersion` is the version the other tab opens, or null when it deletes the database.
   */
  onVersionChange?: (newVersion: number | null) => void;
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

/**
 * The usage records of an opened store (usage.ts). Not part of ParleyStore: usage is written
 * once per request by UsageState alone and never broadcast (the Usage dialog reads it afresh
 * each time it opens), so wrappers and fakes of ParleyStore need not know about it. Pass the
 * store `openStore` returned, not a wrapper.
 */
export function usageRepository(store: ParleyStore): Promise<UsageRepository> {
  if (store instanceof IdbStore) return store.usage();
  return Promise.reject(new TypeError('usageRepository needs the store openStore returned.'));
}

/** Undefined where IndexedDB is missing (Node, some embedded webviews, disabled by policy). */
function globalIndexedDB(): IDBFactory | undefined {
  return typeof indexedDB === 'undefined' ? undefined : indexedDB;
}

type StoreName = StoreNames<ParleyDB>;
export type Transaction<Names extends StoreName[]> = IDBPTransaction<ParleyDB, Names, 'readwrite'>;

class IdbStore implements ParleyStore {
  readonly #db: IDBPDatabase<ParleyDB>;
  /** Set once the connection is gone for good; every later call rejects with it. */
  #lost: StorageError | undefined;

  constructor(db: IDBPDatabase<ParleyDB>, onVersionChange?: (newVersion: number | null) => void) {
    this.#db = db;
    // Closing at once lets a newer Parley in another tab upgrade instead of hanging on `blocked`.
    db.addEventListener('versionchange', (event) => {
      db.close();
      this.#lost = new StorageError(
        'blocked',
        'The database was closed so that another tab can upgrade or delete it. Reload.',
      );
      onVersionChange?.(event.newVersion);
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

  listRecentConversations(limit: number): Promise<Conversation[]> {
    return this.#use(async (db) => {
      const found: StoredConversation[] = [];
      const index = db.transaction(CONVERSATIONS).store.index(CONVERSATIONS_BY_UPDATED_AT);
      let cursor = await index.openCursor(null, 'prev');
      while (cursor && found.length < limit) {
        found.push(cursor.value);
        cursor = await cursor.continue();
      }
      return found.map(normalizeConversation).sort(byRecentActivity);
    });
  }

  listConversationIds(): Promise<string[]> {
    return this.#use((db) => db.getAllKeys(CONVERSATIONS));
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

  updateConversation(
    id: string,
    change: ConversationChange,
    messages?: MessageWrites,
  ): Promise<Conversation | undefined> {
    return this.#transact([CONVERSATIONS, MESSAGES], async (tx) => {
      const store = tx.objectStore(CONVERSATIONS);
      const stored = await store.get(id);
      const next = change(stored && normalizeConversation(stored));
      if (next === undefined) return undefined;
      // The key is the id asked for, whatever `change` returned: it may not move a record.
      const written = toPlain({ ...next, id });
      issue(store.put(written));
      const messageStore = tx.objectStore(MESSAGES);
      // Only this conversation's messages: a write may not move a message out of another one.
      putAll(
        messageStore,
        (messages?.put ?? []).filter((m) => m.conversationId === id),
      );
      for (const messageId of messages?.delete ?? []) issue(messageStore.delete(messageId));
      return written;
    });
  }

  deleteConversation(
    id: string,
    deletedAt: number = Date.now(),
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined> {
    return this.#transact([CONVERSATIONS, MESSAGES, DRAFTS, TOMBSTONES], async (tx) => {
      const conversations = tx.objectStore(CONVERSATIONS);
      const messages = tx.objectStore(MESSAGES);
      const [conversation, children] = await Promise.all([
        conversations.get(id),
        messages.index(MESSAGES_BY_CONVERSATION).getAll(id),
      ]);
      if (!conversation) return undefined;
      issue(conversations.delete(id));
      for (const message of children) issue(messages.delete(message.id));
      issue(tx.objectStore(DRAFTS).delete(id));
      // In the same transaction: a deletion without its tombstone could be undone by an import.
      const tombstone: Tombstone = { id, deletedAt };
      issue(tx.objectStore(TOMBSTONES).put(tombstone));
      return {
        conversation: normalizeConversation(conversation),
        messages: children.map(normalizeMessage).sort(byCreation),
      };
    });
  }

  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void> {
    return this.#write([CONVERSATIONS, MESSAGES, TOMBSTONES], (tx) => {
      issue(tx.objectStore(CONVERSATIONS).put(toPlain(conversation)));
      putAll(tx.objectStore(MESSAGES), messages);
      issue(tx.objectStore(TOMBSTONES).delete(conversation.id));
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

  interruptStreaming(ids: readonly string[]): Promise<Message[]> {
    return this.#transact([MESSAGES], async (tx) => {
      const store = tx.objectStore(MESSAGES);
      const found = await Promise.all(ids.map((id) => store.get(id)));
      const now: Message[] = [];
      for (const stored of found) {
        if (!stored) continue;
        const message = normalizeMessage(stored);
        if (message.status !== 'streaming') {
          now.push(message);
          continue;
        }
        const interrupted: Message = { ...message, status: 'interrupted' };
        issue(store.put(toPlain(interrupted)));
        now.push(interrupted);
      }
      return now;
    });
  }

  putMessages(messages: Message[], conversation?: Conversation): Promise<void> {
    if (!conversation) {
      return this.#write([MESSAGES], (tx) => {
        putAll(tx.objectStore(MESSAGES), messages);
      });
    }
    return this.#transact([CONVERSATIONS, MESSAGES], async (tx) => {
      const conversations = tx.objectStore(CONVERSATIONS);
      const stored = await conversations.get(conversation.id);
      const written = stored
        ? withActivity(normalizeConversation(stored), conversation)
        : conversation;
      issue(conversations.put(toPlain(written)));
      putAll(tx.objectStore(MESSAGES), messages);
    });
  }

  deleteMessages(ids: string[]): Promise<string[]> {
    return this.#transact([MESSAGES], async (tx) => {
      const messages = tx.objectStore(MESSAGES);
      const found = await Promise.all(ids.map((id) => messages.get(id)));
      for (const id of ids) issue(messages.delete(id));
      const owners = found.map((message) => message?.conversationId);
      return [...new Set(owners.filter((owner) => typeof owner === 'string'))];
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

  getDraft(conversationId: string): Promise<Draft | undefined> {
    return this.#use(async (db) => {
      const stored = await db.get(DRAFTS, conversationId);
      return stored && normalizeDraft(stored);
    });
  }

  listDrafts(): Promise<Draft[]> {
    return this.#use(async (db) => (await db.getAll(DRAFTS)).map(normalizeDraft));
  }

  putDraft(draft: Draft): Promise<void> {
    return this.#write([DRAFTS], (tx) => {
      issue(tx.objectStore(DRAFTS).put(toPlain(draft)));
    });
  }

  deleteDrafts(conversationIds: string[]): Promise<void> {
    return this.#write([DRAFTS], (tx) => {
      const drafts = tx.objectStore(DRAFTS);
      for (const id of conversationIds) issue(drafts.delete(id));
    });
  }

  // Export and import load their code at first use (store-transfer.ts): not first-load code.
  async exportAll(now: number): Promise<ExportFile> {
    const { exportAll } = await import('./store-transfer');
    return this.#use((db) => exportAll(db, now));
  }

  listTombstones(): Promise<Tombstone[]> {
    return this.#use(async (db) => (await db.getAll(TOMBSTONES)).flatMap(readTombstone));
  }

  async runImport<T>(
    request: ImportRequest,
    plan: (snapshot: ImportSnapshot) => ImportPlanned<T>,
    write: boolean,
  ): Promise<{ result: T; undo: ImportUndo }> {
    const { IMPORT_STORES, runImport } = await import('./store-transfer');
    // Read-write even for a preview: one code path, and the plan sees what a write would see.
    return this.#transact([...IMPORT_STORES], (tx) => runImport(tx, request, plan, write));
  }

  async undoImport(undo: ImportUndo): Promise<void> {
    const { IMPORT_STORES, undoImport } = await import('./store-transfer');
    return this.#write([...IMPORT_STORES], (tx) => {
      undoImport(tx, undo);
    });
  }

  close(): void {
    this.#db.close();
  }

  /** The usage repository on this connection (usage.ts, loaded on first use: not first-load code). */
  async usage(): Promise<UsageRepository> {
    const { createUsageRepository } = await import('./usage');
    return createUsageRepository(
      (operation) => this.#use(operation),
      (names, work) => this.#transact(names, work),
    );
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

/**
 * A conversation as a message write leaves it: the fields that write is about (the branch shown,
 * last activity, a first title) over what is stored. See ParleyStore.putMessages.
 */
function withActivity(stored: Conversation, written: Conversation): Conversation {
  return {
    ...stored,
    currentLeafId: written.currentLeafId,
    updatedAt: Math.max(stored.updatedAt, written.updatedAt),
    title: stored.title === '' ? written.title : stored.title,
  };
}

function putAll<Names extends StoreName[]>(
  store: IDBPObjectStore<ParleyDB, Names, typeof MESSAGES, 'readwrite'>,
  messages: Message[],
): void {
  for (const message of messages) issue(store.put(toPlain(message)));
}

/** Aborts unless the transaction already finished (then abort() throws InvalidStateError). */
function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing left to undo.
  }
}
