/**
 * Messages of the conversations that are open, sending, streaming, stopping and retrying.
 *
 * A streaming reply lives in memory: its growing text is published to the UI at most once per
 * animation frame (`liveContent`) and written to storage at most every FLUSH_INTERVAL_MS and at
 * the end, one record per message, so a crash loses under a second of text and a long reply never
 * rewrites the conversation per token.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { branchTo, childrenByParent, latestLeaf, titleFromText } from '../domain/conversation';
import { buildChatRequest, type ChatRequestBody } from '../domain/request';
import { estimateRequestTokens, RateLimiter, type Limits } from '../domain/rate-limiter';
import type { ApiErrorKind, Conversation, Message, Usage } from '../domain/types';
import type { ModelInfo } from '../models/types';
import type { ChatApi } from '../api/client';
import { toApiError } from '../api/errors';
import type { RateLimitSnapshot } from '../api/rate-limit-headers';
import { isRetryable, MAX_RETRIES, retryDelayMs } from '../api/retry';
import type { DeltaHandler, StreamResult } from '../api/stream';
import { newId } from '../utils/id';
import type { ConversationsState } from './conversations.svelte';

export interface MessageStore {
  listMessages(conversationId: string): Promise<Message[]>;
  putMessage(message: Message): Promise<void>;
  putMessages(messages: Message[], conversation?: Conversation): Promise<void>;
  /** May resolve with anything (the store answers which conversations lost messages). */
  deleteMessages(ids: string[]): Promise<unknown>;
}

export interface ChatDependencies {
  store: MessageStore;
  conversations: ConversationsState;
  /** The API client for the current settings (rejects with an ApiError if there is no key). */
  getApi: () => Promise<ChatApi>;
  /** What Parley knows of a model (catalog, or inferred from its id): shapes the request. */
  modelInfo: (model: string) => Promise<ModelInfo>;
  /** The client-side rate limits in force (Settings); none when absent. */
  limits?: () => Limits;
  /** Storage failures go here to become a visible problem; the action that failed is dropped. */
  report: (error: unknown) => void;
  now?: () => number;
  /** Defaults to requestAnimationFrame; tests pass a synchronous scheduler. */
  scheduleFrame?: (callback: () => void) => void;
  // Several tabs (stream-locks.ts): without these, every stored `streaming` reply not streaming
  // in this page reads as cut off, which is right for a single tab.
  /** True while some tab streams this reply. */
  isStreamAlive?: (messageId: string) => Promise<boolean>;
  /** Resolves once no tab streams this reply any more. */
  whenStreamEnds?: (messageId: string) => Promise<void>;
  /** Tells other tabs this page streams the reply until `until` settles. */
  holdStreamLock?: (messageId: string, until: Promise<void>) => void;
}

/** At least once a second, as promised: half of that leaves room for a slow disk. */
export const FLUSH_INTERVAL_MS = 500;

/** What a request is waiting for, until when (epoch ms), so the page can count down. */
export type Waiting =
  | { kind: 'queue'; until: number }
  | { kind: 'retry'; until: number; attempt: number; error: ApiErrorKind };

const NO_LIMITS: Limits = { requestsPerMinute: null, tokensPerMinute: null };

/**
 * For a tokens-per-minute limit, a request without max tokens is counted as a typical reply:
 * counting the model's whole output limit (as OpenAI does) would hold every request of a small
 * tier back for a minute.
 */
const TYPICAL_REPLY_TOKENS = 1_000;

interface ActiveStream {
  controller: AbortController;
  replyIds: string[];
}

/** What Continue asks for; English works across models and is never shown or stored. */
const CONTINUE_PROMPT =
  'Continue exactly where your previous message stopped, mid-sentence if need be. Do not repeat anything and do not add a preamble.';

function addUsage(before: Usage | undefined, after: Usage): Usage {
  if (!before) return after;
  return {
    promptTokens: before.promptTokens + after.promptTokens,
    completionTokens: before.completionTokens + after.completionTokens,
    totalTokens: before.totalTokens + after.totalTokens,
  };
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function defaultScheduleFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

export class ChatState {
  readonly #messages = new SvelteMap<string, Message[]>();
  readonly #live = new SvelteMap<string, string>();
  readonly #active = new SvelteMap<string, ActiveStream>();
  /** Conversations whose request waits: for a client-side rate limit, or to retry. */
  readonly #waiting = new SvelteMap<string, Waiting>();
  readonly #limiter: RateLimiter;
  #rateLimits = $state.raw<RateLimitSnapshot | undefined>(undefined);
  /** Conversations whose request is being prepared (before their stream registers). */
  readonly #starting = new SvelteSet<string>();
  /** Conversations deleted in this page: late work for them is dropped, never written. */
  readonly #forgotten = new Set<string>();
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
    this.#limiter = new RateLimiter(this.#now);
  }

  /** What a conversation's request waits for (queue or retry), or null. */
  waiting(conversationId: string): Waiting | null {
    return this.#waiting.get(conversationId) ?? null;
  }

  /** The latest rate-limit headers an endpoint let the page read. */
  get rateLimits(): RateLimitSnapshot | undefined {
    return this.#rateLimits;
  }

  #modelInfo(model: string): Promise<ModelInfo> {
    return this.#deps.modelInfo(model);
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

  /** True from the moment a request is being prepared until its stream ends. */
  isStreaming(conversationId: string): boolean {
    return this.#active.has(conversationId) || this.#starting.has(conversationId);
  }

  /**
   * Loads a conversation's messages once. A reply stored as `streaming` that no stream of this
   * page is writing was cut off by a closed or crashed page: it becomes `interrupted`.
   */
  async open(conversationId: string): Promise<void> {
    this.#forgotten.delete(conversationId);
    if (this.#messages.has(conversationId)) return;
    const loaded = await this.#deps.store.listMessages(conversationId);
    const { messages, orphans } = await this.#checkStreaming(conversationId, loaded);
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
    this.#forgotten.add(conversationId);
    this.stop(conversationId);
    this.#messages.delete(conversationId);
  }

  /**
   * Stores the user's message and starts the reply. Resolves `true` once the message is safely
   * stored (the composer may clear), `false` if nothing was sent (the composer keeps the text).
   */
  send(conversation: Conversation, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id) || text.trim() === '') return Promise.resolve(false);
    return this.#exclusive(conversation.id, () => this.#send(conversation, text));
  }

  /** Asks again for the reply `replyId` answered; the old reply stays as a sibling if it has text. */
  retry(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, () => this.#retry(conversation, replyId));
  }

  /**
   * Asks for the rest of a reply cut off by max tokens and appends it to the same message. The
   * API cannot resume a message, so the request carries the reply so far and a short instruction
   * to go on from its last word; n is 1 whatever the conversation's setting.
   */
  continueReply(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, () => this.#continueReply(conversation, replyId));
  }

  /**
   * Runs the preparation of a request as the conversation's one activity: a second click while
   * the model info loads (before the stream registers) finds it busy instead of starting twice.
   */
  #exclusive(conversationId: string, run: () => Promise<boolean>): Promise<boolean> {
    this.#starting.add(conversationId);
    return run().finally(() => this.#starting.delete(conversationId));
  }

  async #send(conversation: Conversation, text: string): Promise<boolean> {
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

  async #retry(conversation: Conversation, replyId: string): Promise<boolean> {
    const all = this.messages(conversation.id);
    const reply = all.find((m) => m.id === replyId);
    if (reply?.parentId == null) return false;
    const history = branchTo(all, reply.parentId);
    // Replies of the failed attempt that carry no text (all n of them) give way to the new one.
    const empty = new Set(
      all
        .filter((m) => m.parentId === reply.parentId && m.role === 'assistant')
        .filter((m) => m.content === '' && m.status !== 'streaming')
        .map((m) => m.id),
    );
    if (empty.size > 0) {
      try {
        await this.#deps.store.deleteMessages([...empty]);
      } catch (error) {
        this.#deps.report(error);
        return false;
      }
      this.#setMessages(conversation.id, (list) => list.filter((m) => !empty.has(m.id)));
    }
    return this.#startReply(conversation, history, []);
  }

  /** Stops the reply of a conversation at once; the text so far is kept, marked stopped. */
  stop(conversationId: string): void {
    this.#active.get(conversationId)?.controller.abort();
  }

  /** Shows another branch: the newest leaf under `messageId` becomes the current one. */
  async showBranch(conversation: Conversation, messageId: string): Promise<void> {
    const children = childrenByParent(this.messages(conversation.id));
    let leaf = messageId;
    for (;;) {
      // The newest child; among the n choices of one request (same time), the first.
      let newest: Message | undefined;
      for (const child of children.get(leaf) ?? []) {
        if (!newest || child.createdAt > newest.createdAt) newest = child;
      }
      if (!newest) break;
      leaf = newest.id;
    }
    await this.#updateConversation(conversation.id, (c) => ({ ...c, currentLeafId: leaf }));
  }

  async #continueReply(conversation: Conversation, replyId: string): Promise<boolean> {
    const all = this.messages(conversation.id);
    const reply = all.find((m) => m.id === replyId);
    if (reply?.role !== 'assistant') return false;
    const history = [
      ...branchTo(all, reply.id),
      this.#newMessage(conversation, {
        role: 'user',
        content: CONTINUE_PROMPT,
        parentId: reply.id,
      }),
    ];
    const params = { ...conversation.params, n: 1 };
    const body = buildChatRequest(
      conversation.systemPrompt,
      params,
      history,
      await this.#modelInfo(params.model),
    );
    // Deleted while the model info loaded: nothing may be stored or sent for it.
    if (this.#forgotten.has(conversation.id)) return false;
    const resumed: Message = { ...reply, status: 'streaming', finishReason: null };
    delete resumed.error;
    this.#setMessages(conversation.id, (list) =>
      list.map((m) => (m.id === reply.id ? resumed : m)),
    );
    this.#holdStreamLocks([resumed], this.#stream(conversation, [resumed], body, [reply.content]));
    return true;
  }

  async #startReply(
    conversation: Conversation,
    history: Message[],
    newMessages: Message[],
  ): Promise<boolean> {
    const parent = history.at(-1);
    if (!parent) return false;
    const { params } = conversation;
    const body = buildChatRequest(
      conversation.systemPrompt,
      params,
      history,
      await this.#modelInfo(params.model),
    );
    // Deleted while the model info loaded: nothing may be stored or sent for it.
    if (this.#forgotten.has(conversation.id)) return false;
    const count = body.n ?? 1;
    const replies = Array.from({ length: count }, (_, index) =>
      this.#newMessage(conversation, {
        role: 'assistant',
        content: '',
        parentId: parent.id,
        status: 'streaming',
        model: params.model,
        ...(count > 1 ? { choiceIndex: index, choiceCount: count } : {}),
        ...(body.stop ? { stopSequences: body.stop } : {}),
      }),
    );
    const first = replies[0];
    if (!first) return false;
    // Built on the newest state (a preset may have been applied meanwhile) and shown before the
    // write starts, so a conversation write queued meanwhile stores this state, not an older one.
    const latest = this.#deps.conversations.get(conversation.id) ?? conversation;
    const next: Conversation = {
      ...latest,
      title: latest.title === '' ? conversation.title : latest.title,
      currentLeafId: first.id,
      updatedAt: this.#now(),
    };
    const undo = this.#deps.conversations.adopt(next);
    try {
      await this.#deps.store.putMessages([...newMessages, ...replies], next);
    } catch (error) {
      undo();
      this.#deps.report(error);
      return false;
    }
    this.#setMessages(conversation.id, (list) => [...list, ...newMessages, ...replies]);
    this.#holdStreamLocks(
      replies,
      this.#stream(
        next,
        replies,
        body,
        replies.map(() => ''),
      ),
    );
    return true;
  }

  /**
   * Streams one request into `replies` (one per choice index), each starting from its `prefix`
   * (empty, or the text so far when continuing).
   */
  async #stream(
    conversation: Conversation,
    replies: Message[],
    body: ChatRequestBody,
    prefix: string[],
  ): Promise<void> {
    const controller = new AbortController();
    const ids = replies.map((r) => r.id);
    this.#active.set(conversation.id, { controller, replyIds: ids });
    const texts = [...prefix];
    const dirty = new Set<number>();
    let isFramePending = false;
    const publish = () => {
      isFramePending = false;
      if (this.#active.get(conversation.id)?.controller !== controller) return;
      replies.forEach((reply, index) => this.#live.set(reply.id, texts[index] ?? ''));
    };
    publish();
    const flush = setInterval(() => {
      for (const index of dirty) {
        const reply = replies[index];
        if (reply) this.#write({ ...reply, content: texts[index] ?? '', updatedAt: this.#now() });
      }
      dirty.clear();
    }, FLUSH_INTERVAL_MS);

    let finals: Message[];
    const hasNewText = () => texts.some((t, i) => t !== (prefix[i] ?? ''));
    try {
      const result = await this.#request(
        conversation.id,
        body,
        (index, delta) => {
          if (index >= replies.length) return;
          texts[index] = (texts[index] ?? '') + delta;
          dirty.add(index);
          if (!isFramePending) {
            isFramePending = true;
            this.#scheduleFrame(publish);
          }
        },
        controller.signal,
        hasNewText,
      );
      finals = replies.map((reply, index) =>
        this.#finished(reply, texts[index] ?? '', result, index, controller.signal.aborted),
      );
    } catch (thrown) {
      const error = toApiError(thrown, hasNewText()).toMessageError();
      finals = replies.map((reply, index) => ({
        ...reply,
        content: texts[index] ?? '',
        status: 'error',
        error,
      }));
    } finally {
      clearInterval(flush);
    }
    this.#active.delete(conversation.id);
    for (const id of ids) this.#live.delete(id);
    // Deleted while it streamed: nothing may be written back for it.
    if (!this.#messages.has(conversation.id)) return;
    const now = this.#now();
    const byId = new Map(finals.map((m) => [m.id, { ...m, updatedAt: now }]));
    this.#setMessages(conversation.id, (list) => list.map((m) => byId.get(m.id) ?? m));
    for (const final of byId.values()) this.#write(final);
    await Promise.all(ids.map((id) => this.#writes.get(id) ?? Promise.resolve()));
    if (this.#messages.has(conversation.id)) {
      await this.#updateConversation(conversation.id, (c) => ({ ...c, updatedAt: this.#now() }));
    }
  }

  /**
   * One request, as many times as it takes: first waits while the client-side rate limits say so
   * (a visible countdown), then streams; a retryable failure before any text arrived waits
   * (retry-after, rate-limit reset or backoff, also visible) and tries again, up to MAX_RETRIES.
   * Stop during a wait ends it: a queued request is stopped, a retry ends with its last error.
   */
  async #request(
    conversationId: string,
    body: ChatRequestBody,
    onDelta: DeltaHandler,
    signal: AbortSignal,
    hasNewText: () => boolean,
  ): Promise<StreamResult> {
    const api = await this.#deps.getApi();
    const tokens = estimateRequestTokens(
      body.messages,
      body.max_tokens ?? body.max_completion_tokens,
      TYPICAL_REPLY_TOKENS,
      body.n ?? 1,
    );
    for (let attempt = 0; ; attempt++) {
      const queued = this.#limiter.waitMs(tokens, this.#deps.limits?.() ?? NO_LIMITS);
      if (queued > 0) {
        await this.#pause(conversationId, { kind: 'queue', until: this.#now() + queued }, signal);
        if (signal.aborted) return { choices: [], model: undefined, usage: undefined };
      }
      this.#limiter.record(tokens);
      try {
        const result = await api.streamChat(body, onDelta, signal);
        if (result.rateLimits) this.#rateLimits = result.rateLimits;
        return result;
      } catch (thrown) {
        const error = toApiError(thrown, hasNewText());
        if (error.rateLimits) this.#rateLimits = error.rateLimits;
        const canRetry = isRetryable(error.kind) && !hasNewText() && attempt < MAX_RETRIES;
        if (!canRetry || signal.aborted) throw error;
        const delay = retryDelayMs(error, attempt);
        const until = this.#now() + delay;
        await this.#pause(
          conversationId,
          { kind: 'retry', until, attempt: attempt + 1, error: error.kind },
          signal,
        );
        // Stop pressed during the wait (TypeScript cannot see the await change `aborted`).
        if (isAborted(signal)) throw error;
      }
    }
  }

  /** Waits until `waiting.until` or until `signal` aborts, showing what it waits for meanwhile. */
  async #pause(conversationId: string, waiting: Waiting, signal: AbortSignal): Promise<void> {
    this.#waiting.set(conversationId, waiting);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, waiting.until - this.#now()));
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
    this.#waiting.delete(conversationId);
  }

  #finished(
    reply: Message,
    text: string,
    result: StreamResult,
    index: number,
    isStopped: boolean,
  ): Message {
    const choice = result.choices.find((c) => c.index === index);
    const finished: Message = {
      ...reply,
      content: text,
      status: isStopped ? 'stopped' : 'complete',
      finishReason: isStopped ? null : (choice?.finishReason ?? null),
      model: result.model ?? reply.model,
    };
    if (choice?.matchedStop !== undefined) finished.matchedStop = choice.matchedStop;
    // A continued reply adds the new request's usage to what the first part cost.
    if (result.usage) finished.usage = addUsage(reply.usage, result.usage);
    return finished;
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

  async #updateConversation(id: string, change: (c: Conversation) => Conversation): Promise<void> {
    try {
      await this.#deps.conversations.update(id, change);
    } catch (error) {
      this.#deps.report(error);
    }
  }

  // ---- Several tabs (see sync.ts and stream-locks.ts) ----

  /** Replies whose stream in another tab this page waits to end (see #checkStreaming). */
  readonly #awaitingEnd = new Set<string>();

  /**
   * Reads a loaded conversation's messages again: another tab changed them. Skipped while this
   * page streams or prepares a reply there (its own records are the newer ones then); a message
   * this page is still writing keeps its in-memory version.
   */
  async reload(conversationId: string): Promise<void> {
    if (!this.#messages.has(conversationId) || this.isStreaming(conversationId)) return;
    const loaded = await this.#deps.store.listMessages(conversationId);
    const { messages, orphans } = await this.#checkStreaming(conversationId, loaded);
    if (!this.#messages.has(conversationId) || this.isStreaming(conversationId)) return;
    const writing = new Map(
      this.messages(conversationId)
        .filter((m) => this.#writes.has(m.id))
        .map((m) => [m.id, m]),
    );
    const merged = messages.map((m) => writing.get(m.id) ?? m);
    const loadedIds = new Set(messages.map((m) => m.id));
    this.#messages.set(conversationId, [
      ...merged,
      ...[...writing.values()].filter((m) => !loadedIds.has(m.id)),
    ]);
    for (const orphan of orphans) this.#write(orphan);
  }

  /**
   * Sorts the replies stored as `streaming`: one another tab is still streaming stays so (and the
   * conversation is read again when that stream ends, even if that tab crashes); any other was
   * cut off by a closed or crashed page and becomes `interrupted` (the caller stores it).
   */
  async #checkStreaming(
    conversationId: string,
    loaded: Message[],
  ): Promise<{ messages: Message[]; orphans: Message[] }> {
    const streaming = loaded.filter((m) => m.status === 'streaming');
    const isAlive = this.#deps.isStreamAlive ?? (() => Promise.resolve(false));
    const alive = await Promise.all(streaming.map((m) => isAlive(m.id)));
    const cutOff = new Set(streaming.filter((_, i) => alive[i] !== true).map((m) => m.id));
    for (const m of streaming) {
      if (cutOff.has(m.id) || this.#awaitingEnd.has(m.id) || !this.#deps.whenStreamEnds) continue;
      this.#awaitingEnd.add(m.id);
      void this.#deps
        .whenStreamEnds(m.id)
        .then(() => {
          this.#awaitingEnd.delete(m.id);
          return this.reload(conversationId);
        })
        .catch(this.#deps.report);
    }
    const orphans: Message[] = [];
    const messages = loaded.map((m) => {
      if (!cutOff.has(m.id)) return m;
      const fixed: Message = { ...m, status: 'interrupted' };
      orphans.push(fixed);
      return fixed;
    });
    return { messages, orphans };
  }

  /** Holds each reply's stream lock until `streaming` (the stream and its final write) is done. */
  #holdStreamLocks(replies: readonly Message[], streaming: Promise<void>): void {
    for (const reply of replies) this.#deps.holdStreamLock?.(reply.id, streaming);
  }
}
