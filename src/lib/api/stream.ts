/**
 * Folds a stream of chat.completion.chunk objects into replies, one per choice index.
 *
 * Chunks are typed `unknown` on purpose: Parley talks to OpenAI and to many compatible servers,
 * and real streams carry chunks with empty `choices`, a final usage-only chunk, `content: null`
 * deltas and fields nobody documented. Anything unexpected is skipped, never thrown on.
 *
 * Besides the answer, providers stream two other kinds of text, kept apart from it:
 * - a refusal: OpenAI's `delta.refusal` (`message.refusal` when not streamed);
 * - reasoning: DeepSeek's and Qwen's `reasoning_content`, OpenRouter's and Groq's `reasoning`,
 *   OpenRouter's `reasoning_details` (text, summary or encrypted entries), Mistral's `thinking`
 *   content parts. OpenRouter sends `reasoning` and `reasoning_details` with the same text in one
 *   delta, so one source per delta is read, never both.
 *
 * The same accumulator takes a whole chat.completion (a server that ignored `stream: true`):
 * its `message` is read like one big delta.
 */
import type { Usage } from '../domain/types';
import type { RateLimitSnapshot } from './rate-limit-headers';

export interface ChoiceResult {
  index: number;
  /** The answer; the refusal's text when the model refused (then `refusal` holds it too). */
  content: string;
  finishReason: string | null;
  /** The stop sequence that ended the choice, where the provider says (vLLM: `stop_reason`). */
  matchedStop?: string;
  /** The model's reasoning text, never part of `content`. */
  reasoning?: string;
  /** The model's refusal text (OpenAI `refusal`), when it refused. */
  refusal?: string;
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

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function toUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = value.prompt_tokens;
  const completion = value.completion_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  const total = typeof value.total_tokens === 'number' ? value.total_tokens : prompt + completion;
  const usage: Usage = { promptTokens: prompt, completionTokens: completion, totalTokens: total };
  // OpenAI sends zeros for models that do not reason or cache; a zero says nothing worth showing.
  const details = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const reasoning = count(details.reasoning_tokens);
  if (reasoning) usage.reasoningTokens = reasoning;
  const promptDetails = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  // DeepSeek reports its cache as a top-level `prompt_cache_hit_tokens`.
  const cached = count(promptDetails.cached_tokens) ?? count(value.prompt_cache_hit_tokens);
  if (cached) usage.cachedTokens = cached;
  return usage;
}

/**
 * OpenRouter's `reasoning_details`: `reasoning.text` entries carry `text`, `reasoning.summary`
 * entries `summary`; `reasoning.encrypted` ones carry opaque `data` that no person can read.
 */
function detailsText(details: unknown): string {
  if (!Array.isArray(details)) return '';
  let text = '';
  for (const detail of details as unknown[]) {
    if (!isRecord(detail)) continue;
    if (detail.type === 'reasoning.text' && typeof detail.text === 'string') text += detail.text;
    if (detail.type === 'reasoning.summary' && typeof detail.summary === 'string') {
      text += detail.summary;
    }
  }
  return text;
}

/** The reasoning a delta (or a whole message) carries, from whichever field its provider uses. */
function reasoningText(delta: Loose): string {
  if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
    return delta.reasoning_content;
  }
  if (typeof delta.reasoning === 'string' && delta.reasoning !== '') return delta.reasoning;
  return detailsText(delta.reasoning_details);
}

/** Text split by part: `content` may be a string or an array of parts (Mistral, some gateways). */
function contentParts(content: unknown): { answer: string; reasoning: string } {
  if (typeof content === 'string') return { answer: content, reasoning: '' };
  if (!Array.isArray(content)) return { answer: '', reasoning: '' };
  let answer = '';
  let reasoning = '';
  for (const part of content as unknown[]) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') answer += part.text;
    // Mistral's reasoning models: {type:'thinking', thinking:[{type:'text', text}]}.
    if (part.type === 'thinking') reasoning += contentParts(part.thinking).answer;
  }
  return { answer, reasoning };
}

export class ChatStreamAccumulator {
  readonly #choices = new Map<number, ChoiceResult>();
  #model: string | undefined;
  #usage: Usage | undefined;
  rateLimits: RateLimitSnapshot | undefined;

  /**
   * Takes one parsed chunk (or a whole chat.completion); calls `onDelta` for each piece of new
   * text. Throws `StreamErrorPayload` for an error sent as a bare chunk (vLLM's
   * `{"object":"error", ...}`), which the SDK passes through as if it were data.
   */
  push(chunk: unknown, onDelta: DeltaHandler): void {
    if (!isRecord(chunk)) return;
    if (chunk.object === 'error') throw new StreamErrorPayload(chunk);
    if (typeof chunk.model === 'string' && chunk.model !== '') this.#model = chunk.model;
    this.#usage = toUsage(chunk.usage) ?? this.#usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices as unknown[]) this.#pushChoice(choice, onDelta);
  }

  #pushChoice(choice: unknown, onDelta: DeltaHandler): void {
    if (!isRecord(choice)) return;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const result = this.#choice(index);
    // A chunk's `delta`, or a non-streamed completion's `message`: the same fields.
    const delta = isRecord(choice.delta)
      ? choice.delta
      : isRecord(choice.message)
        ? choice.message
        : undefined;
    if (delta) this.#pushDelta(index, result, delta, onDelta);
    if (typeof choice.finish_reason === 'string') result.finishReason = choice.finish_reason;
    if (typeof choice.stop_reason === 'string') result.matchedStop = choice.stop_reason;
  }

  #pushDelta(index: number, result: ChoiceResult, delta: Loose, onDelta: DeltaHandler): void {
    const parts = contentParts(delta.content);
    const reasoning = reasoningText(delta) + parts.reasoning;
    if (reasoning !== '') {
      result.reasoning = (result.reasoning ?? '') + reasoning;
      onDelta(index, reasoning, 'reasoning');
    }
    if (parts.answer !== '') {
      result.content += parts.answer;
      onDelta(index, parts.answer, 'content');
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      result.refusal = (result.refusal ?? '') + delta.refusal;
      // The refusal is what the person reads as the reply, so it is its content too.
      result.content += delta.refusal;
      onDelta(index, delta.refusal, 'refusal');
    }
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

  /** Whether anything a person can read arrived (answer, refusal or reasoning). */
  get hasContent(): boolean {
    for (const choice of this.#choices.values()) {
      if (choice.content !== '' || (choice.reasoning ?? '') !== '') return true;
    }
    return false;
  }

  result(): StreamResult {
    const choices = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    return { choices, model: this.#model, usage: this.#usage, rateLimits: this.rateLimits };
  }
}

/** An error a server sent as a chunk of its own rather than as `{"error": ...}`. */
export class StreamErrorPayload extends Error {
  readonly error: Loose;
  constructor(error: Loose) {
    super(typeof error.message === 'string' ? error.message : '');
    this.name = 'StreamErrorPayload';
    this.error = error;
  }
}
