/**
 * What an import will do, decided against what is stored, record by record. Pure: the store runs
 * it inside the import's transaction (storage `runImport`), once for the summary and again, on
 * `Import`, for the writes, so what is written is what the summary said unless another tab wrote
 * in between (then it is decided afresh, by the same rules).
 *
 * The rules (issue 8 point 6): an import never changes a stored record.
 * - A conversation deleted here (tombstone) stays deleted.
 * - A new id is added. An id stored with the same title and system prompt gains the imported
 *   messages it lacks; its own messages are never replaced.
 * - A stored conversation whose title or system prompt differs is kept, and the import becomes a
 *   copy beside it.
 * - A message id stored with other content (or in another conversation) is imported under a new
 *   id: a new version in the tree, with its imported replies after it.
 * Every new id is derived from the imported record (a digest), never random, so importing the
 * same file again finds the records it made the first time and changes nothing.
 */
import type { Conversation, Message, Preset } from '../domain/types';
import type { ImportPlanned, ImportRequest, ImportSnapshot } from '../storage/store';
import type { Tombstone } from '../storage/schema';
import { digest } from './read-json';
import type { ImportBatch, ImportedConversation, ImportFormat, ImportNotes } from './types';

export type ConversationOutcome = 'new' | 'copy' | 'updated' | 'unchanged' | 'deleted';

export interface ImportRow {
  id: string;
  title: string;
  outcome: ConversationOutcome;
  /** Messages this import adds to the conversation. */
  messages: number;
}

export interface ImportReport {
  format: ImportFormat;
  rows: ImportRow[];
  totals: Record<ConversationOutcome, number>;
  presets: number;
  notes: ImportNotes;
}

function copyId(conversation: Conversation): string {
  return `${conversation.id}~${digest(`${conversation.title}\n${conversation.systemPrompt}`)}`;
}

function copiedMessageId(messageId: string, conversationId: string): string {
  return `${messageId}~${digest(conversationId)}`;
}

/** The id a message takes when its own is taken by other content. */
function versionId(message: Message, conversationId: string): string {
  return `${message.id}~${digest(`${conversationId}\n${message.role}\n${message.content}\n${String(message.createdAt)}`)}`;
}

/** Every id the plan may look up: the file's own, and each id it could derive from them. */
export function importRequest(batch: ImportBatch): ImportRequest {
  const conversationIds: string[] = [];
  const messageIds: string[] = [];
  for (const conversation of batch.conversations) {
    const copy = copyOf(conversation);
    conversationIds.push(conversation.id, copy.id);
    for (const message of conversation.messages)
      messageIds.push(message.id, versionId(message, conversation.id));
    for (const message of copy.messages) messageIds.push(message.id, versionId(message, copy.id));
  }
  for (const tombstone of batch.tombstones) conversationIds.push(tombstone.id);
  return { conversationIds, messageIds };
}

function copyOf(conversation: ImportedConversation): ImportedConversation {
  const id = copyId(conversation);
  const rename = (messageId: string) => copiedMessageId(messageId, id);
  return {
    ...conversation,
    id,
    currentLeafId: conversation.currentLeafId === null ? null : rename(conversation.currentLeafId),
    messages: conversation.messages.map((message) => ({
      ...message,
      id: rename(message.id),
      conversationId: id,
      parentId: message.parentId === null ? null : rename(message.parentId),
    })),
  };
}

function sameHead(a: Conversation, b: Conversation): boolean {
  return a.title === b.title && a.systemPrompt === b.systemPrompt;
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.conversationId === b.conversationId &&
    a.parentId === b.parentId &&
    a.role === b.role &&
    a.content === b.content &&
    a.createdAt === b.createdAt &&
    (a.reasoning ?? '') === (b.reasoning ?? '') &&
    (a.model ?? '') === (b.model ?? '')
  );
}

/** Parents before children (the tree is acyclic after repair.ts), siblings by time. */
function treeOrder(messages: readonly Message[]): Message[] {
  const children = new Map<string | null, Message[]>();
  const ids = new Set(messages.map((message) => message.id));
  for (const message of messages) {
    const parent = message.parentId !== null && ids.has(message.parentId) ? message.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(message);
    children.set(parent, list);
  }
  const ordered: Message[] = [];
  const queue = [...(children.get(null) ?? [])];
  for (let index = 0; index < queue.length; index += 1) {
    const message = queue[index] as Message;
    ordered.push(message);
    queue.push(...(children.get(message.id) ?? []));
  }
  return ordered;
}

export function planImport(
  batch: ImportBatch,
  snapshot: ImportSnapshot,
  now: number,
): ImportPlanned<ImportReport> {
  const rows: ImportRow[] = [];
  const conversations: Conversation[] = [];
  const messages: Message[] = [];
  for (const imported of batch.conversations) {
    if (snapshot.tombstones.has(imported.id)) {
      rows.push({ id: imported.id, title: imported.title, outcome: 'deleted', messages: 0 });
      continue;
    }
    let target = imported;
    let stored = snapshot.conversations.get(imported.id);
    let isCopy = false;
    if (stored && !sameHead(stored, imported)) {
      target = copyOf(imported);
      stored = snapshot.conversations.get(target.id);
      isCopy = true;
    }
    const finalIds = new Map<string, string>();
    const added: Message[] = [];
    for (const message of treeOrder(target.messages)) {
      const parentId = message.parentId === null ? null : (finalIds.get(message.parentId) ?? null);
      const candidate: Message = { ...message, parentId, conversationId: target.id };
      const existing = snapshot.messages.get(message.id);
      if (existing === undefined) {
        added.push(candidate);
        finalIds.set(message.id, message.id);
        continue;
      }
      if (sameMessage(existing, candidate)) {
        finalIds.set(message.id, message.id);
        continue;
      }
      const id = versionId(message, target.id);
      const version = { ...candidate, id };
      const existingVersion = snapshot.messages.get(id);
      finalIds.set(message.id, id);
      if (existingVersion === undefined) added.push(version);
      // Else the same new version was made by an earlier import of this file (or, if its content
      // differs, a digest collision): either way the stored one is kept.
    }
    const leaf =
      target.currentLeafId === null ? null : (finalIds.get(target.currentLeafId) ?? null);
    let outcome: ConversationOutcome;
    if (!stored) {
      outcome = isCopy ? 'copy' : 'new';
      conversations.push(withoutMessages({ ...target, currentLeafId: leaf }));
    } else if (added.length > 0) {
      outcome = 'updated';
      const addedIds = new Set(added.map((message) => message.id));
      conversations.push({
        ...stored,
        updatedAt: Math.min(now, Math.max(stored.updatedAt, target.updatedAt)),
        currentLeafId: leaf !== null && addedIds.has(leaf) ? leaf : stored.currentLeafId,
      });
    } else {
      outcome = 'unchanged';
    }
    messages.push(...added);
    rows.push({ id: target.id, title: target.title, outcome, messages: added.length });
  }
  const presets = planPresets(batch.presets, snapshot.presets);
  const tombstones: Tombstone[] = batch.tombstones.filter(
    (tombstone) =>
      !snapshot.conversations.has(tombstone.id) && !snapshot.tombstones.has(tombstone.id),
  );
  const totals: Record<ConversationOutcome, number> = {
    new: 0,
    copy: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
  };
  for (const row of rows) totals[row.outcome] += 1;
  return {
    conversations,
    messages,
    presets,
    tombstones,
    result: { format: batch.format, rows, totals, presets: presets.length, notes: batch.notes },
  };
}

function samePreset(a: Preset, b: Preset): boolean {
  return (
    a.name === b.name &&
    (a.systemPrompt ?? null) === (b.systemPrompt ?? null) &&
    JSON.stringify(a.params) === JSON.stringify(b.params)
  );
}

function planPresets(imported: readonly Preset[], stored: ReadonlyMap<string, Preset>): Preset[] {
  const writes: Preset[] = [];
  for (const preset of imported) {
    const existing = stored.get(preset.id);
    if (!existing) {
      writes.push(preset);
      continue;
    }
    if (samePreset(existing, preset)) continue;
    const id = `${preset.id}~${digest(JSON.stringify([preset.name, preset.params, preset.systemPrompt ?? null]))}`;
    if (!stored.has(id)) writes.push({ ...preset, id });
  }
  return writes;
}

function withoutMessages(conversation: ImportedConversation): Conversation {
  const record: Partial<ImportedConversation> = { ...conversation };
  delete record.messages;
  return record as Conversation;
}
