/**
 * The conversations being read and written: sending, replies, and work on the message tree (edit,
 * regenerate, versions, delete with undo, messages of any role, branches).
 *
 * A thin coordinator over units that each own one concern:
 * - MessageCache (message-cache.svelte.ts): the loaded messages and the write chain per message;
 * - ReplyStream (reply-stream.svelte.ts): one streaming request, its buffers, frames and flushes;
 * - requestWithRetries (request-loop.ts): the queue-and-retry loop;
 * - lib/domain/tree.ts: what each tree operation writes, as pure functions.
 * Conversation records are written by ConversationsState only: a message write hands it the
 * messages to store in the same transaction as the conversation change (the branch shown, the
 * last activity).
 *
 * What is sent is what is shown: the request preview and Send both build the body with
 * `#plan`, from the same model information (`models`); Send first waits until that
 * information is final, so a model changed just before Send cannot be sent with rules the preview
 * did not show. Which messages go in is the conversation's `Context` choice (domain/context.ts),
 * applied in `#plan` for both. Every request that spends money (Send, Regenerate, Retry, Save and
 * send, Continue) passes the page's SendGate first, in `#confirm`: the context check and the budget.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { branchTo, childrenByParent, latestLeaf, titleFromText } from '../domain/conversation';
import type { ChatRequestBody } from '../domain/request';
import {
  ALL_MESSAGES,
  approxMessageTokens,
  planRequest,
  type ContextChoice,
  type HistoryEntry,
  type PlannedRequest,
} from '../domain/context';
import { estimateRequestTokens, RateLimiter, type Limits } from '../domain/rate-limiter';
import { awaitsReply, versionOf, type Version } from '../domain/conversation';
import type * as Tree from '../domain/tree';
import type { Removal } from '../domain/tree';
import type { Conversation, Message, Role } from '../domain/types';
import type { Waiting } from '../domain/waiting';
import type { ModelInfo } from '../models/types';
import type { ChatApi } from '../api/client';
import type { RateLimitSnapshot } from '../api/rate-limit-headers';
import type { StreamResult } from '../api/stream';
import { newId } from '../utils/id';
import { OneAtATime } from '../utils/one-at-a-time';
import type { ConversationsState, MessageWrites } from './conversations.svelte';
import { MessageCache, type MessageStore } from './message-cache.svelte';
import { ReplyStream } from './reply-stream.svelte';
import { requestWithRetries } from './request-loop';

export type { MessageStore } from './message-cache.svelte';
export { FLUSH_INTERVAL_MS } from './reply-stream.svelte';

/** What Parley knows of models, one source for the preview and for Send. */
export interface ModelSource {
  /** What is known now: the catalog's answer once loaded, else what the id says. */
  info(model: string): ModelInfo;
  /** Resolves once `info` gives its final answer (the catalog loaded, or failed to). */
  ready(): Promise<void>;
}

export interface ChatDependencies {
  store: MessageStore;
  conversations: ConversationsState;
  /** The API client for the settings in force (rejects with an ApiError if there is no key). */
  getApi: () => Promise<ChatApi>;
  models: ModelSource;
  /** The client-side rate limits in force (Settings); none when absent. */
  limits?: () => Limits;
  /** Storage failures go here to become a visible problem; the action that failed is dropped. */
  report: (error: unknown) => void;
  now?: () => number;
  newId?: () => string;
  /** Defaults to requestAnimationFrame; tests pass a synchronous scheduler. */
  scheduleFrame?: (callback: () => void) => void;
  // Several tabs (stream-locks.ts): without these, every stored `streaming` reply not streaming
  // in this page reads as cut off, which is right for a single tab.
  isStreamAlive?: (messageId: string) => Promise<boolean>;
  whenStreamEnds?: (messageId: string) => Promise<void>;
  /** Tells other tabs this page streams the reply until `until` settles. */
  holdStreamLock?: (messageId: string, until: Promise<void>) => void;
  /** Told once a request's replies are final and stored (usage, automatic titles). */
  onReplies?: (conversation: Conversation, replies: readonly Message[]) => void;
}

export type { PlannedRequest } from '../domain/context';

/** The request would not fit: what it needs, what fits, and what Send recent messages only leaves out. */
export interface ContextQuestion {
  tokens: number;
  limit: number;
  omitted: number;
}

/**
 * Asked before every request that spends money. The page sets one (`setGate`); without it (unit
 * tests, before the page is up) requests go as they are.
 */
export interface SendGate {
  /** 'recent': send the most recent messages that fit, this time; 'all': send anyway. */
  confirmContext(question: ContextQuestion): Promise<'recent' | 'all' | 'cancel'>;
  /** Whether spending may go on (the monthly budget); false: nothing is sent. */
  confirmSpend(): Promise<boolean>;
}

const NO_LIMITS: Limits = { requestsPerMinute: null, tokensPerMinute: null };

/**
 * For a tokens-per-minute limit, a request without max tokens is counted as a typical reply:
 * counting the model's whole output limit (as OpenAI does) would hold every request of a small
 * tier back for a minute.
 */
const TYPICAL_REPLY_TOKENS = 1_000;

/** What Continue asks for; English works across models and is never shown or stored. */
const CONTINUE_PROMPT =
  'Continue exactly where your previous message stopped, mid-sentence if need be. Do not repeat anything and do not add a preamble.';

/** A deleted message that `undoDelete` can still bring back. */
interface DeletedMessage {
  removal: Removal;
  previousLeafId: string | null;
}

/** The tree operations load with the first one used: they are not first-load code. */
function tree(): Promise<typeof Tree> {
  return import('../domain/tree');
}

function defaultScheduleFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

export class ChatState {
  readonly #cache: MessageCache;
  /** The streaming request of each conversation. */
  readonly #streams = new SvelteMap<string, ReplyStream>();
  /** Conversations whose request waits: for a client-side rate limit, or to retry. */
  readonly #waiting = new SvelteMap<string, Waiting>();
  /** Conversations whose request is being prepared (before their stream registers). */
  readonly #starting = new SvelteSet<string>();
  readonly #deleted = new SvelteMap<string, DeletedMessage>();
  /**
   * Work on a conversation's tree runs one change at a time, each reading what the one before
   * wrote: two Deletes clicked in quick succession must not both start from the same messages.
   */
  readonly #edits = new OneAtATime();
  readonly #limiter: RateLimiter;
  #rateLimits = $state.raw<RateLimitSnapshot | undefined>(undefined);
  readonly #deps: ChatDependencies;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #scheduleFrame: (callback: () => void) => void;
  /** The children of each message list, computed once per list (lists are replaced, not mutated). */
  readonly #children = new WeakMap<readonly Message[], Map<string | null, Message[]>>();
  /** Estimated tokens per message, so a keystroke counts only the draft again. */
  readonly #tokens = new WeakMap<object, { content: string; tokens: number }>();
  #gate: SendGate | null = null;

  constructor(deps: ChatDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? newId;
    this.#scheduleFrame = deps.scheduleFrame ?? defaultScheduleFrame;
    this.#limiter = new RateLimiter(this.#now);
    this.#cache = new MessageCache({
      store: deps.store,
      report: deps.report,
      isBusy: (id) => this.isStreaming(id),
      ...(deps.isStreamAlive ? { isStreamAlive: deps.isStreamAlive } : {}),
      ...(deps.whenStreamEnds ? { whenStreamEnds: deps.whenStreamEnds } : {}),
    });
  }

  // ---- Reading ----

  /** What a conversation's request waits for (queue or retry), or null. */
  waiting(conversationId: string): Waiting | null {
    return this.#waiting.get(conversationId) ?? null;
  }

  /** The latest rate-limit headers an endpoint let the page read. */
  get rateLimits(): RateLimitSnapshot | undefined {
    return this.#rateLimits;
  }

  /** All loaded messages of a conversation (every branch), oldest first. */
  messages(conversationId: string): readonly Message[] {
    return this.#cache.get(conversationId);
  }

  isLoaded(conversationId: string): boolean {
    return this.#cache.has(conversationId);
  }

  /** The branch the conversation shows, root first. */
  branch(conversation: Conversation): Message[] {
    const all = this.messages(conversation.id);
    const leaf = conversation.currentLeafId ?? latestLeaf(all);
    const branch = branchTo(all, leaf);
    return branch.length > 0 || all.length === 0 ? branch : branchTo(all, latestLeaf(all));
  }

  /** Where a message stands among its versions (siblings under one parent). */
  versions(conversation: Conversation, message: Message): Version {
    const all = this.messages(conversation.id);
    let children = this.#children.get(all);
    if (!children) {
      children = childrenByParent(all);
      this.#children.set(all, children);
    }
    return versionOf(children, message);
  }

  /** Text of a reply that is still arriving, newer than its stored record. */
  liveContent(messageId: string): string | undefined {
    return this.#live(messageId)?.content;
  }

  /** Reasoning of a reply that is still arriving. */
  liveReasoning(messageId: string): string | undefined {
    return this.#live(messageId)?.reasoning;
  }

  #live(messageId: string) {
    for (const stream of this.#streams.values()) {
      const live = stream.live(messageId);
      if (live) return live;
    }
    return undefined;
  }

  /** True while the newest text of a message has not reached storage yet. */
  isUnsaved(messageId: string): boolean {
    return this.#cache.isUnsaved(messageId);
  }

  /** Every message whose newest text is only in memory, as shown (an export must carry them). */
  unsavedMessages(): Message[] {
    return this.#withLiveText(this.#cache.unsavedMessages());
  }

  /**
   * What storage may not hold yet: messages whose writes are under way or failed, with the text
   * shown (after `flushAll`, streaming replies as far as they have arrived). Kept by a page that
   * closes (write-journal.ts).
   */
  writingMessages(): Message[] {
    return this.#withLiveText(this.#cache.writingMessages());
  }

  #withLiveText(messages: readonly Message[]): Message[] {
    return messages.map((m) => {
      const live = this.#live(m.id);
      if (!live) return m;
      return {
        ...m,
        content: live.content,
        ...(live.reasoning ? { reasoning: live.reasoning } : {}),
      };
    });
  }

  /** True from the moment a request is being prepared until its stream ends. */
  isStreaming(conversationId: string): boolean {
    return this.#streams.has(conversationId) || this.#starting.has(conversationId);
  }

  /** True while any conversation of this page streams or prepares a reply. */
  get isAnyStreaming(): boolean {
    return this.#streams.size > 0 || this.#starting.size > 0;
  }

  /** Whether the branch ends with a user message: Send with an empty composer then asks for a reply. */
  canReplyToBranch(conversation: Conversation): boolean {
    return awaitsReply(this.branch(conversation));
  }

  /**
   * The exact body the next Send posts, with `draft` as the new user message (none when empty):
   * the request preview shows this.
   */
  nextRequest(conversation: Conversation, draft: string): ChatRequestBody {
    return this.nextPlan(conversation, draft).body;
  }

  /** `nextRequest` with what the context choice leaves out (the transcript shows where). */
  nextPlan(conversation: Conversation, draft: string): PlannedRequest {
    const history: HistoryEntry[] = this.branch(conversation);
    return this.#plan(
      conversation,
      draft.trim() === '' ? history : [...history, { role: 'user', content: draft }],
    );
  }

  /** Sets what is asked before each paid request (null: nothing is asked). */
  setGate(gate: SendGate | null): void {
    this.#gate = gate;
  }

  /** The body for `history` under the conversation's context choice (or `choice` for this once). */
  #plan(
    conversation: Conversation,
    history: readonly HistoryEntry[],
    choice: ContextChoice = conversation.context ?? ALL_MESSAGES,
  ): PlannedRequest {
    const { params, systemPrompt } = conversation;
    return planRequest({
      systemPrompt,
      params,
      history,
      info: this.#deps.models.info(params.model),
      choice,
      tokensOf: (message) => this.#tokensOf(message),
    });
  }

  #tokensOf(message: HistoryEntry): number {
    const known = this.#tokens.get(message);
    if (known?.content === message.content) return known.tokens;
    const tokens = approxMessageTokens(message);
    this.#tokens.set(message, { content: message.content, tokens });
    return tokens;
  }

  /**
   * The page's questions before a paid request: the context check (All messages that would not
   * fit), then the budget. Resolves the body to send, or null when the person cancelled.
   */
  async #confirm(
    conversation: Conversation,
    history: readonly HistoryEntry[],
  ): Promise<ChatRequestBody | null> {
    let plan = this.#plan(conversation, history);
    const gate = this.#gate;
    if (!gate) return plan.body;
    const choice = conversation.context ?? ALL_MESSAGES;
    if (choice.mode === 'all' && !plan.fits && plan.limit !== null) {
      const recent = this.#plan(conversation, history, { ...choice, mode: 'fit' });
      const answer = await gate.confirmContext({
        tokens: plan.tokens,
        limit: plan.limit,
        omitted: recent.omitted,
      });
      if (answer === 'cancel') return null;
      if (answer === 'recent') plan = recent;
    }
    return (await gate.confirmSpend()) ? plan.body : null;
  }

  // ---- Loading ----

  /**
   * Loads a conversation's messages once. A reply stored as `streaming` that no stream of this
   * page is writing was cut off by a closed or crashed page: it becomes `interrupted`.
   */
  open(conversationId: string): Promise<void> {
    return this.#cache.open(conversationId);
  }

  /** Reads a loaded conversation again: another tab changed its messages. */
  reload(conversationId: string): Promise<void> {
    return this.#cache.reload(conversationId);
  }

  /** Drops a conversation from memory (it was deleted), stopping its stream first. */
  forget(conversationId: string): void {
    this.stop(conversationId);
    this.#deleted.delete(conversationId);
    this.#cache.forget(conversationId);
  }

  /** Writes what every streaming reply has so far (the page is being hidden or closed). */
  flushAll(): void {
    for (const stream of this.#streams.values()) stream.flush();
  }

  // ---- Asking ----

  /**
   * Stores the user's message and starts the reply; with empty text, asks for a reply to a branch
   * that ends with a user message. Resolves `true` once the message is safely stored (the
   * composer may clear), `false` if nothing was sent (the composer keeps the text).
   */
  send(conversation: Conversation, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    if (text.trim() === '') {
      if (!this.canReplyToBranch(conversation)) return Promise.resolve(false);
      return this.#exclusive(conversation.id, () =>
        this.#startReply(conversation, this.branch(this.#latest(conversation)), []),
      );
    }
    return this.#exclusive(conversation.id, () => {
      const history = this.branch(this.#latest(conversation));
      const user = this.#newMessage(conversation.id, {
        role: 'user',
        content: text,
        parentId: history.at(-1)?.id ?? null,
      });
      const isFirst = !history.some((m) => m.role === 'user');
      return this.#startReply(conversation, [...history, user], [user], isFirst ? text : null);
    });
  }

  /**
   * Asks again for the reply `replyId` answered, with the parameters now in force; the old reply
   * stays beside the new one as a version if it has text (an empty failed one gives way).
   */
  regenerate(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, () => {
      const all = this.messages(conversation.id);
      const reply = all.find((m) => m.id === replyId);
      if (reply?.parentId == null) return Promise.resolve(false);
      const parentId = reply.parentId;
      // Replies of the failed attempt that carry no text (all n of them) give way to the new one.
      const empty = all
        .filter((m) => m.parentId === parentId && m.role === 'assistant')
        .filter((m) => m.content === '' && m.status !== 'streaming')
        .map((m) => m.id);
      return this.#startReply(conversation, branchTo(all, parentId), [], null, empty);
    });
  }

  /** Retry of a failed or cut-off reply: the same as Regenerate. */
  retry(conversation: Conversation, replyId: string): Promise<boolean> {
    return this.regenerate(conversation, replyId);
  }

  /**
   * Adds an edited version of a user message beside the old one and asks for a reply from there;
   * the old question and everything after it stay as the other version.
   */
  editAndSend(conversation: Conversation, messageId: string, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id) || text.trim() === '') return Promise.resolve(false);
    return this.#exclusive(conversation.id, async () => {
      const all = this.messages(conversation.id);
      const original = all.find((m) => m.id === messageId);
      if (original?.role !== 'user') return false;
      const { editedVersion } = await tree();
      const edited = editedVersion(original, text, this.#mint());
      const history = [...branchTo(all, original.parentId), edited];
      return this.#startReply(conversation, history, [edited]);
    });
  }

  /**
   * Asks for the rest of a reply cut off by max tokens and appends it to the same message. The
   * API cannot resume a message, so the request carries the reply so far and a short instruction
   * to go on from its last word; n is 1 whatever the conversation's setting.
   */
  continueReply(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, async () => {
      const reply = this.messages(conversation.id).find((m) => m.id === replyId);
      if (reply?.role !== 'assistant') return false;
      await this.#deps.models.ready();
      const latest = this.#latest(conversation);
      const history = [
        ...branchTo(this.messages(conversation.id), reply.id),
        { role: 'user' as const, content: CONTINUE_PROMPT },
      ];
      const body = await this.#confirm({ ...latest, params: { ...latest.params, n: 1 } }, history);
      // Deleted while the model info loaded (or the questions were open): nothing may be stored
      // or sent for it.
      if (body === null || this.#cache.isForgotten(conversation.id)) return false;
      const resumed: Message = { ...reply, status: 'streaming', finishReason: null };
      delete resumed.error;
      this.#cache.upsert(conversation.id, [resumed]);
      this.#stream(latest, [resumed], body);
      return true;
    });
  }

  /** Stops the reply of a conversation at once; the text so far is kept, marked stopped. */
  stop(conversationId: string): void {
    this.#streams.get(conversationId)?.stop();
  }

  // ---- Working on the tree (nothing is sent) ----

  /** Changes a message's text in place (any role): correcting a reply, preparing examples. */
  saveEdit(conversation: Conversation, messageId: string, text: string): Promise<boolean> {
    return this.#edits.run(conversation.id, async () => {
      const message = this.messages(conversation.id).find((m) => m.id === messageId);
      if (!message || message.status === 'streaming') return false;
      const { editedInPlace } = await tree();
      const edited = editedInPlace(message, text, this.#now());
      return this.#commit(conversation.id, (c) => c, { put: [edited] });
    });
  }

  /** Appends a message of any role to the shown branch, without sending. */
  addMessage(conversation: Conversation, role: Role, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id) || text.trim() === '') return Promise.resolve(false);
    return this.#edits.run(conversation.id, async () => {
      const latest = this.#latest(conversation);
      const branch = this.branch(latest);
      const { appendedMessage } = await tree();
      const message = appendedMessage(branch, conversation.id, role, text, this.#mint());
      const isFirstUser = role === 'user' && !branch.some((m) => m.role === 'user');
      return this.#commit(
        conversation.id,
        (c) => ({
          ...c,
          title: isFirstUser && !c.isTitleCustom && c.title === '' ? titleFromText(text) : c.title,
          currentLeafId: message.id,
          updatedAt: this.#now(),
        }),
        { put: [message] },
        latest,
      );
    });
  }

  /**
   * Deletes one message; what followed it stays, attached to the message before it. `undoDelete`
   * brings it back until the next delete in that conversation or `dismissDeleted`.
   */
  deleteMessage(conversation: Conversation, messageId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#edits.run(conversation.id, async () => {
      const previousLeafId = this.branch(this.#latest(conversation)).at(-1)?.id ?? null;
      const { removeMessage } = await tree();
      const removal = removeMessage(
        this.messages(conversation.id),
        messageId,
        previousLeafId,
        this.#now(),
      );
      if (!removal) return false;
      const isDone = await this.#commit(
        conversation.id,
        (c) => ({ ...c, currentLeafId: removal.leafId }),
        { put: removal.reattached, delete: [messageId] },
      );
      if (isDone) this.#deleted.set(conversation.id, { removal, previousLeafId });
      return isDone;
    });
  }

  /** The message `undoDelete` would bring back, if any. */
  deletedMessage(conversationId: string): { message: Message } | null {
    const deleted = this.#deleted.get(conversationId);
    return deleted ? { message: deleted.removal.removed } : null;
  }

  undoDelete(conversationId: string): Promise<void> {
    return this.#edits.run(conversationId, async () => {
      const deleted = this.#deleted.get(conversationId);
      if (!deleted) return;
      const { restoreRemoval } = await tree();
      const restored = restoreRemoval(this.messages(conversationId), deleted.removal, this.#now());
      const isDone = await this.#commit(
        conversationId,
        (c) => ({ ...c, currentLeafId: deleted.previousLeafId }),
        { put: restored },
      );
      if (isDone) this.#deleted.delete(conversationId);
    });
  }

  dismissDeleted(conversationId: string): void {
    this.#deleted.delete(conversationId);
  }

  /** Shows another branch: the newest leaf under `messageId` becomes the current one. */
  showBranch(conversation: Conversation, messageId: string): Promise<void> {
    return this.#edits.run(conversation.id, async () => {
      const { newestLeafUnder } = await tree();
      await this.#showLeaf(
        conversation.id,
        newestLeafUnder(this.messages(conversation.id), messageId),
      );
    });
  }

  /** Shows the previous or next version of a message, with the rest of its newest branch. */
  showVersion(conversation: Conversation, message: Message, step: -1 | 1): Promise<void> {
    return this.#edits.run(conversation.id, async () => {
      const { leafAfterVersionStep } = await tree();
      const leaf = leafAfterVersionStep(this.messages(conversation.id), message, step);
      if (leaf !== null) await this.#showLeaf(conversation.id, leaf);
    });
  }

  /** Remembers the branch shown (reload shows it again; other tabs hear of it). */
  async #showLeaf(conversationId: string, leafId: string): Promise<void> {
    try {
      await this.#deps.conversations.update(conversationId, (c) => ({
        ...c,
        currentLeafId: leafId,
      }));
    } catch (error) {
      this.#deps.report(error);
    }
  }

  /**
   * A new conversation holding a copy of the path from the first message to `messageId`, with
   * the same system prompt and parameters, named `title`; it is shown at once. The original is
   * unchanged. Resolves with the new conversation, or null if nothing could be stored.
   */
  async branchInNewChat(
    conversation: Conversation,
    messageId: string,
    title: string,
  ): Promise<Conversation | null> {
    const source = this.#latest(conversation);
    const id = this.#newId();
    const { copyPath } = await tree();
    const copies = copyPath(this.messages(conversation.id), messageId, id, this.#newId);
    if (copies.length === 0) return null;
    const now = this.#now();
    const branch: Conversation = {
      ...$state.snapshot(source),
      id,
      title,
      isTitleCustom: true,
      createdAt: now,
      updatedAt: now,
      currentLeafId: copies.at(-1)?.id ?? null,
    };
    try {
      await this.#deps.conversations.save(branch, { put: copies });
    } catch (error) {
      this.#deps.report(error);
      return null;
    }
    this.#cache.change(id, () => copies);
    this.#deps.conversations.select(id);
    return branch;
  }

  // ---- Internals ----

  /**
   * Runs the preparation of a request as the conversation's one activity: a second click while
   * the model info loads (before the stream registers) finds it busy instead of starting twice.
   * It waits its turn after tree changes under way, so it reads the branch they leave.
   */
  #exclusive(conversationId: string, run: () => Promise<boolean>): Promise<boolean> {
    this.#starting.add(conversationId);
    return this.#edits
      .run(conversationId, run)
      .finally(() => this.#starting.delete(conversationId));
  }

  /** The newest state of a conversation (a preset may have been applied since it was passed). */
  #latest(conversation: Conversation): Conversation {
    return this.#deps.conversations.get(conversation.id) ?? conversation;
  }

  /**
   * Stores a conversation change with messages in one transaction (through ConversationsState),
   * then shows the messages. `fallback` is the conversation when it is a draft not stored yet.
   */
  async #commit(
    conversationId: string,
    change: (conversation: Conversation) => Conversation,
    messages: MessageWrites,
    fallback?: Conversation,
  ): Promise<boolean> {
    const current = this.#deps.conversations.get(conversationId) ?? fallback;
    if (!current) return false;
    try {
      await this.#deps.conversations.save(change(current), messages);
    } catch (error) {
      this.#deps.report(error);
      return false;
    }
    if (messages.delete) this.#cache.remove(conversationId, new Set(messages.delete));
    if (messages.put) this.#cache.upsert(conversationId, messages.put);
    return true;
  }

  /**
   * Stores `newMessages` and new streaming replies under the end of `history`, then streams. The
   * body is built after the model information is final, from the conversation as it is then,
   * with the same function as the preview. `firstText` titles an untitled conversation.
   */
  async #startReply(
    conversation: Conversation,
    history: readonly Message[],
    newMessages: readonly Message[],
    firstText: string | null = null,
    replaced: readonly string[] = [],
  ): Promise<boolean> {
    const parent = history.at(-1);
    if (!parent) return false;
    await this.#deps.models.ready();
    // Deleted while the model info loaded: nothing may be stored or sent for it.
    if (this.#cache.isForgotten(conversation.id)) return false;
    const asked = await this.#confirm(this.#latest(conversation), history);
    // Cancelled, or deleted while the questions were open.
    if (asked === null || this.#cache.isForgotten(conversation.id)) return false;
    const body = asked;
    const latest = this.#latest(conversation);
    const count = body.n ?? 1;
    const replies = Array.from({ length: count }, (_, index) =>
      this.#newMessage(conversation.id, {
        role: 'assistant',
        content: '',
        parentId: parent.id,
        status: 'streaming',
        model: latest.params.model,
        ...(count > 1 ? { choiceIndex: index, choiceCount: count } : {}),
        ...(body.stop ? { stopSequences: body.stop } : {}),
      }),
    );
    const first = replies[0];
    if (!first) return false;
    const isCommitted = await this.#commit(
      conversation.id,
      (c) => ({
        ...c,
        title:
          firstText !== null && !c.isTitleCustom && c.title === ''
            ? titleFromText(firstText)
            : c.title,
        currentLeafId: first.id,
        updatedAt: this.#now(),
      }),
      { put: [...newMessages, ...replies], delete: replaced },
      latest,
    );
    if (!isCommitted) return false;
    this.#stream(this.#latest(latest), replies, body);
    return true;
  }

  /** Streams one request into `replies` (one per choice index) and stores how it ended. */
  #stream(conversation: Conversation, replies: readonly Message[], body: ChatRequestBody): void {
    const stream = new ReplyStream({
      replies,
      write: (message) => this.#cache.write(message),
      now: this.#now,
      scheduleFrame: this.#scheduleFrame,
    });
    const done = this.#run(conversation, stream, body);
    for (const reply of replies) this.#deps.holdStreamLock?.(reply.id, done);
  }

  async #run(
    conversation: Conversation,
    stream: ReplyStream,
    body: ChatRequestBody,
  ): Promise<void> {
    const { id } = conversation;
    this.#streams.set(id, stream);
    let finals: Message[];
    try {
      const result = await requestWithRetries<StreamResult>(stream.signal, {
        attempt: async () => {
          const api = await this.#deps.getApi();
          const answer = await api.streamChat(body, stream.onDelta, stream.signal);
          if (answer.rateLimits) this.#rateLimits = answer.rateLimits;
          return answer;
        },
        limiter: this.#limiter,
        limits: () => this.#deps.limits?.() ?? NO_LIMITS,
        tokens: estimateRequestTokens(
          body.messages,
          body.max_tokens ?? body.max_completion_tokens,
          TYPICAL_REPLY_TOKENS,
          body.n ?? 1,
        ),
        onWait: (waiting) => {
          if (waiting) this.#waiting.set(id, waiting);
          else this.#waiting.delete(id);
        },
        onError: (error) => {
          if (error.rateLimits) this.#rateLimits = error.rateLimits;
        },
        hasNewText: () => stream.hasNewText(),
        now: this.#now,
      });
      finals = stream.finish(result);
    } catch (thrown) {
      // The error module loads only when something failed: it is not first-load code.
      const { toApiError } = await import('../api/errors');
      finals = stream.fail(toApiError(thrown, stream.hasNewText()).toMessageError());
    }
    this.#waiting.delete(id);
    if (this.#streams.get(id) === stream) this.#streams.delete(id);
    // Deleted while it streamed: nothing may be written back for it.
    if (!this.#cache.has(id)) return;
    this.#cache.upsert(id, finals);
    for (const final of finals) this.#cache.write(final);
    await this.#cache.settled(finals.map((m) => m.id));
    if (!this.#cache.has(id)) return;
    try {
      await this.#deps.conversations.update(id, (c) => ({ ...c, updatedAt: this.#now() }));
    } catch (error) {
      this.#deps.report(error);
    }
    this.#deps.onReplies?.(this.#latest(conversation), finals);
  }

  #mint(): { newId: () => string; now: number } {
    return { newId: this.#newId, now: this.#now() };
  }

  #newMessage(
    conversationId: string,
    fields: Pick<Message, 'role' | 'content' | 'parentId'> & Partial<Message>,
  ): Message {
    const now = this.#now();
    return {
      id: this.#newId(),
      conversationId,
      status: 'complete',
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  }
}
