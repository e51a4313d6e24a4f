/**
 * Schema upgrades, run by `openStore` inside the versionchange transaction.
 *
 * Steps are cumulative: a database at version n runs every step above n, in order, so a fresh
 * install and a years-old one end in the same shape. A step that has shipped is never edited:
 * databases out there were built by it exactly as it is. To change the schema, bump DB_VERSION
 * in schema.ts and add `if (oldVersion < n)` below, plus a test that builds version n-1 by hand
 * (see migrations.test.ts). Steps name stores and indexes literally, as they were when the step
 * shipped, so that renaming a constant later cannot change what an old step does.
 * A step may only await requests of the upgrade transaction; anything else closes it.
 */
import type { IDBPDatabase } from 'idb';

export function migrate(db: IDBPDatabase, oldVersion: number): void {
  if (oldVersion < 1) createVersion1(db);
  if (oldVersion < 2) createVersion2(db);
  if (oldVersion < 3) createVersion3(db);
  if (oldVersion < 4) createVersion4(db);
  if (oldVersion < 5) createVersion5(db);
}

/** Version 1: conversations, messages (one record each), and the settings record. */
function createVersion1(db: IDBPDatabase): void {
  const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
  conversations.createIndex('by-updatedAt', 'updatedAt');
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  messages.createIndex('by-conversation', 'conversationId');
  db.createObjectStore('settings');
}

/** Version 2: the person's presets, one record each. Existing records need no change. */
function createVersion2(db: IDBPDatabase): void {
  db.createObjectStore('presets', { keyPath: 'id' });
}

/** Version 3: the unsent text of each conversation, keyed by conversation id. */
function createVersion3(db: IDBPDatabase): void {
  db.createObjectStore('drafts', { keyPath: 'conversationId' });
}

/**
 * Version 4: a tombstone (id, deletedAt) per deleted conversation, keyed by the conversation's id,
 * so an import never brings a deleted conversation back. Existing records need no change.
 */
function createVersion4(db: IDBPDatabase): void {
  db.createObjectStore('tombstones', { keyPath: 'id' });
}

/**
 * Version 5: usage, one record per finished request (indexes by time and by conversation), its
 * totals per local day and model (key `${day}\u0000${model}`), and one record of usage
 * preferences (budget, the person's prices). Existing records need no change.
 */
function createVersion5(db: IDBPDatabase): void {
  const usage = db.createObjectStore('usage', { keyPath: 'id' });
  usage.createIndex('by-time', 'time');
  usage.createIndex('by-conversation', 'conversationId');
  db.createObjectStore('usage-days', { keyPath: 'key' });
  db.createObjectStore('usage-prefs');
}
