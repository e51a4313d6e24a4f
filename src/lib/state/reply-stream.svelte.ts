/**
 * One streaming request and the replies it fills (one per choice index, n > 1 gives several).
 *
 * The text grows in plain buffers; the page sees it when `scheduleFrame` says (`live`: at most
 * every other animation frame in the page, see utils/paced-frames.ts), and storage at least
 * every FLUSH_INTERVAL_MS: from a timer, and from the delta handler itself when a
 * timer is late (a hidden tab's timers run once a minute), and on `flush()` when the page hides.
 * So a crash or a closed tab loses under a second of text, and a long reply never rewrites
 * anything per token. The request's AbortController lives here: stopping is `stop()`.
 *
 * Reasoning text and a refusal arrive as their own parts: reasoning is kept apart from the answer
 * (it is never sent back), a refusal becomes the reply's text, marked as a refusal.
 */
import type { DeltaPart, StreamResult } from '../api/stream';
import type { Message, MessageError, Usage } from '../domain/types';

/** At least once a second, as promised: half of that leaves room for a slow disk. */
export const FLUSH_INTERVAL_MS = 500;

/** What the page shows of a reply still arriving. */
export interface LiveReply {
  content: string;
  reasoning: string;
}

export interface ReplyStreamOptions {
  /** The replies as stored when the stream starts (status `streaming`). */
  replies: readonly Message[];
  /** Writes one message record (chained per message by the caller). */
  write: (message: Message) => void;
  now: () => number;
  scheduleFrame: (callback: () => void) => void;
}

function addUsage(before: Usage | undefined, after: Usage): Usage {
  if (!before) return after;
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const total: Usage = {
    promptTokens: before.promptTokens + after.promptTokens,
    completionTokens: before.completionTokens + after.completionTokens,
    totalTokens: before.totalTokens + after.totalTokens,
  };
  const reasoning = sum(before.reasoningTokens, after.reasoningTokens);
  const cached = sum(before.cachedTokens, after.cachedTokens);
  if (reasoning !== undefined) total.reasoningTokens = reasoning;
  if (cached !== undefined) total.cachedTokens = cached;
  return total;
}

export class ReplyStream {
  readonly controller = new AbortController();
  readonly #replies: readonly Message[];
  readonly #content: string[];
  readonly #reasoning: string[];
  readonly #isRefusal: boolean[];
  readonly #prefix: readonly string[];
  readonly #dirty = new Set<number>();
  readonly #options: ReplyStreamOptions;
  #live = $state.raw<readonly LiveReply[]>([]);
  #isFramePending = false;
  #lastFlush: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #isDone = false;

  constructor(options: ReplyStreamOptions) {
    this.#options = options;
    this.#replies = options.replies;
    this.#prefix = options.replies.map((r) => r.content);
    this.#content = [...this.#prefix];
    this.#reasoning = options.replies.map((r) => r.reasoning ?? '');
    this.#isRefusal = options.replies.map((r) => r.isRefusal === true);
    this.#lastFlush = options.now();
    this.#publish();
    this.#timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ids(): string[] {
    return this.#replies.map((r) => r.id);
  }

  /** The newest text of one of this stream's replies, as last published. */
  live(messageId: string): LiveReply | undefined {
    const index = this.#replies.findIndex((r) => r.id === messageId);
    return index === -1 ? undefined : this.#live[index];
  }

  /** True once text (answer or refusal) arrived: a failure then is never retried. */
  hasNewText(): boolean {
    return this.#content.some((text, i) => text !== (this.#prefix[i] ?? ''));
  }

  readonly onDelta = (index: number, text: string, part: DeltaPart): void => {
    if (this.#isDone || index >= this.#replies.length) return;
    if (part === 'reasoning') {
      this.#reasoning[index] = (this.#reasoning[index] ?? '') + text;
    } else {
      if (part === 'refusal') this.#isRefusal[index] = true;
      this.#content[index] = (this.#content[index] ?? '') + text;
    }
    this.#dirty.add(index);
    if (!this.#isFramePending) {
      this.#isFramePending = true;
      this.#options.scheduleFrame(() => {
        this.#isFramePending = false;
        this.#publish();
      });
    }
    if (this.#options.now() - this.#lastFlush >= FLUSH_INTERVAL_MS) this.flush();
  };

  stop(): void {
    this.controller.abort();
  }

  /** Writes every reply whose text changed since the last write (the page hides, a timer). */
  flush(): void {
    if (this.#isDone) return;
    this.#lastFlush = this.#options.now();
    for (const index of this.#dirty) {
      const reply = this.#replies[index];
      if (reply) this.#options.write(this.#snapshot(reply, index));
    }
    this.#dirty.clear();
  }

  /** The final records of a stream that ended (`null`: stopped before it started). */
  finish(result: StreamResult | null): Message[] {
    const isStopped = this.signal.aborted || result === null;
    return this.#end((reply, index) => {
      const choice = result?.choices.find((c) => c.index === index);
      const finished: Message = {
        ...this.#snapshot(reply, index),
        status: isStopped ? 'stopped' : 'complete',
        finishReason: isStopped ? null : (choice?.finishReason ?? null),
        model: result?.model ?? reply.model,
      };
      if (choice?.matchedStop !== undefined) finished.matchedStop = choice.matchedStop;
      // A continued reply adds the new request's usage to what the first part cost.
      if (result?.usage) finished.usage = addUsage(reply.usage, result.usage);
      return finished;
    });
  }

  /** The final records of a stream that failed: what arrived is kept, with the failure. */
  fail(error: MessageError): Message[] {
    return this.#end((reply, index) => ({
      ...this.#snapshot(reply, index),
      status: 'error',
      error,
    }));
  }

  #end(make: (reply: Message, index: number) => Message): Message[] {
    this.#isDone = true;
    clearInterval(this.#timer);
    const now = this.#options.now();
    return this.#replies.map((reply, index) => ({ ...make(reply, index), updatedAt: now }));
  }

  #snapshot(reply: Message, index: number): Message {
    const message: Message = {
      ...reply,
      content: this.#content[index] ?? '',
      updatedAt: this.#options.now(),
    };
    delete message.error;
    const reasoning = this.#reasoning[index] ?? '';
    if (reasoning !== '') message.reasoning = reasoning;
    if (this.#isRefusal[index]) message.isRefusal = true;
    return message;
  }

  #publish(): void {
    if (this.#isDone) return;
    this.#live = this.#replies.map((_, index) => ({
      content: this.#content[index] ?? '',
      reasoning: this.#reasoning[index] ?? '',
    }));
  }
}
