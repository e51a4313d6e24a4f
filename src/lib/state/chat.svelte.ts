/**
 * Messages of the conversations that are open, sending, streaming, stopping and retrying.
 *
 * A streaming reply lives in memory: its growing text is published to the UI at most once per
 * animation frame (`liveContent`) and written to storage at most every FLUSH_INTERVAL_MS and at
 * the end, one record per message, so a crash loses under a second of text and a long reply never
 * rewrites the conversation per token.
 */
import { SvelteMap } from 'svelte/reactivity';
import { branchTo, latestLeaf, titleFromText } from '../domain/conversation';
import { buildChatRequest, type ChatRequestBody } from '../domain/request';
import type { Conversation, Message } from '../domain/types';
import type { ChatApi } from '../api/client';
import { toApiError } from '../api/errors';
import type { StreamResult } from '../api/stream';
import { newId } from '../utils/id';
import type { ConversationsState } from './conversations.svelte';

export interface MessageStore {
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  putMessages(messages: Message[], conversation?: Conversation): Promise<void>;
  deleteMessages(ids: string[]): Promise<void>;
}

export interface ChatDependencies {
  store: MessageStore;
  conversations: ConversationsState;
  /** The API client for the current settings (rejects with an ApiError if there is no key). */
  getApi: () => Promise<ChatApi>;
  /** Storage failures go here to become a visible problem; the action that failed is dropped. */
  report: (error: unknown) => void;
  now?: () => number;
  /** Defaults to requestAnimationFrame; tests pass a synchronous scheduler. */
  scheduleFrame?: (callback: () => void) => void;
}

/** At least once a second, as promised: half of that leaves room for a slow disk. */
export const FLUSH_INTERVAL_MS = 500;

interface ActiveStream {
  controller: AbortController;
  replyId: string;
}

function defaultScheduleFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

export class ChatState {
  readonly #messages = new SvelteMap<string, Message[]>();
  readonly #live = new SvelteMap<string, string>();
  readonly #active = new SvelteMap<string, ActiveStream>();
  readonly #deps: ChatDependencies;
  readonly #now: () => number;
  readonly #scheduleFrame: (callback: () => void) => void;
  /** Writes of one message are chained so an old flush can never land after the final write. */
  // Bookkeeping, not state anything renders: a plain Map on purpose.
  readonly #writes = new Map<string, Promise<void>>();

  constructor(deps: ChatDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#scheduleFrame = deps.scheduleFrame ?? defaultScheduleFrame;
  }

  /** All loaded messages of a conversation (every branch), oldest first. */
  messages(conversationId: string): readonly Message[] {
    return this.#messages.get(conversationId) ?? [];
  }

  isLoaded(conversationId: string): boolean {
    return this.#messages.has(conversationId);
  }

  /** The branch the conversation shows, root first. */
  branch(conversation: Conversation): Message[] {
    const all = this.messages(conversation.id);
    const leaf = conversation.currentLeafId ?? latestLeaf(all);
    const branch = branchTo(all, leaf);
    return branch.length > 0 || all.length === 0 ? branch : branchTo(all, latestLeaf(all));
  }

  /** Text of a reply that is still arriving, newer than its stored record. */
  liveContent(messageId: string): string | undefined {
    return this.#live.get(messageId);
  }

  isStreaming(conversationId: string): boolean {
    return this.#active.has(conversationId);
  }

  /**
   * Loads a conversation's messages once. A reply stored as `streaming` that no stream of this
   * page is writing was cut off by a closed or crashed page: it becomes `interrupted`.
   */
  async open(conversationId: string): Promise<void> {
    if (this.#messages.has(conversationId)) return;
    const loaded = await this.#deps.store.listMessages(conversationId);
    const orphans: Message[] = [];
    const messages = loaded.map((m) => {
      if (m.status !== 'streaming') return m;
      const fixed: Message = { ...m, status: 'interrupted' };
      orphans.push(fixed);
      return fixed;
    });
    // A message sent while this load was under way is already in memory: keep it.
    const current = this.#messages.get(conversationId) ?? [];
    const loadedIds = new Set(messages.map((m) => m.id));
    this.#messages.set(conversationId, [
      ...messages,
      ...current.filter((m) => !loadedIds.has(m.id)),
    ]);
    for (const orphan of orphans) this.#write(orphan);
  }

  /** Drops a conversation from memory (it was deleted), stopping its stream first. */
  forget(conversationId: string): void {
    this.stop(conversationId);
    this.#messages.delete(conversationId);
  }

  /**
   * Stores the user's message and starts the reply. Resolves `true` once the message is safely
   * stored (the composer may clear), `false` if nothing was sent (the composer keeps the text).
   */
  async send(conversation: Conversation, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id) || text.trim() === '') return false;
    const history = this.branch(conversation);
    const user = this.#newMessage(conversation, {
      role: 'user',
      content: text,
      parentId: history.at(-1)?.id ?? null,
    });
    const isFirst = !history.some((m) => m.role === 'user');
    const titled =
      isFirst && !conversation.isTitleCustom
        ? { ...conversation, title: titleFromText(text) }
        : conversation;
    return this.#startReply(titled, [...history, user], [user]);
  }

  /** Asks again for the reply `replyId` answered; the old reply stays as a sibling if it has text. */
  async retry(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return false;
    const all = this.messages(conversation.id);
    const reply = all.find((m) => m.id === replyId);
    if (reply?.parentId == null) return false;
    const history = branchTo(all, reply.parentId);
    if (reply.content === '') {
      try {
        await this.#deps.store.deleteMessages([reply.id]);
      } catch (error) {
        this.#deps.report(error);
        return false;
      }
      this.#setMessages(conversation.id, (list) => list.filter((m) => m.id !== reply.id));
    }
    return this.#startReply(conversation, history, []);
  }

  /** Stops the reply of a conversation at once; the text so far is kept, marked stopped. */
  stop(conversationId: string): void {
    this.#active.get(conversationId)?.controller.abort();
  }

  /** Shows another branch: the newest leaf under `messageId` becomes the current one. */
  async showBranch(conversation: Conversation, messageId: string): Promise<void> {
    const all = this.messages(conversation.id);
    let leaf = messageId;
    for (;;) {
      const children = all.filter((m) => m.parentId === leaf);
      const newest = children.at(-1);
      if (!newest) break;
      leaf = newest.id;
    }
    await this.#saveConversation({ ...conversation, currentLeafId: leaf });
  }

  async #startReply(
    conversation: Conversation,
    history: Message[],
    newMessages: Message[],
  ): Promise<boolean> {
    const parent = history.at(-1);
    if (!parent) return false;
    const body = buildChatRequest(conversation.systemPrompt, conversation.params, history);
    const reply = this.#newMessage(conversation, {
      role: 'assistant',
      content: '',
      parentId: parent.id,
      status: 'streaming',
      model: conversation.params.model,
    });
    const next: Conversation = { ...conversation, currentLeafId: reply.id, updatedAt: this.#now() };
    try {
      await this.#deps.store.putMessages([...newMessages, reply], next);
    } catch (error) {
      this.#deps.report(error);
      return false;
    }
    this.#setMessages(conversation.id, (list) => [...list, ...newMessages, reply]);
    this.#deps.conversations.adopt(next);
    void this.#stream(next, reply, body);
    return true;
  }

  async #stream(conversation: Conversation, reply: Message, body: ChatRequestBody): Promise<void> {
    const controller = new AbortController();
    this.#active.set(conversation.id, { controller, replyId: reply.id });
    this.#live.set(reply.id, '');
    let text = '';
    let isDirty = false;
    let isFramePending = false;
    const publish = () => {
      isFramePending = false;
      if (this.#active.get(conversation.id)?.replyId === reply.id) this.#live.set(reply.id, text);
    };
    const flush = setInterval(() => {
      if (!isDirty) return;
      isDirty = false;
      this.#write({ ...reply, content: text, updatedAt: this.#now() });
    }, FLUSH_INTERVAL_MS);

    let final: Message;
    try {
      const api = await this.#deps.getApi();
      const result = await api.streamChat(
        body,
        (index, delta) => {
          if (index !== 0) return;
          text += delta;
          isDirty = true;
          if (!isFramePending) {
            isFramePending = true;
            this.#scheduleFrame(publish);
          }
        },
        controller.signal,
      );
      final = this.#finished(reply, text, result, controller.signal.aborted);
    } catch (thrown) {
      const error = toApiError(thrown, text !== '');
      final = { ...reply, content: text, status: 'error', error: error.toMessageError() };
    } finally {
      clearInterval(flush);
    }
    final = { ...final, updatedAt: this.#now() };
    this.#active.delete(conversation.id);
    this.#live.delete(reply.id);
    // Deleted while it streamed: nothing may be written back for it.
    if (!this.#messages.has(conversation.id)) return;
    this.#setMessages(conversation.id, (list) => list.map((m) => (m.id === final.id ? final : m)));
    this.#write(final);
    await this.#writes.get(final.id);
    const latest = this.#deps.conversations.list.find((c) => c.id === conversation.id);
    if (latest && this.#messages.has(conversation.id))
      await this.#saveConversation({ ...latest, updatedAt: this.#now() });
  }

  #finished(reply: Message, text: string, result: StreamResult, isStopped: boolean): Message {
    const choice = result.choices.find((c) => c.index === 0);
    return {
      ...reply,
      content: choice?.content ?? text,
      status: isStopped ? 'stopped' : 'complete',
      finishReason: isStopped ? null : (choice?.finishReason ?? null),
      model: result.model ?? reply.model,
      ...(result.usage ? { usage: result.usage } : {}),
    };
  }

  #newMessage(
    conversation: Conversation,
    fields: Pick<Message, 'role' | 'content' | 'parentId'> & Partial<Message>,
  ): Message {
    const now = this.#now();
    return {
      id: newId(),
      conversationId: conversation.id,
      status: 'complete',
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  }

  #setMessages(conversationId: string, change: (list: Message[]) => Message[]): void {
    this.#messages.set(conversationId, change(this.#messages.get(conversationId) ?? []));
  }

  #write(message: Message): void {
    // A conversation deleted while its reply streamed must not be resurrected by a late write.
    if (!this.#messages.has(message.conversationId)) return;
    const previous = this.#writes.get(message.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.#deps.store.putMessage(message))
      .catch((error: unknown) => {
        this.#deps.report(error);
      });
    this.#writes.set(message.id, next);
    void next.then(() => {
      if (this.#writes.get(message.id) === next) this.#writes.delete(message.id);
    });
  }

  async #saveConversation(conversation: Conversation): Promise<void> {
    try {
      await this.#deps.conversations.save(conversation);
    } catch (error) {
      this.#deps.report(error);
    }
  }
}
