/**
 * The API client factory: the one place that loads the `openai` SDK (lazily, on first use, so the
 * first paint does not pay for it) and the one place the key is handed to anything.
 *
 * Two providers, two SDK clients: `OpenAI` for the OpenAI API and every server compatible with it
 * (key as a Bearer token), `AzureOpenAI` for Azure OpenAI's dated API versions (key in an
 * `api-key` header, `?api-version=` on every request, chats posted to
 * `{endpoint}/openai/deployments/{model}/chat/completions`: the Model box holds a deployment).
 *
 * Both are given a `fetch` that never follows a redirect: a redirect would carry the key to
 * wherever the server points (issue 8, point 11). Some dated Azure API versions reject
 * `stream_options`; then the request is sent once more without it, and that endpoint and version
 * are remembered for the rest of the page's life.
 */
import type OpenAI from 'openai';
import type { ChatRequestBody } from '../domain/request';
import type { Provider } from '../domain/types';
import { ApiError, RedirectRefusedError, toApiError } from './errors';
import { parseRateLimitHeaders } from './rate-limit-headers';
import { ChatStreamAccumulator, type DeltaHandler, type StreamResult } from './stream';

export interface ApiConfig {
  apiKey: string;
  /** For Azure: the resource endpoint, without /openai (the SDK adds it). */
  baseUrl: string;
  /** Absent: 'openai'. */
  provider?: Provider;
  /** Azure only, and required there: the dated api-version, e.g. 2024-10-21. */
  azureApiVersion?: string | null;
  /**
   * Sent as OpenAI-Organization / OpenAI-Project when set (keys in several orgs or projects).
   * OpenAI only: Azure has no such thing, and an extra header would need its CORS preflight.
   */
  organization?: string | null;
  project?: string | null;
}

export interface ChatApi {
  /**
   * Ids the endpoint serves (`GET /models`), sorted. Also how a key is checked. Azure: always
   * empty once the check passed, since its list names the models a resource could deploy, not
   * its deployments (which the Model box needs, and which a key cannot list).
   */
  listModels(signal?: AbortSignal): Promise<string[]>;
  /**
   * The same request, with the entries as the endpoint sent them (`unknown`: read them with
   * models/endpoint-models.ts). OpenRouter's carry pricing and context lengths. Optional so
   * hand-made fakes stay valid; the real client always has it.
   */
  listModelEntries?(signal?: AbortSignal): Promise<ModelListing>;
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

/** `GET /models`: the ids, sorted, and every entry of `data` untouched. */
export interface ModelListing {
  ids: string[];
  entries: unknown[];
}

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

/**
 * fetch with `redirect: 'manual'`: a browser then hands back an opaque redirect (status 0) instead
 * of following it, Node the 3xx itself; either is refused. ('error' would refuse too, but with
 * the same TypeError as a network failure, so the person could not be told what happened.)
 */
export const noRedirectFetch = async (
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> => {
  const response = await fetch(input, { ...init, redirect: 'manual' });
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    await response.body?.cancel();
    throw new RedirectRefusedError();
  }
  return response;
};

/** Azure endpoints (resource + api-version) known to reject `stream_options`. */
const withoutStreamOptions = new Set<string>();

/** Azure's 400 for a parameter its API version does not know, when that one is stream_options. */
function rejectsStreamOptions(error: ApiError): boolean {
  if (error.status !== 400) return false;
  const cause = error.cause as { param?: unknown } | undefined;
  return cause?.param === 'stream_options' || /stream_options/.test(error.message);
}

/** What is posted: the body as built, or without stream_options for an Azure that rejects it. */
type SentBody = Omit<ChatRequestBody, 'stream_options'> &
  Partial<Pick<ChatRequestBody, 'stream_options'>>;

function dropStreamOptions(body: ChatRequestBody): SentBody {
  const rest: SentBody = { ...body };
  delete rest.stream_options;
  return rest;
}

export const createChatApi: ChatApiFactory = async (config) => {
  const { default: OpenAIClient, AzureOpenAI } = await import('openai');
  const common = {
    apiKey: config.apiKey,
    dangerouslyAllowBrowser: true,
    // Retries are Parley's own business (visible, cancellable), never hidden inside the SDK.
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    defaultHeaders: DROPPED_HEADERS,
    fetch: noRedirectFetch,
  } as const;
  const secrets = [config.apiKey];
  const endpoint = config.baseUrl.replace(/\/+$/, '');
  const isAzure = config.provider === 'azure';
  let client: OpenAI;
  if (isAzure) {
    const apiVersion = config.azureApiVersion ?? '';
    // Settings never saves Azure without one; the SDK would throw a message about env variables.
    if (apiVersion === '') throw new ApiError('bad_request', 'Azure OpenAI needs an API version.');
    client = new AzureOpenAI({
      ...common,
      endpoint,
      apiVersion,
      organization: null,
      project: null,
    });
  } else {
    client = new OpenAIClient({
      ...common,
      baseURL: endpoint,
      organization: config.organization ?? null,
      project: config.project ?? null,
    });
  }
  const endpointKey = `${endpoint}|${config.azureApiVersion ?? ''}`;
  const chat = (body: SentBody, onDelta: DeltaHandler, signal: AbortSignal) =>
    streamChat(client, body, onDelta, signal, secrets);
  return {
    listModels: async (signal) => {
      const { ids } = await listModels(client, secrets, signal);
      return isAzure ? [] : ids;
    },
    listModelEntries: async (signal) => {
      const listing = await listModels(client, secrets, signal);
      return isAzure ? { ids: [], entries: [] } : listing;
    },
    streamChat: async (body, onDelta, signal) => {
      if (!isAzure) return chat(body, onDelta, signal);
      if (withoutStreamOptions.has(endpointKey)) {
        return chat(dropStreamOptions(body), onDelta, signal);
      }
      try {
        return await chat(body, onDelta, signal);
      } catch (thrown) {
        // Rejected before anything streamed, so asking again repeats nothing the person saw.
        if (!(thrown instanceof ApiError) || !rejectsStreamOptions(thrown)) throw thrown;
        withoutStreamOptions.add(endpointKey);
        return chat(dropStreamOptions(body), onDelta, signal);
      }
    },
  };
};

async function listModels(
  client: OpenAI,
  secrets: readonly string[],
  signal?: AbortSignal,
): Promise<ModelListing> {
  try {
    const ids: string[] = [];
    const entries: unknown[] = [];
    // The SDK hands each entry back as parsed, extra fields (OpenRouter's pricing) included.
    for await (const model of client.models.list(signal ? { signal } : {})) {
      entries.push(model);
      if (typeof model.id === 'string') ids.push(model.id);
    }
    return { ids: ids.sort((a, b) => a.localeCompare(b)), entries };
  } catch (thrown) {
    throw signal?.aborted
      ? new ApiError('aborted', '', { cause: thrown })
      : toApiError(thrown, false, secrets);
  }
}

async function streamChat(
  client: OpenAI,
  body: SentBody,
  onDelta: DeltaHandler,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<StreamResult> {
  const accumulator = new ChatStreamAccumulator();
  try {
    const { data: stream, response } = await client.chat.completions
      .create(body, { signal })
      .withResponse();
    accumulator.rateLimits = parseRateLimitHeaders(response.headers);
    if (isJson(response)) {
      // A server that ignores `stream: true` answers one chat.completion (or an error body) as
      // JSON; the SDK would read it as an SSE stream without events. The stream is not iterated
      // yet, so the body is still ours to read.
      const value: unknown = await response.json();
      if (isErrorBody(value)) throw toApiError({ error: value.error }, false, secrets);
      accumulator.push(value, onDelta);
    } else {
      // The SDK ends the iteration quietly when `signal` aborts; the caller reads signal.aborted.
      for await (const chunk of stream) accumulator.push(chunk, onDelta);
    }
  } catch (thrown) {
    const error = toApiError(thrown, accumulator.hasContent, secrets);
    if (error.kind === 'aborted' || signal.aborted) return accumulator.result();
    throw error;
  }
  if (!signal.aborted && !accumulator.isFinished) {
    throw new ApiError(accumulator.hasContent ? 'incomplete' : 'network', '');
  }
  return accumulator.result();
}

function isJson(response: Response): boolean {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

function isErrorBody(value: unknown): value is { error: unknown } {
  return typeof value === 'object' && value !== null && 'error' in value && !!value.error;
}
