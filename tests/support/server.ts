/**
 * Parley's own OpenAI-compatible test server (Node `http` only). Unit tests, e2e tests, the
 * benchmark and `npm run dev:local` all talk to it instead of the internet.
 *
 * Routes: GET /v1/models, POST /v1/chat/completions (streaming or not), OPTIONS preflight for any
 * path; and Azure OpenAI's (azure.ts) at the same origin: GET /openai/models and
 * POST /openai/deployments/{deployment}/chat/completions, with `?api-version=` and an `api-key`
 * header. What a chat request gets is decided by a scenario (see scenarios.ts), chosen by, in
 * order: a `scenario:NAME` token in the last user message, `use()` / `useStream()`, the `scenario`
 * option.
 *
 * The accepted key is never logged or recorded: recorded requests carry `authorization: Bearer ***`
 * and `api-key: ***`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  apiVersionError,
  azureAuthError,
  azureModelsBody,
  azureRoute,
  deploymentNotFoundError,
  DEFAULT_DEPLOYMENTS,
  isAzureChatPath,
  isAzurePath,
  resourceNotFoundError,
  streamOptionsError,
} from './azure';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { OPENROUTER_MODEL_IDS, openRouterModelsBody } from './openrouter';
import { replay } from './providers';
import { completionBody, streamScript, type StreamScript } from './reply';
import {
  customStreamPlan,
  findScenarioToken,
  invalidApiKeyError,
  invalidJsonError,
  invalidUrlError,
  missingApiKeyError,
  modelNotFoundError,
  scenarioPlan,
  stripScenarioTokens,
  type CustomStream,
  type ErrorReply,
  type ReplayPlan,
  type ScenarioName,
  type ScenarioPlan,
  type StreamPlan,
} from './scenarios';
import {
  errorBody,
  EXPOSED_HEADERS,
  RATE_LIMIT_HEADERS,
  reportedModel,
  type CompletionMeta,
} from './wire';

export type { CustomStream, ScenarioName } from './scenarios';
export {
  AZURE_API_VERSION,
  AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS,
  DEFAULT_DEPLOYMENTS,
} from './azure';

export const TEST_API_KEY = 'sk-test-parley-0123456789';

export const DEFAULT_MODELS: string[] = [
  'gpt-4o-mini',
  'gpt-4o',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-3.5-turbo',
  'gpt-4',
  'gpt-4-turbo',
  'o3-mini',
  'o4-mini',
  'gpt-5',
  'gpt-5-mini',
];

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string as sent, e.g. `?api-version=2024-10-21`; '' without one. */
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface TestServerOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** The one accepted Bearer key; default TEST_API_KEY. */
  apiKey?: string;
  /** Default scenario; default 'plain'. */
  scenario?: ScenarioName;
  /** Delay between stream chunks for scenarios without their own; default 5. */
  chunkDelayMs?: number;
  /** Default true; false simulates a server that does not allow browser requests. */
  cors?: boolean;
  /**
   * Ids served by GET /models and accepted as `model`; default DEFAULT_MODELS, or with
   * `listing: 'openrouter'` the ids of OPENROUTER_MODELS.
   */
  models?: string[];
  /**
   * How GET /v1/models answers: 'openai' (default: ids, `object`, `created`, `owned_by`) or
   * 'openrouter' (OPENROUTER_MODELS as OpenRouter lists them, with pricing and context lengths).
   */
  listing?: 'openai' | 'openrouter';
  /** Azure deployments: name → the model it serves; default DEFAULT_DEPLOYMENTS. */
  deployments?: Readonly<Record<string, string>>;
}

export interface TestServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:54321/v1 */
  readonly url: string;
  /** e.g. http://127.0.0.1:54321 */
  readonly origin: string;
  /** Every request received (including preflights), oldest first. */
  readonly requests: RecordedRequest[];
  /** Scenario for following chat requests. */
  use(scenario: ScenarioName): void;
  /**
   * Following chat requests stream `text` in exactly `chunks` pieces, `chunkDelayMs` apart (by
   * wall clock: late timers send every chunk that is due, so the total is ~chunks * delay).
   */
  useStream(stream: CustomStream): void;
  setOptions(partial: Partial<Pick<TestServerOptions, 'chunkDelayMs' | 'cors' | 'apiKey'>>): void;
  /** Chat completion bodies received (parsed JSON, OpenAI and Azure routes), oldest first. */
  chatRequests(): unknown[];
  /**
   * Chat responses still being written (a stream in progress, a delayed completion). Drops as soon
   * as a client aborts, so a test can check that Stop really cancelled the request.
   */
  readonly openChatResponses: number;
  close(): Promise<void>;
}

/** How a chat request was let in, and what it is for. */
interface ChatRoute {
  /** The key presented, for scenarios that mention it. */
  key: string;
  /** Azure: the model of the addressed deployment, whatever the body says (Azure ignores it). */
  deploymentModel?: string;
}

type Selection = { kind: 'named'; name: ScenarioName } | { kind: 'custom'; plan: StreamPlan };

interface Settings {
  apiKey: string;
  chunkDelayMs: number;
  cors: boolean;
}

const CHAT_PATH = '/v1/chat/completions';
const MODELS_PATH = '/v1/models';
/** Arbitrary fixed `created` for listed models, so responses are the same on every run. */
const MODEL_CREATED = 1_700_000_000;

class ParleyTestServer implements TestServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #modelIds: readonly string[];
  readonly #listing: 'openai' | 'openrouter';
  readonly #deployments: Readonly<Record<string, string>>;
  #settings: Settings;
  #selection: Selection;
  #requestCount = 0;
  #completionCount = 0;
  #openChatResponses = 0;
  #origin = '';

  constructor(options: TestServerOptions) {
    this.#settings = {
      apiKey: options.apiKey ?? TEST_API_KEY,
      chunkDelayMs: options.chunkDelayMs ?? 5,
      cors: options.cors ?? true,
    };
    this.#listing = options.listing ?? 'openai';
    this.#modelIds =
      options.models ?? (this.#listing === 'openrouter' ? OPENROUTER_MODEL_IDS : DEFAULT_MODELS);
    this.#deployments = options.deployments ?? DEFAULT_DEPLOYMENTS;
    this.#selection = { kind: 'named', name: options.scenario ?? 'plain' };
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        // A bug in the server itself: answer like OpenAI's 500 rather than hang the client.
        console.error('test server error:', error);
        if (!res.headersSent)
          this.#sendError(res, {
            kind: 'error',
            status: 500,
            error: {
              message: 'Internal test server error',
              type: 'server_error',
              param: null,
              code: null,
            },
          });
        else res.destroy();
      });
    });
  }

  get url(): string {
    return `${this.#origin}/v1`;
  }

  get origin(): string {
    return this.#origin;
  }

  get openChatResponses(): number {
    return this.#openChatResponses;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#origin = `http://${hostname}:${address.port}`;
  }

  use(scenario: ScenarioName): void {
    this.#selection = { kind: 'named', name: scenario };
  }

  useStream(stream: CustomStream): void {
    this.#selection = { kind: 'custom', plan: customStreamPlan(stream) };
  }

  setOptions(partial: Partial<Pick<TestServerOptions, 'chunkDelayMs' | 'cors' | 'apiKey'>>): void {
    this.#settings = {
      apiKey: partial.apiKey ?? this.#settings.apiKey,
      chunkDelayMs: partial.chunkDelayMs ?? this.#settings.chunkDelayMs,
      cors: partial.cors ?? this.#settings.cors,
    };
  }

  chatRequests(): unknown[] {
    return this.requests
      .filter(
        (request) =>
          request.method === 'POST' &&
          (request.path === CHAT_PATH || isAzureChatPath(request.path)),
      )
      .map((request) => request.body);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    // Open streams would keep close() waiting; destroying them also fires their 'close'
    // listeners, which clear the stream timers.
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/(.)\/+$/, '$1');
    this.#requestCount += 1;
    res.setHeader('x-request-id', `req_${this.#requestCount.toString(16).padStart(32, '0')}`);
    res.setHeader('openai-version', '2020-10-01');
    res.setHeader('openai-processing-ms', '12');
    if (this.#settings.cors) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
    }
    const raw = await readBody(req);
    const body = parseJson(raw);
    this.requests.push({
      method,
      path,
      search: url.search,
      headers: recordedHeaders(req),
      body: body.ok ? body.value : raw,
    });

    if (method === 'OPTIONS') {
      this.#preflight(req, res, path);
    } else if (method === 'GET' && path === MODELS_PATH) {
      this.#listModels(req, res);
    } else if (method === 'POST' && path === CHAT_PATH) {
      const authError = this.#checkAuth(req);
      if (authError) this.#sendError(res, authError);
      else this.#chat(req, res, body, { key: presentedKey(req) ?? '' });
    } else if (isAzurePath(path)) {
      this.#azure(req, res, method, path, url.searchParams.get('api-version'), body);
    } else {
      this.#sendError(res, invalidUrlError(method, path));
    }
  }

  #preflight(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!this.#settings.cors) {
      // Without Access-Control-* headers the browser blocks the real request: what a server that
      // does not support browsers looks like.
      this.#sendError(res, invalidUrlError('OPTIONS', path));
      return;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        req.headers['access-control-request-headers'] ?? 'authorization, api-key, content-type',
      'access-control-max-age': '600',
    });
    res.end();
  }

  #listModels(req: IncomingMessage, res: ServerResponse): void {
    const authError = this.#checkAuth(req);
    if (authError) {
      this.#sendError(res, authError);
      return;
    }
    if (this.#listing === 'openrouter') {
      sendJson(res, 200, openRouterModelsBody());
      return;
    }
    const data = this.#modelIds.map((id, i) => ({
      id,
      object: 'model',
      created: MODEL_CREATED + i * 86_400,
      owned_by: 'system',
    }));
    sendJson(res, 200, JSON.stringify({ object: 'list', data }));
  }

  /** Azure OpenAI: route, then api-version, then key, then deployment, as Azure checks them. */
  #azure(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    version: string | null,
    body: ParsedBody,
  ): void {
    const route = azureRoute(method, path);
    if (route === undefined) {
      this.#sendError(res, resourceNotFoundError());
      return;
    }
    const key = headerValue(req, 'api-key');
    const refusal =
      apiVersionError(version) ??
      azureAuthError(key, req.headers.authorization, this.#settings.apiKey);
    if (refusal) {
      this.#sendError(res, refusal);
      return;
    }
    if (route.kind === 'models') {
      sendJson(res, 200, azureModelsBody(this.#modelIds, MODEL_CREATED));
      return;
    }
    const deploymentModel = Object.hasOwn(this.#deployments, route.deployment)
      ? this.#deployments[route.deployment]
      : undefined;
    if (deploymentModel === undefined) {
      this.#sendError(res, deploymentNotFoundError());
      return;
    }
    const unknownParameter = body.ok ? streamOptionsError(version ?? '', body.value) : undefined;
    if (unknownParameter) {
      this.#sendError(res, unknownParameter);
      return;
    }
    this.#chat(req, res, body, { key: key ?? '', deploymentModel });
  }

  /** A chat request already let in (`route`): OpenAI's checks of the body, then the reply. */
  #chat(req: IncomingMessage, res: ServerResponse, body: ParsedBody, route: ChatRoute): void {
    for (const [name, value] of Object.entries(RATE_LIMIT_HEADERS)) res.setHeader(name, value);
    if (!body.ok) {
      this.#sendError(res, invalidJsonError());
      return;
    }
    const { deploymentModel } = route;
    const request = parseChatRequest(
      deploymentModel === undefined
        ? body.value
        : { ...asObject(body.value), model: deploymentModel },
    );
    if ('kind' in request) {
      this.#sendError(res, request);
      return;
    }
    const plan = this.#planFor(request, route.key);
    if (plan.kind === 'error') {
      this.#sendError(res, plan);
      return;
    }
    if (deploymentModel === undefined && !this.#modelIds.includes(request.model)) {
      this.#sendError(res, modelNotFoundError(request.model));
      return;
    }
    const meta = this.#meta(request.model);
    if (plan.kind === 'replay') {
      this.#replay(res, plan, request, meta, route.key);
      return;
    }
    const delayMs = plan.chunkDelayMs ?? this.#settings.chunkDelayMs;
    this.#openChatResponses += 1;
    res.once('close', () => {
      this.#openChatResponses -= 1;
    });
    if (request.isStream) {
      playStream(res, streamScript(plan, request, meta), delayMs);
    } else {
      sendCompletionLater(res, plan, request, meta, delayMs);
    }
  }

  /** A provider's own bytes (providers.ts), whether or not the request asked for a stream. */
  #replay(
    res: ServerResponse,
    plan: ReplayPlan,
    request: ChatRequest,
    meta: CompletionMeta,
    apiKey: string,
  ): void {
    const answer = replay(plan.name, {
      meta,
      userText: stripScenarioTokens(request.lastUserText),
      apiKey,
      origin: this.#origin,
    });
    if (answer.kind === 'redirect') {
      res.writeHead(answer.status, { location: answer.location, 'content-type': 'text/plain' });
      res.end(`Redirecting to ${answer.location}`);
    } else if (answer.kind === 'json') {
      sendJson(res, answer.status, answer.body);
    } else {
      this.#openChatResponses += 1;
      res.once('close', () => {
        this.#openChatResponses -= 1;
      });
      playStream(res, { frames: answer.frames, close: 'end' }, this.#settings.chunkDelayMs);
    }
  }

  #planFor(request: ChatRequest, apiKey: string): ScenarioPlan {
    const token = findScenarioToken(request.lastUserText);
    const selection: Selection = token ? { kind: 'named', name: token } : this.#selection;
    if (selection.kind === 'custom') return selection.plan;
    return scenarioPlan(selection.name, {
      userText: stripScenarioTokens(request.lastUserText),
      model: request.model,
      apiKey,
    });
  }

  #meta(model: string): CompletionMeta {
    this.#completionCount += 1;
    return {
      id: `chatcmpl-parley${this.#completionCount.toString(36).padStart(20, '0')}`,
      created: Math.floor(Date.now() / 1000),
      model: reportedModel(model),
    };
  }

  #checkAuth(req: IncomingMessage): ErrorReply | undefined {
    const key = presentedKey(req);
    if (key === undefined) return missingApiKeyError();
    return key === this.#settings.apiKey ? undefined : invalidApiKeyError(key);
  }

  #sendError(res: ServerResponse, reply: ErrorReply): void {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    sendJson(res, reply.status, errorBody(reply.error));
  }
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = new ParleyTestServer(options);
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return server;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers.

type ParsedBody = { ok: true; value: unknown } | { ok: false };

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** An empty body parses as `undefined`, so a GET records `body: undefined`. */
function parseJson(raw: string): ParsedBody {
  if (raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function presentedKey(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}

function recordedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (headers.authorization !== undefined) headers.authorization = 'Bearer ***';
  if (headers['api-key'] !== undefined) headers['api-key'] = '***';
  return headers;
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(json);
}

/** How long after its last frame a stream that breaks midway is cut. */
const CUT_AFTER_MS = 750;

/**
 * Writes frame i at start + i * delayMs. Timers fire late, so each tick writes every frame that is
 * due by the wall clock: the total stays ~frames * delayMs even at 1-2 ms delays. Stops at once
 * when the client goes away ('close' on the response), leaving no timer behind.
 */
function playStream(res: ServerResponse, script: StreamScript, delayMs: number): void {
  const { frames } = script;
  const start = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => {
    clearTimeout(timer);
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();

  const tick = (): void => {
    if (res.destroyed) return;
    const elapsed = performance.now() - start;
    const due =
      delayMs > 0 ? Math.min(frames.length, Math.floor(elapsed / delayMs) + 1) : frames.length;
    if (due > sent) {
      res.write(frames.slice(sent, due).join(''));
      sent = due;
    }
    if (sent < frames.length) {
      timer = setTimeout(tick, start + sent * delayMs - performance.now());
    } else if (script.close === 'end') {
      res.end();
    } else {
      // Then the connection is cut mid-body: a FIN, never a reset, so every frame already sent
      // still reaches a slow reader (a reset lets the kernel drop unread data). Not at once: a
      // fetch body that errors discards the chunks the page has not read yet (Streams spec), so
      // a busy page would see nothing arrive, and the break must come after the text.
      timer = setTimeout(
        () => {
          res.socket?.end();
          setTimeout(() => res.destroy(), 1_000).unref();
        },
        Math.max(delayMs, CUT_AFTER_MS),
      );
    }
  };
  tick();
}

/** A non-streaming reply arrives after the time its stream would have taken. */
function sendCompletionLater(
  res: ServerResponse,
  plan: StreamPlan,
  request: ChatRequest,
  meta: CompletionMeta,
  delayMs: number,
): void {
  const frameCount = streamScript(plan, { ...request, isStream: true }, meta).frames.length;
  const timer = setTimeout(() => {
    const body = completionBody(plan, request, meta);
    switch (plan.ending.kind) {
      case 'finish':
        sendJson(res, 200, body);
        return;
      case 'error-event':
        sendJson(res, 500, errorBody(plan.ending.error));
        return;
      case 'end':
        // Ends cleanly, but with half a JSON document: the non-streaming form of "ends early".
        sendJson(res, 200, body.slice(0, Math.floor(body.length / 2)));
        return;
      case 'destroy':
        res.destroy();
        return;
    }
  }, frameCount * delayMs);
  res.on('close', () => {
    clearTimeout(timer);
  });
}
