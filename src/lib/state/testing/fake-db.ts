/** In-memory stand-ins for the storage interfaces the state classes take, for unit tests. */
import { vi } from 'vitest';
import type { Conversation, Message } from '../../domain/types';
import type { MessageStore } from '../chat.svelte';
import type { ConversationStore } from '../conversations.svelte';

/** Map-backed storage. structuredClone on the way in, as IndexedDB does: a proxy would throw. */
export class FakeDb implements MessageStore, ConversationStore {
  readonly messages = new Map<string, Message>();
  readonly conversations = new Map<string, Conversation>();
  /** Deleted conversations, as the store's tombstones: a delete leaves one, an undo removes it. */
  readonly tombstones = new Set<string>();

  listMessages = vi.fn((conversationId: string): Promise<Message[]> => {
    const list = [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId)
      .sort((a, b) => a.createdAt - b.createdAt);
    return Promise.resolve(structuredClone(list));
  });

  putMessage = vi.fn((message: Message): Promise<void> => {
    this.messages.set(message.id, structuredClone(message));
    return Promise.resolve();
  });

  interruptStreaming = vi.fn((ids: readonly string[]): Promise<Message[]> => {
    const now: Message[] = [];
    for (const id of ids) {
      const stored = this.messages.get(id);
      if (!stored) continue;
      if (stored.status === 'streaming') stored.status = 'interrupted';
      now.push(structuredClone(stored));
    }
    return Promise.resolve(now);
  });

  putMessages = vi.fn((messages: Message[], conversation?: Conversation): Promise<void> => {
    for (const message of messages) this.messages.set(message.id, structuredClone(message));
    if (conversation) this.conversations.set(conversation.id, structuredClone(conversation));
    return Promise.resolve();
  });

  deleteMessages = vi.fn((ids: string[]): Promise<void> => {
    for (const id of ids) this.messages.delete(id);
    return Promise.resolve();
  });

  listConversations = vi.fn((): Promise<Conversation[]> =>
    Promise.resolve(structuredClone([...this.conversations.values()])),
  );

  getConversation = vi.fn((id: string): Promise<Conversation | undefined> =>
    Promise.resolve(structuredClone(this.conversations.get(id))),
  );

  /** Like IndexedDB's read-modify-write in one transaction: `change` sees the stored record. */
  updateConversation = vi.fn(
    (
      id: string,
      change: (stored: Conversation | undefined) => Conversation | undefined,
      messages?: { put?: readonly Message[]; delete?: readonly string[] },
    ): Promise<Conversation | undefined> => {
      const next = change(structuredClone(this.conversations.get(id)));
      if (next === undefined) return Promise.resolve(undefined);
      const written = structuredClone({ ...next, id });
      this.conversations.set(id, written);
      for (const message of messages?.put ?? []) {
        if (message.conversationId === id) this.messages.set(message.id, structuredClone(message));
      }
      for (const messageId of messages?.delete ?? []) this.messages.delete(messageId);
      return Promise.resolve(structuredClone(written));
    },
  );

  putConversation = vi.fn((conversation: Conversation): Promise<void> => {
    this.conversations.set(conversation.id, structuredClone(conversation));
    return Promise.resolve();
  });

  deleteConversation = vi.fn((id: string) => {
    const conversation = this.conversations.get(id);
    if (!conversation) return Promise.resolve(undefined);
    const messages = this.messagesOf(id);
    this.conversations.delete(id);
    for (const message of messages) this.messages.delete(message.id);
    this.tombstones.add(id);
    return Promise.resolve({ conversation, messages });
  });

  restoreConversation = vi.fn((conversation: Conversation, messages: Message[]): Promise<void> => {
    this.conversations.set(conversation.id, structuredClone(conversation));
    this.tombstones.delete(conversation.id);
    for (const message of messages) this.messages.set(message.id, structuredClone(message));
    return Promise.resolve();
  });

  listTombstones = vi.fn(() =>
    Promise.resolve([...this.tombstones].map((id) => ({ id, deletedAt: 0 }))),
  );

  messagesOf(conversationId: string): Message[] {
    return [...this.messages.values()].filter((m) => m.conversationId === conversationId);
  }
}
