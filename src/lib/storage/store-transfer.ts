/**
 * The store's export and import transactions (ParleyStore `exportAll`, `runImport`,
 * `undoImport`), apart from store.ts because they load at first use: reading the whole history
 * into one file, and writing an import with what it replaced kept for Undo import, are not
 * first-load code. store.ts runs them on its own connection and transaction helpers, so a lost
 * connection and a full disk reject with the same StorageError as every other call.
 */
import type { IDBPDatabase } from 'idb';
import type { Conversation, Message } from '../domain/types';
import {
  normalizeConversation,
  normalizeMessage,
  normalizePreset,
  normalizeSettings,
} from './normalize';
import { toPlain } from './plain';
import {
  CONVERSATIONS,
  MESSAGES,
  MESSAGES_BY_CONVERSATION,
  PRESETS,
  SETTINGS,
  SETTINGS_KEY,
  TOMBSTONES,
  type ParleyDB,
  type Tombstone,
} from './schema';
import { byCreation, byRecentActivity, issue, readTombstone } from './records';
import type {
  ImportPlanned,
  ImportRequest,
  ImportSnapshot,
  ImportUndo,
  Transaction,
} from './store';
import type { ExportFile } from './transfer';

/** The stores an import reads and writes, in one read-write transaction. */
export const IMPORT_STORES = [CONVERSATIONS, MESSAGES, PRESETS, TOMBSTONES] as const;
type ImportTransaction = Transaction<(typeof IMPORT_STORES)[number][]>;

/** Everything stored, read in one transaction, as Parley's export file. */
export async function exportAll(db: IDBPDatabase<ParleyDB>, now: number): Promise<ExportFile> {
  // The file format loads only when someone exports, and before the transaction opens.
  const { buildExport } = await import('./transfer');
  const tx = db.transaction([CONVERSATIONS, MESSAGES, PRESETS, SETTINGS, TOMBSTONES], 'readonly');
  const [conversations, messages, presets, settings, tombstones] = await Promise.all([
    tx.objectStore(CONVERSATIONS).getAll(),
    tx.objectStore(MESSAGES).getAll(),
    tx.objectStore(PRESETS).getAll(),
    tx.objectStore(SETTINGS).get(SETTINGS_KEY),
    tx.objectStore(TOMBSTONES).getAll(),
  ]);
  return buildExport(
    conversations.map(normalizeConversation).sort(byRecentActivity),
    messages.map(normalizeMessage).sort(byCreation),
    presets.map(normalizePreset),
    normalizeSettings(settings),
    now,
    tombstones.flatMap(readTombstone),
  );
}

/**
 * Reads what is stored under the ids of `request`, lets `plan` decide what to write, and (when
 * `write`) writes it, keeping every record it replaces for `undoImport`. Runs inside `tx`.
 */
export async function runImport<T>(
  tx: ImportTransaction,
  request: ImportRequest,
  plan: (snapshot: ImportSnapshot) => ImportPlanned<T>,
  write: boolean,
): Promise<{ result: T; undo: ImportUndo }> {
  const conversationsStore = tx.objectStore(CONVERSATIONS);
  const messagesStore = tx.objectStore(MESSAGES);
  const byConversation = messagesStore.index(MESSAGES_BY_CONVERSATION);
  // One key scan instead of a get per imported message: most ids of a big file are new.
  const [storedConversations, storedTombstones, messageKeys, storedPresets] = await Promise.all([
    Promise.all(request.conversationIds.map((id) => conversationsStore.get(id))),
    Promise.all(request.conversationIds.map((id) => tx.objectStore(TOMBSTONES).get(id))),
    messagesStore.getAllKeys(),
    tx.objectStore(PRESETS).getAll(),
  ]);
  const presets = new Map(storedPresets.map((stored) => [stored.id, normalizePreset(stored)]));
  const conversations = new Map<string, Conversation>();
  const tombstones = new Map<string, Tombstone>();
  storedConversations.forEach((stored) => {
    if (stored) conversations.set(stored.id, normalizeConversation(stored));
  });
  storedTombstones.forEach((stored) => {
    for (const tombstone of stored ? readTombstone(stored) : []) {
      tombstones.set(tombstone.id, tombstone);
    }
  });
  const ownMessages = await Promise.all(
    [...conversations.keys()].map((id) => byConversation.getAll(id)),
  );
  const messagesByConversation = new Map<string, Message[]>();
  const messages = new Map<string, Message>();
  [...conversations.keys()].forEach((id, index) => {
    const list = (ownMessages[index] ?? []).map(normalizeMessage).sort(byCreation);
    messagesByConversation.set(id, list);
    for (const message of list) messages.set(message.id, message);
  });
  const existingKeys = new Set(messageKeys);
  const elsewhere = request.messageIds.filter((id) => existingKeys.has(id) && !messages.has(id));
  const found = await Promise.all(elsewhere.map((id) => messagesStore.get(id)));
  for (const stored of found) if (stored) messages.set(stored.id, normalizeMessage(stored));

  const planned = plan({
    conversations,
    messagesByConversation,
    messages,
    tombstones,
    presets,
  });
  const undo: ImportUndo = { conversations: [], messages: [], presets: [], tombstones: [] };
  if (!write) return { result: planned.result, undo };
  const presetsStore = tx.objectStore(PRESETS);
  const tombstonesStore = tx.objectStore(TOMBSTONES);
  const [conversationsBefore, messagesBefore, presetsBefore, tombstonesBefore] = await Promise.all([
    Promise.all(planned.conversations.map((c) => conversationsStore.get(c.id))),
    Promise.all(planned.messages.map((m) => messagesStore.get(m.id))),
    Promise.all(planned.presets.map((p) => presetsStore.get(p.id))),
    Promise.all(planned.tombstones.map((t) => tombstonesStore.get(t.id))),
  ]);
  planned.conversations.forEach((conversation, index) => {
    undo.conversations.push({ id: conversation.id, before: conversationsBefore[index] });
    issue(conversationsStore.put(toPlain(conversation)));
  });
  planned.messages.forEach((message, index) => {
    undo.messages.push({ id: message.id, before: messagesBefore[index] });
    issue(messagesStore.put(toPlain(message)));
  });
  planned.presets.forEach((preset, index) => {
    undo.presets.push({ id: preset.id, before: presetsBefore[index] });
    issue(presetsStore.put(toPlain(preset)));
  });
  planned.tombstones.forEach((tombstone, index) => {
    undo.tombstones.push({ id: tombstone.id, before: tombstonesBefore[index] });
    issue(tombstonesStore.put(toPlain(tombstone)));
  });
  return { result: planned.result, undo };
}

/** Puts back exactly what `runImport` replaced (issued in `tx`, which commits them at once). */
export function undoImport(tx: ImportTransaction, undo: ImportUndo): void {
  const conversations = tx.objectStore(CONVERSATIONS);
  const messages = tx.objectStore(MESSAGES);
  const presets = tx.objectStore(PRESETS);
  const tombstones = tx.objectStore(TOMBSTONES);
  for (const { id, before } of [...undo.tombstones].reverse()) {
    issue(before ? tombstones.put(before as never) : tombstones.delete(id));
  }
  // Reversed, so a record written twice ends as it was before the first write.
  for (const { id, before } of [...undo.conversations].reverse()) {
    issue(before ? conversations.put(before) : conversations.delete(id));
  }
  for (const { id, before } of [...undo.messages].reverse()) {
    issue(before ? messages.put(before) : messages.delete(id));
  }
  for (const { id, before } of [...undo.presets].reverse()) {
    issue(before ? presets.put(before as never) : presets.delete(id));
  }
}
