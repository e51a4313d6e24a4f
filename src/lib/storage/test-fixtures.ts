/**
 * Test support: records with every field set, and the raw IndexedDB API (no idb) for building
 * databases by hand the way an older Parley left them.
 */
import type { Conversation, Message } from '../domain/types';

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    title: 'Greetings',
    isTitleCustom: false,
    systemPrompt: 'Be brief.',
    params: { model: 'gpt-4o', temperature: 0.5, maxTokens: 256 },
    createdAt: 1_000,
    updatedAt: 2_000,
    currentLeafId: null,
    ...overrides,
  };
}

export function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    conversationId: 'c1',
    parentId: null,
    role: 'user',
    content: 'Hello',
    status: 'complete',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('request failed'));
    };
  });
}

export function openRaw(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void = () => undefined,
): Promise<IDBDatabase> {
  const request = factory.open(name, version);
  request.onupgradeneeded = () => {
    upgrade(request.result);
  };
  return requestResult(request);
}

/** Writes records in one transaction; `key` is for stores with out-of-line keys. */
export function putRaw(
  db: IDBDatabase,
  storeName: string,
  records: readonly { value: unknown; key?: IDBValidKey }[],
): Promise<void> {
  const tx = db.transaction(storeName, 'readwrite');
  const store = tx.objectStore(storeName);
  for (const { value, key } of records) store.put(value, key);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => {
      resolve();
    };
    tx.onabort = () => {
      reject(tx.error ?? new Error('transaction aborted'));
    };
  });
}

export function getAllRaw(db: IDBDatabase, storeName: string): Promise<unknown[]> {
  return requestResult(db.transaction(storeName).objectStore(storeName).getAll());
}
