/**
 * Folds a stream of chat.completion.chunk objects into replies, one per choice index.
 *
 * Chunks are typed `unknown` on purpose: Parley talks to OpenAI and to many compatible servers,
 * and real streams carry chunks with empty `choices`, a final usage-only chunk, `content: null`
 * deltas and fields nobody documented. Anything unexpected is skipped, never thrown on.
 */
import type { Usage } from '../domain/types';
import type { RateLimitSnapshot } from './rate-limit-headers';

export interface ChoiceResult {
  index: number;
  content: string;
  finishReason: string | null;
  /** The stop sequence that ended the choice, where the provider says (vLLM: `stop_reason`). */
  matchedStop?: string;
}

export interface StreamResult {
  choices: ChoiceResult[];
  /** The model the server says answered (often a dated snapshot of the one requested). */
  model: string | undefined;
  usage: Usage | undefined;
  /** The response's rate-limit headers, when the endpoint lets the browser read them. */
  rateLimits?: RateLimitSnapshot | undefined;
}

/** Which part of a reply a piece of streamed text belongs to; only `content` is the answer. */
export type DeltaPart = 'content' | 'reasoning' | 'refusal';

export type DeltaHandler = (index: number, text: string, part: DeltaPart) => void;

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

function toUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = value.prompt_tokens;
  const completion = value.completion_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  const total = typeof value.total_tokens === 'number' ? value.total_tokens : prompt + completion;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

export class ChatStreamAccumulator {
  readonly #choices = new Map<number, ChoiceResult>();
  #model: string | undefined;
  #usage: Usage | undefined;
  rateLimits: RateLimitSnapshot | undefined;

  /** Takes one parsed chunk; calls `onDelta` for each piece of new text. */
  push(chunk: unknown, onDelta: DeltaHandler): void {
    if (!isRecord(chunk)) return;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.#model = chunk.model;
    this.#usage = toUsage(chunk.usage) ?? this.#usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices as unknown[]) this.#pushChoice(choice, onDelta);
  }

  #pushChoice(choice: unknown, onDelta: DeltaHandler): void {
    if (!isRecord(choice)) return;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const result = this.#choice(index);
    const delta = isRecord(choice.delta) ? choice.delta : undefined;
    const text = delta?.content;
    if (typeof text === 'string' && text !== '') {
      result.content += text;
      onDelta(index, text, 'content');
    }
    if (typeof choice.finish_reason === 'string') result.finishReason = choice.finish_reason;
    if (typeof choice.stop_reason === 'string') result.matchedStop = choice.stop_reason;
  }

  #choice(index: number): ChoiceResult {
    let result = this.#choices.get(index);
    if (!result) {
      result = { index, content: '', finishReason: null };
      this.#choices.set(index, result);
    }
    return result;
  }

  /** True once every choice seen so far said why it ended: the reply is whole. */
  get isFinished(): boolean {
    if (this.#choices.size === 0) return false;
    for (const choice of this.#choices.values()) if (choice.finishReason === null) return false;
    return true;
  }

  get hasContent(): boolean {
    for (const choice of this.#choices.values()) if (choice.content !== '') return true;
    return false;
  }

  result(): StreamResult {
    const choices = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    return { choices, model: this.#model, usage: this.#usage, rateLimits: this.rateLimits };
  }
}
