/**
 * Sending, ChatState's unit for every request that spends money: Send, Regenerate (and Retry),
 * Save and send, Continue. It stores the new messages and the streaming replies, asks the page's
 * SendGate first (the context check, the budget), streams through ReplyStream and the
 * queue-and-retry loop, and stores how each reply ended. It loads with the first such request,
 * or once the first screen is drawn: it is not first-load code.
 *
 * ChatState runs each of these as the conversation's one activity (nothing else starts until the
 * stream registers) and owns what the page reads while a request is under way (`Requests`).
 */
import type { SvelteMap } from 'svelte/reactivity';
import type { RateLimitSnapshot } from '../api/rate-limit-headers';
import type { StreamResult } from '../api/stream';
import { ALL_MESSAGES, type HistoryEntry } from '../domain/context';
import { branchTo, titleFromText } from '../domain/conversation';
import { estimateRequestTokens, RateLimiter, type Limits } from '../domain/rate-limiter';
import type { ChatRequestBody } from '../domain/request';
import { editedVersion } from '../domain/tree';
import type { Conversation, Message } from '../domain/types';
import type { Waiting } from '../domain/waiting';
import { browserFrames, pacedFrames } from '../utils/paced-frames';
import type { ChatCore } from './chat-core';
import { ReplyStream } from './reply-stream.svelte';
import { requestWithRetries } from './request-loop';

/** What the page reads of the requests under way: ChatState holds it, Sending fills it. */
export interface Requests {
  /** The streaming request of each conversation. */
  readonly streams: SvelteMap<string, ReplyStream>;
  /** Conversations whose request waits: for a client-side rate limit, or to retry. */
  readonly waiting: SvelteMap<string, Waiting>;
  /** The latest rate-limit headers an endpoint let the page read. */
  setRateLimits(snapshot: RateLimitSnapshot): void;
}

/** Streaming text reaches the page at most every other frame (paced-frames.ts says why). */
const showingFrames = pacedFrames(browserFrames);

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

export class Sending {
  readonly #core: ChatCore;
  readonly #requests: Requests;
  readonly #scheduleFrame: (callback: () => void) => void;
  readonly #limiter: RateLimiter;

  constructor(
    core: ChatCore,
    requests: Requests,
    scheduleFrame: (callback: () => void) => void = showingFrames,
  ) {
    this.#core = core;
    this.#requests = requests;
    this.#scheduleFrame = scheduleFrame;
    this.#limiter = new RateLimiter(core.now);
  }

  /**
   * Stores the user's message and starts the reply; with empty text, asks for a reply to the
   * branch as it is (ChatState checked that it ends with a user message).
   */
  send(conversation: Conversation, text: string): Promise<boolean> {
    const history = this.#core.branch(this.#core.latest(conversation));
    if (text.trim() === '') return this.#startReply(conversation, history, []);
    const user = this.#core.newMessage(conversation.id, {
      role: 'user',
      content: text,
      parentId: history.at(-1)?.id ?? null,
    });
    const isFirst = !history.some((m) => m.role === 'user');
    return this.#startReply(conversation, [...history, user], [user], isFirst ? text : null);
  }

  /** Asks again for the reply `replyId` answered; see ChatState.regenerate. */
  regenerate(conversation: Conversation, replyId: string): Promise<boolean> {
    const all = this.#core.messages(conversation.id);
    const reply = all.find((m) => m.id === replyId);
    if (reply?.parentId == null) return Promise.resolve(false);
    const parentId = reply.parentId;
    // Replies of the failed attempt that carry no text (all n of them) give way to the new one.
    const empty = all
      .filter((m) => m.parentId === parentId && m.role === 'assistant')
      .filter((m) => m.content === '' && m.status !== 'streaming')
      .map((m) => m.id);
    return this.#startReply(conversation, branchTo(all, parentId), [], null, empty);
  }

  /** Adds an edited version of a user message and asks from there; see ChatState.editAndSend. */
  editAndSend(conversation: Conversation, messageId: string, text: string): Promise<boolean> {
    const all = this.#core.messages(conversation.id);
    const original = all.find((m) => m.id === messageId);
    if (original?.role !== 'user') return Promise.resolve(false);
    const edited = editedVersion(original, text, {
      newId: this.#core.newId,
      now: this.#core.now(),
    });
    const history = [...branchTo(all, original.parentId), edited];
    return this.#startReply(conversation, history, [edited]);
  }

  /** Asks for the rest of a reply cut off by max tokens; see ChatState.continueReply. */
  async continueReply(conversation: Conversation, replyId: string): Promise<boolean> {
    const core = this.#core;
    const reply = core.messages(conversation.id).find((m) => m.id === replyId);
    if (reply?.role !== 'assistant') return false;
    await core.deps.models.ready();
    const latest = core.latest(conversation);
    const history = [
      ...branchTo(core.messages(conversation.id), reply.id),
      { role: 'user' as const, content: CONTINUE_PROMPT },
    ];
    const body = await this.#confirm({ ...latest, params: { ...latest.params, n: 1 } }, history);
    // Deleted while the model info loaded (or the questions were open): nothing may be stored
    // or sent for it.
    if (body === null || core.cache.isForgotten(conversation.id)) return false;
    const resumed: Message = { ...reply, status: 'streaming', finishReason: null };
    delete resumed.error;
    core.cache.upsert(conversation.id, [resumed]);
    this.#stream(latest, [resumed], body);
    return true;
  }

  /**
   * The page's questions before a paid request: the context check (All messages that would not
   * fit), then the budget. Resolves the body to send, or null when the person cancelled.
   */
  async #confirm(
    conversation: Conversation,
    history: readonly HistoryEntry[],
  ): Promise<ChatRequestBody | null> {
    let plan = this.#core.plan(conversation, history);
    const gate = this.#core.gate();
    if (!gate) return plan.body;
    const choice = conversation.context ?? ALL_MESSAGES;
    if (choice.mode === 'all' && !plan.fits && plan.limit !== null) {
      const recent = this.#core.plan(conversation, history, { ...choice, mode: 'fit' });
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
    const core = this.#core;
    const parent = history.at(-1);
    if (!parent) return false;
    await core.deps.models.ready();
    // Deleted while the model info loaded: nothing may be stored or sent for it.
    if (core.cache.isForgotten(conversation.id)) return false;
    const body = await this.#confirm(core.latest(conversation), history);
    // Cancelled, or deleted while the questions were open.
    if (body === null || core.cache.isForgotten(conversation.id)) return false;
    const latest = core.latest(conversation);
    const count = body.n ?? 1;
    const replies = Array.from({ length: count }, (_, index) =>
      core.newMessage(conversation.id, {
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
    const isCommitted = await core.commit(
      conversation.id,
      (c) => ({
        ...c,
        title:
          firstText !== null && !c.isTitleCustom && c.title === ''
            ? titleFromText(firstText)
            : c.title,
        currentLeafId: first.id,
        updatedAt: core.now(),
      }),
      { put: [...newMessages, ...replies], delete: replaced },
      latest,
    );
    if (!isCommitted) return false;
    this.#stream(core.latest(latest), replies, body);
    return true;
  }

  /** Streams one request into `replies` (one per choice index) and stores how it ended. */
  #stream(conversation: Conversation, replies: readonly Message[], body: ChatRequestBody): void {
    const stream = new ReplyStream({
      replies,
      write: (message) => this.#core.cache.write(message),
      now: this.#core.now,
      scheduleFrame: this.#scheduleFrame,
    });
    const done = this.#run(conversation, stream, body);
    for (const reply of replies) this.#core.deps.holdStreamLock?.(reply.id, done);
  }

  async #run(
    conversation: Conversation,
    stream: ReplyStream,
    body: ChatRequestBody,
  ): Promise<void> {
    const { deps, cache, now } = this.#core;
    const { streams, waiting } = this.#requests;
    const { id } = conversation;
    streams.set(id, stream);
    let finals: Message[];
    try {
      const result = await requestWithRetries<StreamResult>(stream.signal, {
        attempt: async () => {
          const api = await deps.getApi();
          const answer = await api.streamChat(body, stream.onDelta, stream.signal);
          if (answer.rateLimits) this.#requests.setRateLimits(answer.rateLimits);
          return answer;
        },
        limiter: this.#limiter,
        limits: () => deps.limits?.() ?? NO_LIMITS,
        tokens: estimateRequestTokens(
          body.messages,
          body.max_tokens ?? body.max_completion_tokens,
          TYPICAL_REPLY_TOKENS,
          body.n ?? 1,
        ),
        onWait: (wait) => {
          if (wait) waiting.set(id, wait);
          else waiting.delete(id);
        },
        onError: (error) => {
          if (error.rateLimits) this.#requests.setRateLimits(error.rateLimits);
        },
        hasNewText: () => stream.hasNewText(),
        now,
      });
      finals = stream.finish(result);
    } catch (thrown) {
      // The error module loads only when something failed.
      const { toApiError } = await import('../api/errors');
      finals = stream.fail(toApiError(thrown, stream.hasNewText()).toMessageError());
    }
    waiting.delete(id);
    if (streams.get(id) === stream) streams.delete(id);
    // Deleted while it streamed: nothing may be written back for it.
    if (!cache.has(id)) return;
    cache.upsert(id, finals);
    for (const final of finals) cache.write(final);
    await cache.settled(finals.map((m) => m.id));
    if (!cache.has(id)) return;
    try {
      await deps.conversations.update(id, (c) => ({ ...c, updatedAt: now() }));
    } catch (error) {
      deps.report(error);
    }
    deps.onReplies?.(this.#core.latest(conversation), finals);
  }
}
