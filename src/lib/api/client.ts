/**
 * The API client factory: the one place that loads the `openai` SDK (lazily, on first use, so the
 * first paint does not pay for it) and the one place the key is handed to anything.
 */
import type OpenAI from 'openai';
import type { ChatRequestBody } from '../domain/request';
import { ApiError, toApiError } from './errors';
import { parseRateLimitHeaders } from './rate-limit-headers';
import { ChatStreamAccumulator, type DeltaHandler, type StreamResult } from './stream';

export interface ApiConfig {
  apiKey: string;
  baseUrl: string;
  /** Sent as OpenAI-Organization / OpenAI-Project when set (keys in several orgs or projects). */
  organization?: string | null;
  project?: string | null;
}

export interface ChatApi {
  /** Ids the endpoint serves (`GET /models`), sorted. Also how a key is checked. */
  listModels(signal?: AbortSignal): Promise<string[]>;
  /**
   * Streams one chat completion. Resolves with what arrived when the stream ends or is stopped
   * through `signal` (check `signal.aborted`: stopping is not an error); rejects with an ApiError
   * otherwise. A stream that ends without saying why (cut, or closed early) rejects with kind
   * `incomplete` after the text so far was delivered through `onDelta`.
   */
  streamChat(
    body: ChatRequestBody,
    onDelta: DeltaHandler,
    signal: AbortSignal,
  ): Promise<StreamResult>;
}

export type ChatApiFactory = (config: ApiConfig) => Promise<ChatApi>;

/**
 * Time allowed until response headers arrive; the SDK clears it once the body starts streaming,
 * so a long reply is never cut by it. Reasoning models can think for minutes before answering.
 */
const REQUEST_TIMEOUT_MS = 5 * 60_000;

/**
 * Headers the SDK adds for its own telemetry. Every extra header must be allowed by the server's
 * CORS preflight, and many OpenAI-compatible servers allow only the usual ones, so Parley sends
 * none of them (a `null` default header removes it).
 */
const DROPPED_HEADERS = {
  'User-Agent': null,
  'X-Stainless-Lang': null,
  'X-Stainless-Package-Version': null,
  'X-Stainless-OS': null,
  'X-Stainless-Arch': null,
  'X-Stainless-Runtime': null,
  'X-Stainless-Runtime-Version': null,
  'X-Stainless-Retry-Count': null,
  'X-Stainless-Timeout': null,
} as const;

export const createChatApi: ChatApiFactory = async ({ apiKey, baseUrl, organization, project }) => {
  const { default: OpenAIClient } = await import('openai');
  const client = new OpenAIClient({
    apiKey,
    baseURL: baseUrl.replace(/\/+$/, ''),
    dangerouslyAllowBrowser: true,
    // Retries are Parley's own business (visible, cancellable), never hidden inside the SDK.
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    defaultHeaders: DROPPED_HEADERS,
    organization: organization ?? null,
    project: project ?? null,
  });
  return {
    listModels: (signal) => listModels(client, signal),
    streamChat: (body, onDelta, signal) => streamChat(client, body, onDelta, signal),
  };
};

async function listModels(client: OpenAI, signal?: AbortSignal): Promise<string[]> {
  try {
    const ids: string[] = [];
    for await (const model of client.models.list(signal ? { signal } : {})) {
      if (typeof model.id === 'string') ids.push(model.id);
    }
    return ids.sort((a, b) => a.localeCompare(b));
  } catch (thrown) {
    throw signal?.aborted ? new ApiError('aborted', '', { cause: thrown }) : toApiError(thrown);
  }
}

async function streamChat(
  client: OpenAI,
  body: ChatRequestBody,
  onDelta: DeltaHandler,
  signal: AbortSignal,
): Promise<StreamResult> {
  const accumulator = new ChatStreamAccumulator();
  try {
    const { data: stream, response } = await client.chat.completions
      .create(body, { signal })
      .withResponse();
    accumulator.rateLimits = parseRateLimitHeaders(response.headers);
    // The SDK ends the iteration quietly when `signal` aborts; the caller reads signal.aborted.
    for await (const chunk of stream) accumulator.push(chunk, onDelta);
  } catch (thrown) {
    const error = toApiError(thrown, accumulator.hasContent);
    if (error.kind === 'aborted' || signal.aborted) return accumulator.result();
    throw error;
  }
  if (!signal.aborted && !accumulator.isFinished) {
    throw new ApiError(accumulator.hasContent ? 'incomplete' : 'network', '');
  }
  return accumulator.result();
}
