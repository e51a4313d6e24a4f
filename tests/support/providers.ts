/**
 * Replays of what particular providers send, byte for byte as each documents (or was recorded
 * sending) it: OpenAI's refusal chunks, DeepSeek's `reasoning_content`, OpenRouter's `reasoning`
 * with `reasoning_details`, Groq's gpt-oss `reasoning`, Mistral's `thinking` content parts, an
 * `event: error` and error objects inside a 200 stream, a server that ignores `stream: true`, a
 * `tool_calls` finish, a cross-origin redirect, and an error text that echoes the key.
 *
 * Each is a `ReplayPlan` of scenarios.ts: the frames are built here from the completion's
 * id/model so they read like the real thing; server.ts only writes them. Pure: no I/O.
 */
import type { CompletionMeta } from './wire';
import { SSE_DONE, sseData } from './wire';

/** What one replay answers: SSE frames, one JSON body, or a redirect. */
export type Replay =
  | { kind: 'sse'; frames: string[] }
  | { kind: 'json'; status: number; body: string }
  | { kind: 'redirect'; status: 307; location: string };

export interface ReplayContext {
  meta: CompletionMeta;
  userText: string;
  /** The key the request presented (the `echo-key` replay puts it in its error text). */
  apiKey: string;
  /** Where the request came in, e.g. http://127.0.0.1:5000; a redirect goes to another origin. */
  origin: string;
}

export const REPLAY_NAMES = [
  'refusal',
  'reasoning-deepseek',
  'reasoning-openrouter',
  'reasoning-groq',
  'content-parts',
  'error-event',
  'error-chunk-bad-request',
  'error-chunk-overloaded',
  'not-streamed',
  'tool-calls',
  'unknown-finish',
  'redirect',
  'echo-key',
] as const;

export type ReplayName = (typeof REPLAY_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// The texts, so tests can assert on exactly what was sent.

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
export const REASONING_TEXT =
  'The person greets me. A short, friendly answer fits; no need for detail.';
export const ANSWER_TEXT = 'Hello! How can I help you today?';
/** The error that ends `error-event`, as a provider rejecting the request mid-stream words it. */
export const TOKEN_LIMIT_MESSAGE = 'Token limit reached';
export const BAD_REQUEST_IN_STREAM_MESSAGE =
  'Provider returned error: tool call validation failed: parameters for tool lookup did not match schema';
export const OVERLOADED_MESSAGE = 'Overloaded';
/** The finish reason DeepSeek sends when it runs out of capacity mid-reply. */
export const UNKNOWN_FINISH_REASON = 'insufficient_system_resource';
/** Where `redirect` points: the same server under another host name, so another origin. */
export function redirectTarget(origin: string): string {
  return `${origin.replace('127.0.0.1', 'localhost')}/v1/chat/completions`;
}
export function echoKeyMessage(apiKey: string): string {
  return `The API key ${apiKey} is not allowed to use this model. Ask the owner of the project to grant access.`;
}

/** Words, with their trailing whitespace, the way tokens arrive. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** A chat.completion.chunk with `fields` on top of the usual ones. */
function chunkEvent(
  meta: CompletionMeta,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
): string {
  return sseData(
    JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      ...extra,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    }),
  );
}

function usageEvent(meta: CompletionMeta, usage: Record<string, unknown>): string {
  return sseData(
    JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      choices: [],
      usage,
    }),
  );
}

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** OpenAI: `refusal` deltas instead of `content`, then a `stop` finish. */
function refusal({ meta }: ReplayContext): Replay {
  return {
    kind: 'sse',
    frames: [
      chunkEvent(meta, { role: 'assistant', content: null, refusal: '' }),
      ...pieces(REFUSAL_TEXT).map((piece) => chunkEvent(meta, { refusal: piece })),
      chunkEvent(meta, {}, 'stop') + SSE_DONE,
    ],
  };
}

/**
 * DeepSeek (deepseek-reasoner): `reasoning_content` deltas with `content: null`, then `content`
 * deltas with `reasoning_content: null`; usage with reasoning tokens and its cache counts.
 */
function reasoningDeepSeek({ meta }: ReplayContext): Replay {
  const extra = { system_fingerprint: 'fp_deepseek0001' };
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    chunkEvent(meta, delta, finish, extra);
  return {
    kind: 'sse',
    frames: [
      event({ role: 'assistant', content: null, reasoning_content: '' }),
      ...pieces(REASONING_TEXT).map((piece) => event({ content: null, reasoning_content: piece })),
      ...pieces(ANSWER_TEXT).map((piece) => event({ content: piece, reasoning_content: null })),
      event({ content: '', reasoning_content: null }, 'stop') +
        usageEvent(meta, {
          prompt_tokens: 12,
          completion_tokens: tokens(REASONING_TEXT) + tokens(ANSWER_TEXT),
          total_tokens: 12 + tokens(REASONING_TEXT) + tokens(ANSWER_TEXT),
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: tokens(REASONING_TEXT) },
          prompt_cache_hit_tokens: 0,
          prompt_cache_miss_tokens: 12,
        }) +
        SSE_DONE,
    ],
  };
}

/**
 * OpenRouter: each reasoning delta carries the text twice, as `reasoning` and as a
 * `reasoning.text` entry of `reasoning_details`; an encrypted entry closes the reasoning (as
 * for models that sign it). Comments keep the connection open, `native_finish_reason` and
 * `provider` ride along, and usage reports reasoning tokens and cost.
 */
function reasoningOpenRouter({ meta }: ReplayContext): Replay {
  const extra = { provider: 'Anthropic' };
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    chunkEvent(meta, delta, finish, extra);
  return {
    kind: 'sse',
    frames: [
      ': OPENROUTER PROCESSING\n\n' + event({ role: 'assistant', content: '' }),
      ...pieces(REASONING_TEXT).map((piece) =>
        event({
          role: 'assistant',
          content: '',
          reasoning: piece,
          reasoning_details: [
            { type: 'reasoning.text', text: piece, format: 'anthropic-claude-v1', index: 0 },
          ],
        }),
      ),
      event({
        role: 'assistant',
        content: '',
        reasoning: null,
        reasoning_details: [
          {
            type: 'reasoning.encrypted',
            data: 'EqoBCkgIARABGAIiQL2encryptedsignature==',
            format: 'anthropic-claude-v1',
            index: 0,
          },
        ],
      }),
      ...pieces(ANSWER_TEXT).map((piece) => event({ role: 'assistant', content: piece })),
      event({ role: 'assistant', content: '' }, 'stop') +
        usageEvent(meta, {
          prompt_tokens: 12,
          completion_tokens: 30,
          total_tokens: 42,
          cost: 0.000462,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 18 },
        }) +
        SSE_DONE,
    ],
  };
}

/** Groq (openai/gpt-oss-20b): `reasoning` deltas, then content; usage also under `x_groq`. */
function reasoningGroq({ meta }: ReplayContext): Replay {
  const groq = { x_groq: { id: 'req_01parley' } };
  const usage = {
    prompt_tokens: 80,
    completion_tokens: 40,
    total_tokens: 120,
    completion_tokens_details: { reasoning_tokens: 22 },
  };
  return {
    kind: 'sse',
    frames: [
      chunkEvent(meta, { role: 'assistant', content: '' }, null, groq),
      ...pieces(REASONING_TEXT).map((piece) => chunkEvent(meta, { reasoning: piece })),
      ...pieces(ANSWER_TEXT).map((piece) => chunkEvent(meta, { content: piece })),
      chunkEvent(meta, {}, 'stop', { x_groq: { id: 'req_01parley', usage } }) +
        usageEvent(meta, usage) +
        SSE_DONE,
    ],
  };
}

/** Mistral (magistral): `content` as an array of parts, thinking parts first. */
function contentParts({ meta }: ReplayContext): Replay {
  return {
    kind: 'sse',
    frames: [
      chunkEvent(meta, { role: 'assistant', content: '' }),
      ...pieces(REASONING_TEXT).map((piece) =>
        chunkEvent(meta, {
          content: [{ type: 'thinking', thinking: [{ type: 'text', text: piece }] }],
        }),
      ),
      ...pieces(ANSWER_TEXT).map((piece) =>
        chunkEvent(meta, { content: [{ type: 'text', text: piece }] }),
      ),
      chunkEvent(meta, { content: '' }, 'stop') + SSE_DONE,
    ],
  };
}

function partialAnswer(meta: CompletionMeta): string[] {
  return [
    chunkEvent(meta, { role: 'assistant', content: '', refusal: null }),
    ...pieces(ANSWER_TEXT)
      .slice(0, 3)
      .map((piece) => chunkEvent(meta, { content: piece })),
  ];
}

/**
 * An SSE `event: error` rejecting the request (a 4xx-class failure) right after the role chunk,
 * before any text: the case a client would otherwise retry, paying for each attempt.
 */
function errorEvent({ meta }: ReplayContext): Replay {
  const error = {
    message: TOKEN_LIMIT_MESSAGE,
    type: 'invalid_request_error',
    param: null,
    code: 400,
  };
  return {
    kind: 'sse',
    frames: [
      chunkEvent(meta, { role: 'assistant', content: '', refusal: null }),
      `event: error\ndata: ${JSON.stringify({ error })}\n\n`,
    ],
  };
}

/**
 * OpenRouter's mid-stream error: a chunk with an `error` object (its `code` the HTTP status a
 * request error would have had) and `finish_reason: "error"`, after `before` text chunks.
 */
function errorChunk(meta: CompletionMeta, code: number, message: string, before: string[]): Replay {
  return {
    kind: 'sse',
    frames: [
      ...before,
      chunkEvent(meta, { content: '' }, 'error', {
        provider: 'OpenAI',
        error: { code, message },
      }),
    ],
  };
}

/** A server that ignores `stream: true` and answers one chat.completion, as a reasoner does. */
function notStreamed({ meta }: ReplayContext): Replay {
  return {
    kind: 'json',
    status: 200,
    body: JSON.stringify({
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: meta.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: ANSWER_TEXT,
            reasoning_content: REASONING_TEXT,
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 30,
        total_tokens: 42,
        completion_tokens_details: { reasoning_tokens: 18 },
      },
    }),
  };
}

/** A model that calls a tool: `tool_calls` deltas, no content, finish `tool_calls`. */
function toolCalls({ meta }: ReplayContext): Replay {
  return {
    kind: 'sse',
    frames: [
      chunkEvent(meta, {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: 'call_parley0001',
            type: 'function',
            function: { name: 'lookup', arguments: '' },
          },
        ],
        refusal: null,
      }),
      chunkEvent(meta, { tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      chunkEvent(meta, { tool_calls: [{ index: 0, function: { arguments: '"hi"}' } }] }),
      chunkEvent(meta, {}, 'tool_calls') + SSE_DONE,
    ],
  };
}

/** Some text, then a finish reason Parley has no words of its own for. */
function unknownFinish({ meta }: ReplayContext): Replay {
  return {
    kind: 'sse',
    frames: [
      ...partialAnswer(meta),
      chunkEvent(meta, { content: '' }, UNKNOWN_FINISH_REASON) + SSE_DONE,
    ],
  };
}

export function replay(name: ReplayName, context: ReplayContext): Replay {
  const { meta } = context;
  switch (name) {
    case 'refusal':
      return refusal(context);
    case 'reasoning-deepseek':
      return reasoningDeepSeek(context);
    case 'reasoning-openrouter':
      return reasoningOpenRouter(context);
    case 'reasoning-groq':
      return reasoningGroq(context);
    case 'content-parts':
      return contentParts(context);
    case 'error-event':
      return errorEvent(context);
    case 'error-chunk-bad-request':
      return errorChunk(meta, 400, BAD_REQUEST_IN_STREAM_MESSAGE, partialAnswer(meta));
    case 'error-chunk-overloaded':
      // Before any text, so a client may retry it (after text, Parley never retries).
      return errorChunk(meta, 503, OVERLOADED_MESSAGE, [
        chunkEvent(meta, { role: 'assistant', content: '' }),
      ]);
    case 'not-streamed':
      return notStreamed(context);
    case 'tool-calls':
      return toolCalls(context);
    case 'unknown-finish':
      return unknownFinish(context);
    case 'redirect':
      return { kind: 'redirect', status: 307, location: redirectTarget(context.origin) };
    case 'echo-key':
      return {
        kind: 'json',
        status: 403,
        body: JSON.stringify({
          error: {
            message: echoKeyMessage(context.apiKey),
            type: 'invalid_request_error',
            param: null,
            code: 'model_access_denied',
          },
        }),
      };
    default:
      return assertNever(name);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
