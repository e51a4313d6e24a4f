/**
 * OpenAI's wire format, as the test server writes it: chat.completion and chat.completion.chunk
 * objects, usage, SSE framing, and the standard response headers. Shapes follow the
 * openai-openapi spec and what api.openai.com actually sends (e.g. `usage: null` on every chunk
 * once usage is asked for, `refusal: null` in the first delta, a dated model snapshot).
 */
import type { AzureError, FinishReason, OpenAIError } from './scenarios';

/** What OpenAI reports back for a requested alias: the app must show the *reported* model. */
const SNAPSHOTS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'gpt-4': 'gpt-4-0613',
  'gpt-4-turbo': 'gpt-4-turbo-2024-04-09',
  'o3-mini': 'o3-mini-2025-01-31',
  'o4-mini': 'o4-mini-2025-04-16',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
};

export function reportedModel(requested: string): string {
  return SNAPSHOTS[requested] ?? requested;
}

/** Rough and deterministic, like the usual "a token is about four characters". */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export function usage(promptTokens: number, completionTexts: readonly string[]): Usage {
  const completion = completionTexts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Fields every object of one completion shares. */
export interface CompletionMeta {
  id: string;
  created: number;
  /** The reported model (see reportedModel). */
  model: string;
}

export const SYSTEM_FINGERPRINT = 'fp_parley0001';

export interface Delta {
  role?: 'assistant';
  content?: string | null;
  refusal?: null;
}

export interface ChunkChoice {
  index: number;
  delta: Delta;
  finish_reason: FinishReason | null;
}

/**
 * One chat.completion.chunk. `usage` is `undefined` to leave the field out (usage not asked for),
 * `null` on ordinary chunks once it was asked for, an object on the final usage-only chunk.
 */
export function chunk(
  meta: CompletionMeta,
  choices: readonly ChunkChoice[],
  chunkUsage?: Usage | null,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: choices.map((choice) => ({
      index: choice.index,
      delta: choice.delta,
      logprobs: null,
      finish_reason: choice.finish_reason,
    })),
    ...(chunkUsage === undefined ? {} : { usage: chunkUsage }),
  };
}

export interface CompletionChoice {
  text: string;
  finishReason: FinishReason | null;
}

/** A non-streaming chat.completion. */
export function completion(
  meta: CompletionMeta,
  choices: readonly CompletionChoice[],
  completionUsage: Usage,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: choices.map((choice, index) => ({
      index,
      message: { role: 'assistant', content: choice.text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: completionUsage,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

export function errorBody(error: OpenAIError | AzureError): string {
  return JSON.stringify({ error });
}

/** One SSE event carrying `data`, the way OpenAI frames it. */
export function sseData(data: string): string {
  return `data: ${data}\n\n`;
}

export const SSE_DONE = sseData('[DONE]');

/** Response headers that the app may read, so a browser must be allowed to see them. */
export const EXPOSED_HEADERS = [
  'x-request-id',
  'openai-processing-ms',
  'openai-version',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

/** The rate-limit headers OpenAI puts on chat responses (a scenario may override some). */
export const RATE_LIMIT_HEADERS: Readonly<Record<string, string>> = {
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '200000',
  'x-ratelimit-remaining-tokens': '199950',
  'x-ratelimit-reset-tokens': '15ms',
};
