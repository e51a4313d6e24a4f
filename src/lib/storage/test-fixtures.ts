/**
 * Test support: records with every field set, and the raw IndexedDB API (no idb) for building
 * databases by hand the way an older Parley left them.
 */
import type { ChatParams, Conversation, Message, Preset } from '../domain/types';

/** Every parameter set, none to its default, so a normaliser that resets one is caught. */
export function params(overrides: Partial<ChatParams> = {}): ChatParams {
  return {
    model: 'gpt-4o',
    temperature: 0.5,
    maxTokens: 256,
    topP: 0.9,
    n: 2,
    stop: ['END', '\n\n'],
    presencePenalty: 0.5,
    frequencyPenalty: -0.5,
    seed: 42,
    responseFormat: 'json_object',
    reasoningEffort: 'low',
    contextWindow: 128_000,
    ...overrides,
  };
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    title: 'Greetings',
    isTitleCustom: false,
    systemPrompt: 'Be brief.',
    params: params(),
    createdAt: 1_000,
    updatedAt: 2_000,
    currentLeafId: null,
    presetId: 'p1',
    ...overrides,
  };
}

export function preset(overrides: Partial<Preset> = {}): Preset {
  return {
    id: 'p1',
    name: 'Terse',
    params: params(),
    systemPrompt: 'Answer in one line.',
    createdAt: 1_000,
    updatedAt: 2_000,
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
