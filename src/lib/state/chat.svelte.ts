/**
 * The conversations being read and written: sending, replies, and work on the message tree (edit,
 * regenerate, versions, delete with undo, messages of any role, branches).
 *
 * ChatState is what the page reads as it draws (the loaded messages, the branch shown, versions,
 * which conversations stream or wait, the deleted message Undo brings back, the next request's
 * body) and a thin coordinator over units that each own one concern:
 * - MessageCache (message-cache.svelte.ts): the loaded messages and the write chain per message;
 * - Sending (chat-sending.ts): every request that spends money, its stream and how it ended
 *   (ReplyStream, reply-stream.svelte.ts; the queue-and-retry loop, request-loop.ts);
 * - TreeEdits (chat-tree-edits.svelte.ts): changes to the tree that send nothing, worked out by
 *   the pure functions of domain/tree.ts.
 * The two acting units load with their first use (or once the first screen is drawn: `prepare`),
 * so the chat's first load carries only what it shows. Conversation records are written by
 * ConversationsState only: a message write hands it the messages to store in the same
 * transaction as the conversation change (the branch shown, the last activity).
 *
 * What is sent is what is shown: the request preview and Send both build the body with
 * `#plan`, from the same model information (`models`); Send first waits until that
 * information is final, so a model changed just before Send cannot be sent with rules the preview
 * did not show. Which messages go in is the conversation's `Context` choice (domain/context.ts),
 * applied in `#plan` for both. Every request that spends money (Send, Regenerate, Retry, Save and
 * send, Continue) passes the page's SendGate first: the context check and the budget.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import {
  awaitsReply,
  branchTo,
  childrenByParent,
  latestLeaf,
  versionOf,
  type Version,
} from '../domain/conversation';
import type { ChatRequestBody } from '../domain/request';
import {
  ALL_MESSAGES,
  approxMessageTokens,
  planRequest,
  type ContextChoice,
  type HistoryEntry,
  type PlannedRequest,
} from '../domain/context';
import type { Conversation, Message, Role } from '../domain/types';
import type { Waiting } from '../domain/waiting';
import type { RateLimitSnapshot } from '../api/rate-limit-headers';
import { newId } from '../utils/id';
import { OneAtATime } from '../utils/one-at-a-time';
import type { ChatCore, ChatDependencies, SendGate } from './chat-core';
import type { Sending } from './chat-sending';
import type { DeletedMessage, TreeEdits } from './chat-tree-edits.svelte';
import type { MessageWrites } from './conversations.svelte';
import { Lazy } from './lazy.svelte';
import { MessageCache } from './message-cache.svelte';
import type { ReplyStream } from './reply-stream.svelte';

export type { MessageStore } from './message-cache.svelte';
export type { ChatDependencies, ContextQuestion, ModelSource, SendGate } from './chat-core';
export type { PlannedRequest } from '../domain/context';

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
  #rateLimits = $state.raw<RateLimitSnapshot | undefined>(undefined);
  readonly #deps: ChatDependencies;
  readonly #now: () => number;
  readonly #newId: () => string;
  /** The children of each message list, computed once per list (lists are replaced, not mutated). */
  readonly #children = new WeakMap<readonly Message[], Map<string | null, Message[]>>();
  /** Estimated tokens per message, so a keystroke counts only the draft again. */
  readonly #tokens = new WeakMap<object, { content: string; tokens: number }>();
  #gate: SendGate | null = null;
  readonly #sending: Lazy<Sending>;
  readonly #treeEdits: Lazy<TreeEdits>;

  constructor(deps: ChatDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? newId;
    this.#cache = new MessageCache({
      store: deps.store,
      report: deps.report,
      isBusy: (id) => this.isStreaming(id),
      ...(deps.isStreamAlive ? { isStreamAlive: deps.isStreamAlive } : {}),
      ...(deps.whenStreamEnds ? { whenStreamEnds: deps.whenStreamEnds } : {}),
    });
    const core = this.#core();
    this.#sending = new Lazy(async () => {
      const { Sending } = await import('./chat-sending');
      return new Sending(
        core,
        {
          streams: this.#streams,
          waiting: this.#waiting,
          setRateLimits: (snapshot) => (this.#rateLimits = snapshot),
        },
        deps.scheduleFrame,
      );
    });
    this.#treeEdits = new Lazy(async () => {
      const { TreeEdits } = await import('./chat-tree-edits.svelte');
      return new TreeEdits(core, this.#deleted);
    });
  }

  /** Loads the units that act (sending, tree changes) ahead of their first use. */
  prepare(): Promise<void> {
    return Promise.all([this.#sending.load(), this.#treeEdits.load()]).then(() => undefined);
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
    if (text.trim() === '' && !this.canReplyToBranch(conversation)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, (sending) => sending.send(conversation, text));
  }

  /**
   * Asks again for the reply `replyId` answered, with the parameters now in force; the old reply
   * stays beside the new one as a version if it has text (an empty failed one gives way).
   */
  regenerate(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, (sending) => sending.regenerate(conversation, replyId));
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
    return this.#exclusive(conversation.id, (sending) =>
      sending.editAndSend(conversation, messageId, text),
    );
  }

  /**
   * Asks for the rest of a reply cut off by max tokens and appends it to the same message. The
   * API cannot resume a message, so the request carries the reply so far and a short instruction
   * to go on from its last word; n is 1 whatever the conversation's setting.
   */
  continueReply(conversation: Conversation, replyId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#exclusive(conversation.id, (sending) =>
      sending.continueReply(conversation, replyId),
    );
  }

  /** Stops the reply of a conversation at once; the text so far is kept, marked stopped. */
  stop(conversationId: string): void {
    this.#streams.get(conversationId)?.stop();
  }

  // ---- Working on the tree (nothing is sent) ----

  /** Changes a message's text in place (any role): correcting a reply, preparing examples. */
  saveEdit(conversation: Conversation, messageId: string, text: string): Promise<boolean> {
    return this.#edit(conversation.id, false, (edits) =>
      edits.saveEdit(conversation, messageId, text),
    );
  }

  /** Appends a message of any role to the shown branch, without sending. */
  addMessage(conversation: Conversation, role: Role, text: string): Promise<boolean> {
    if (this.isStreaming(conversation.id) || text.trim() === '') return Promise.resolve(false);
    return this.#edit(conversation.id, false, (edits) =>
      edits.addMessage(conversation, role, text),
    );
  }

  /**
   * Deletes one message; what followed it stays, attached to the message before it. `undoDelete`
   * brings it back until the next delete in that conversation or `dismissDeleted`.
   */
  deleteMessage(conversation: Conversation, messageId: string): Promise<boolean> {
    if (this.isStreaming(conversation.id)) return Promise.resolve(false);
    return this.#edit(conversation.id, false, (edits) =>
      edits.deleteMessage(conversation, messageId),
    );
  }

  /** The message `undoDelete` would bring back, if any. */
  deletedMessage(conversationId: string): { message: Message } | null {
    const deleted = this.#deleted.get(conversationId);
    return deleted ? { message: deleted.removal.removed } : null;
  }

  undoDelete(conversationId: string): Promise<void> {
    return this.#edit(conversationId, undefined, (edits) => edits.undoDelete(conversationId));
  }

  dismissDeleted(conversationId: string): void {
    this.#deleted.delete(conversationId);
  }

  /** Shows another branch: the newest leaf under `messageId` becomes the current one. */
  showBranch(conversation: Conversation, messageId: string): Promise<void> {
    return this.#edit(conversation.id, undefined, (edits) =>
      edits.showBranch(conversation, messageId),
    );
  }

  /** Shows the previous or next version of a message, with the rest of its newest branch. */
  showVersion(conversation: Conversation, message: Message, step: -1 | 1): Promise<void> {
    return this.#edit(conversation.id, undefined, (edits) =>
      edits.showVersion(conversation, message, step),
    );
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
    const edits = await this.#loaded(this.#treeEdits);
    return edits ? edits.branchInNewChat(conversation, messageId, title) : null;
  }

  // ---- Internals ----

  /**
   * Runs the preparation of a request as the conversation's one activity: a second click while
   * the model info loads (before the stream registers) finds it busy instead of starting twice.
   * It waits its turn after tree changes under way, so it reads the branch they leave.
   */
  #exclusive(
    conversationId: string,
    run: (sending: Sending) => Promise<boolean>,
  ): Promise<boolean> {
    this.#starting.add(conversationId);
    return this.#inTurn(conversationId, this.#sending, false, run).finally(() =>
      this.#starting.delete(conversationId),
    );
  }

  /** Runs a change of the conversation's tree in its turn (see `#inTurn`). */
  #edit<T>(conversationId: string, failed: T, run: (edits: TreeEdits) => Promise<T>): Promise<T> {
    return this.#inTurn(conversationId, this.#treeEdits, failed, run);
  }

  /**
   * Runs work on a conversation in its turn, with the unit that does it loaded. A unit that cannot
   * load (offline before its chunk was ever cached: the page's chunk listener offers Reload)
   * changes nothing: `failed` is the answer.
   */
  #inTurn<U, T>(
    conversationId: string,
    unit: Lazy<U>,
    failed: T,
    run: (loaded: U) => Promise<T>,
  ): Promise<T> {
    return this.#edits.run(conversationId, async () => {
      const loaded = await this.#loaded(unit);
      return loaded ? run(loaded) : failed;
    });
  }

  /** The unit, or null if its chunk could not be loaded. */
  async #loaded<U>(unit: Lazy<U>): Promise<U | null> {
    try {
      return await unit.load();
    } catch {
      return null;
    }
  }

  /** ChatState's own parts, as its units see them. */
  #core(): ChatCore {
    return {
      deps: this.#deps,
      cache: this.#cache,
      now: this.#now,
      newId: this.#newId,
      gate: () => this.#gate,
      messages: (id) => this.messages(id),
      branch: (conversation) => this.branch(conversation),
      latest: (conversation) => this.#latest(conversation),
      plan: (conversation, history, choice) => this.#plan(conversation, history, choice),
      commit: (id, change, messages, fallback) => this.#commit(id, change, messages, fallback),
      newMessage: (id, fields) => this.#newMessage(id, fields),
    };
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
