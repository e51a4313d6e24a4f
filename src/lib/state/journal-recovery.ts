/**
 * Stores what closed pages kept in localStorage (write-journal.ts), loaded only when a page left
 * something. Each kept text is read defensively (it is whatever an older or damaged page wrote):
 * what does not read as a message or a conversation write is skipped. Nothing is brought back
 * for a conversation deleted meanwhile, and nothing older than what storage holds replaces it.
 */
import { applyPatch, type Patch } from '../domain/conversation-patch';
import type { Conversation, Message } from '../domain/types';
import { normalizeConversation, normalizeMessage } from '../storage/normalize';
import type { StoredConversation, StoredMessage } from '../storage/schema';
import type { ConversationPatch } from './conversations.svelte';
import type { JournalStore, Unwritten } from './write-journal';

/** Stores what the `kept` texts hold; resolves with the number of messages stored. */
export async function recoverKept(store: JournalStore, kept: readonly string[]): Promise<number> {
  const keptConversations: ConversationPatch[] = [];
  const keptMessages: Message[] = [];
  for (const text of kept) {
    const unwritten = parse(text);
    keptConversations.push(...unwritten.conversations);
    keptMessages.push(...unwritten.messages);
  }
  if (keptConversations.length === 0 && keptMessages.length === 0) return 0;
  const deleted = new Set((await store.listTombstones()).map((t) => t.id));
  let recovered = 0;
  for (const { id, patch, whole, messages } of keptConversations) {
    if (deleted.has(id)) continue;
    const put = await newerThanStored(store, id, messages.put ?? []);
    const written = await store.updateConversation(
      id,
      (stored) => {
        if (stored) return patch ? applyPatch(stored, patch) : stored;
        return whole ?? undefined;
      },
      { put, delete: messages.delete ?? [] },
    );
    if (written) recovered += 1;
  }
  const byConversation = new Map<string, Message[]>();
  for (const message of keptMessages) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  for (const [conversationId, messages] of byConversation) {
    if (deleted.has(conversationId) || !(await store.getConversation(conversationId))) continue;
    for (const message of await newerThanStored(store, conversationId, messages)) {
      await store.putMessage(message);
      recovered += 1;
    }
  }
  return recovered;
}

/** Those of `messages` that storage lacks or holds an older version of. */
async function newerThanStored(
  store: JournalStore,
  conversationId: string,
  messages: readonly Message[],
): Promise<Message[]> {
  if (messages.length === 0) return [];
  const stored = new Map((await store.listMessages(conversationId)).map((m) => [m.id, m]));
  return messages.filter((m) => {
    const current = stored.get(m.id);
    return !current || isNewer(m, current);
  });
}

/** Later versions win; a reply that finished wins over the same reply still streaming. */
function isNewer(kept: Message, stored: Message): boolean {
  if (kept.updatedAt > stored.updatedAt) return true;
  return (
    kept.updatedAt === stored.updatedAt &&
    stored.status === 'streaming' &&
    kept.status !== 'streaming'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messagesIn(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (m): m is StoredMessage =>
        isObject(m) && typeof m.id === 'string' && typeof m.conversationId === 'string',
    )
    .map((m) => normalizeMessage(m));
}

function conversationIn(value: unknown): Conversation | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  return normalizeConversation(value as StoredConversation);
}

function patchIn(value: unknown): Patch | null {
  if (!isObject(value) || !isObject(value.set) || !Array.isArray(value.unset)) return null;
  if (!isObject(value.nested)) return null;
  return value as unknown as Patch;
}

function parse(text: string): Unwritten {
  const none = { conversations: [], messages: [] };
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) return none;
    const conversations = Array.isArray(value.conversations) ? value.conversations : [];
    return {
      conversations: conversations.flatMap((c: unknown): ConversationPatch[] => {
        if (!isObject(c) || typeof c.id !== 'string') return [];
        const patch = patchIn(c.patch);
        const whole = conversationIn(c.whole);
        if (!patch && !whole) return [];
        const messages = isObject(c.messages) ? c.messages : {};
        const deleted = Array.isArray(messages.delete)
          ? messages.delete.filter((id): id is string => typeof id === 'string')
          : [];
        return [
          { id: c.id, patch, whole, messages: { put: messagesIn(messages.put), delete: deleted } },
        ];
      }),
      messages: messagesIn(value.messages),
    };
  } catch {
    return none;
  }
}
