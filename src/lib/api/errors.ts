/**
 * Every failure of a call to the API becomes one `ApiError` with a closed `kind`. The words a
 * person reads are not here: they live in the i18n catalog, keyed by kind (and, for a few
 * failures that need their own words, by `code`: see REDIRECT_CODE).
 *
 * Errors inside a 200 stream (a chunk with an `error` object, an SSE `event: error`) have no HTTP
 * status: the SDK throws an APIError with `status` undefined. Their class is read from the
 * error's own `code` (OpenRouter and vLLM put the HTTP status there, as a number), `status` or
 * `type`, so a 4xx-class failure is final and only rate limits, overload and 5xx are retried.
 *
 * A provider's words can echo a key (`Incorrect API key provided: sk-...`); every detail is
 * masked here, where it is made, so no key is ever shown, stored or exported.
 */
import type { ApiErrorKind, MessageError } from '../domain/types';
import {
  exhaustedResetMs,
  parseRateLimitHeaders,
  type RateLimitSnapshot,
} from './rate-limit-headers';

/** `code` of the ApiError for a response that tried to redirect the request elsewhere. */
export const REDIRECT_CODE = 'redirect';

interface ApiErrorInit {
  status?: number;
  code?: string;
  retryAfterSeconds?: number;
  rateLimits?: RateLimitSnapshot;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** Seconds the server asked us to wait (retry-after / retry-after-ms), when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** Milliseconds until the exhausted x-ratelimit window resets, when the headers were readable. */
  readonly resetMs: number | undefined;
  /** The rate-limit headers of the failed response, when readable. */
  readonly rateLimits: RateLimitSnapshot | undefined;

  constructor(kind: ApiErrorKind, message: string, init: ApiErrorInit = {}) {
    // Masked here too, so no way of making an ApiError can carry an sk- key into the UI.
    super(maskSecrets(message), { cause: init.cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimits = init.rateLimits;
    this.resetMs = exhaustedResetMs(init.rateLimits);
  }

  /** The stored form, for a message record. */
  toMessageError(): MessageError {
    return {
      kind: this.kind,
      ...(this.message ? { detail: this.message } : {}),
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.code === REDIRECT_CODE ? { code: this.code } : {}),
      ...(this.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: this.retryAfterSeconds }),
    };
  }
}

interface ErrorLike {
  name?: unknown;
  status?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  error?: unknown;
  headers?: unknown;
}

function asRecord(value: unknown): ErrorLike {
  return typeof value === 'object' && value !== null ? value : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a header from a Headers object or a plain record, whichever the SDK handed us. */
function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  return asString((headers as Record<string, unknown>)[name]);
}

function headerSource(headers: unknown): Headers | Record<string, string> | undefined {
  if (headers instanceof Headers) return headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  return headers as Record<string, string>;
}

export function retryAfterSeconds(headers: unknown): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms / 1000);
  const raw = header(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Providers put the useful sentence in different places; take the first that reads as text. */
function providerMessage(error: ErrorLike): string {
  if (typeof error.error === 'string' && error.error !== '') return error.error;
  const body = asRecord(error.error);
  const text = asString(body.message) ?? asString(error.message) ?? '';
  // The SDK prefixes "429 " and falls back to "status code (no body)" or the body as JSON when
  // there is no message; none of that helps a person, and raw JSON is never shown.
  const stripped = text
    .replace(/^\d{3} /, '')
    .replace(/^(status code )?\(no (status code or )?body\)$/, '');
  return /^[[{"]/.test(stripped) ? '' : stripped;
}

function kindFromCode(
  code: string | undefined,
  type: string | undefined,
): ApiErrorKind | undefined {
  switch (code ?? type) {
    case 'insufficient_quota':
    case 'billing_hard_limit_reached':
      return 'quota';
    case 'context_length_exceeded':
    case 'string_above_max_length':
      return 'context_length';
    // DeploymentNotFound: Azure OpenAI, when the Model box names no deployment of the resource.
    case 'model_not_found':
    case 'DeploymentNotFound':
      return 'not_found';
    case 'invalid_api_key':
    case 'invalid_authentication':
      return 'auth';
    case 'rate_limit_exceeded':
      return 'rate_limit';
    default:
      return type === 'insufficient_quota' ? 'quota' : undefined;
  }
}

function kindFromStatus(status: number): ApiErrorKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'quota';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 413 || status === 422 || (status >= 400 && status < 500)) return 'bad_request';
  return 'server';
}

/**
 * The HTTP-like status an error inside a stream carries in its own fields: OpenRouter sends
 * `code: 502` (a number), vLLM `code: 400`, others `status: 400` or `code: "400"`.
 */
function embeddedStatus(body: ErrorLike): number | undefined {
  for (const value of [body.code, body.status]) {
    const status = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600) {
      return status;
    }
  }
  return undefined;
}

/**
 * Error types (and string codes) providers use inside streams, by class. Retrying is for what
 * passes (rate limits, overload, failures on the provider's side); anything about the request
 * itself fails the same way again and costs the person each time.
 */
const STREAM_TYPES: Readonly<Record<string, ApiErrorKind>> = {
  invalid_request_error: 'bad_request',
  invalid_request: 'bad_request',
  BadRequestError: 'bad_request',
  bad_request: 'bad_request',
  validation_error: 'bad_request',
  // Groq, when a model's tool call fails its schema.
  tool_use_failed: 'bad_request',
  not_found_error: 'not_found',
  NotFoundError: 'not_found',
  authentication_error: 'auth',
  AuthenticationError: 'auth',
  permission_error: 'permission',
  PermissionDeniedError: 'permission',
  rate_limit_error: 'rate_limit',
  RateLimitError: 'rate_limit',
  requests: 'rate_limit',
  tokens: 'rate_limit',
  overloaded_error: 'server',
  overloaded: 'server',
  server_error: 'server',
  api_error: 'server',
  internal_error: 'server',
  InternalServerError: 'server',
  service_unavailable: 'server',
  ServiceUnavailableError: 'server',
};

/** Words of a stream error that say the request itself is at fault, when nothing else does. */
const FINAL_WORDS = /token limit|too many tokens|maximum context|invalid|validation|not supported/i;

function kindInStream(body: ErrorLike, message: string): ApiErrorKind {
  const status = embeddedStatus(body);
  if (status !== undefined) return kindFromStatus(status);
  for (const value of [body.type, body.code]) {
    const kind = typeof value === 'string' ? STREAM_TYPES[value] : undefined;
    if (kind !== undefined) return kind;
  }
  return FINAL_WORDS.test(message) ? 'bad_request' : 'server';
}

/** The error a redirect refused by the client's fetch (see client.ts) is thrown as. */
export class RedirectRefusedError extends Error {
  constructor() {
    super('The endpoint answered with a redirect, which Parley does not follow.');
    this.name = 'RedirectRefusedError';
  }
}

/**
 * Shapes of secrets a provider might echo: OpenAI-style `sk-...` keys (sk-proj-..., OpenRouter's
 * sk-or-v1-...) and long Bearer tokens. Each keeps its first characters, the rest becomes `***`.
 */
const SK_KEY = /\bsk-[A-Za-z0-9_-]{8,}/g;
const BEARER_TOKEN = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi;

/**
 * `text` with every secret-shaped string, and each of `secrets` (the configured key, which may
 * be of any shape: Azure's are 32 hex digits), masked.
 */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let masked = text;
  for (const secret of secrets) {
    // Short values would mask ordinary words; a real key is long.
    if (secret.length >= 8) masked = masked.split(secret).join(`${secret.slice(0, 3)}***`);
  }
  return masked
    .replace(SK_KEY, (key) => `${key.slice(0, 6)}***`)
    .replace(BEARER_TOKEN, (_token, prefix: string) => `${prefix}***`);
}

function causeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'cause' in value ? value.cause : undefined;
}

function isRedirectRefused(thrown: unknown): boolean {
  // The SDK wraps what its fetch throws in an APIConnectionError, with ours as the cause.
  for (let error = thrown, depth = 0; error !== undefined && depth < 4; depth++) {
    if (error instanceof RedirectRefusedError) return true;
    if (asRecord(error).name === 'RedirectRefusedError') return true;
    error = causeOf(error);
  }
  return false;
}

/**
 * Maps anything thrown by the SDK, fetch or a stream into an ApiError. `partial` says whether some
 * reply text had already arrived: a connection lost then is an `incomplete` reply, not a plain
 * network failure. `secrets` (the configured key) are masked out of the provider's words.
 */
export function toApiError(
  thrown: unknown,
  partial = false,
  secrets: readonly string[] = [],
): ApiError {
  if (thrown instanceof ApiError) return thrown;
  const error = asRecord(thrown);
  const name = asString(error.name);
  // The SDK's own abort error has no distinguishing name once minified: callers that own the
  // signal check `signal.aborted` first (client.ts); a DOM AbortError is recognised here.
  if (name === 'AbortError') {
    return new ApiError('aborted', '', { cause: thrown });
  }
  if (isRedirectRefused(thrown)) {
    // Final: following it is what must not happen, and asking again gets the same redirect.
    return new ApiError('bad_request', '', { cause: thrown, code: REDIRECT_CODE });
  }
  // vLLM's bare `{"object":"error", ...}` chunk (stream.ts) is an error body of its own.
  const body = asRecord(
    name === 'StreamErrorPayload' ? (error as { error?: unknown }).error : error.error,
  );
  const status = typeof error.status === 'number' ? error.status : undefined;
  const code = asString(body.code) ?? asString(error.code);
  const type = asString(body.type) ?? asString(error.type);
  const message = maskSecrets(
    name === 'StreamErrorPayload' ? (asString(body.message) ?? '') : providerMessage(error),
    secrets,
  );
  const retryAfter = retryAfterSeconds(error.headers);
  const rateLimits = parseRateLimitHeaders(headerSource(error.headers));
  const init: ApiErrorInit = {
    cause: thrown,
    ...(rateLimits === undefined ? {} : { rateLimits }),
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { code }),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  };
  const byCode = kindFromCode(code, type);
  if (byCode) return new ApiError(byCode, message, init);
  if (status !== undefined) return new ApiError(kindFromStatus(status), message, init);
  // A chunk that is not JSON: the endpoint speaks something other than the protocol.
  if (name === 'SyntaxError') return new ApiError('server', message, init);
  // An `error` object inside a 200 stream has no HTTP status: its own fields tell its class.
  if (asString(body.message) !== undefined || embeddedStatus(body) !== undefined) {
    return new ApiError(kindInStream(body, message), message, init);
  }
  if (partial) return new ApiError('incomplete', message, init);
  return new ApiError('network', message, init);
}
