/**
 * Every failure of a call to the API becomes one `ApiError` with a closed `kind`. The words a
 * person reads are not here: they live in the i18n catalog, keyed by kind.
 */
import type { ApiErrorKind, MessageError } from '../domain/types';
import {
  exhaustedResetMs,
  parseRateLimitHeaders,
  type RateLimitSnapshot,
} from './rate-limit-headers';

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
    super(message, { cause: init.cause });
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
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 413 || status === 422 || (status >= 400 && status < 500)) return 'bad_request';
  return 'server';
}

/**
 * Maps anything thrown by the SDK, fetch or a stream into an ApiError. `partial` says whether some
 * reply text had already arrived: a connection lost then is an `incomplete` reply, not a plain
 * network failure.
 */
export function toApiError(thrown: unknown, partial = false): ApiError {
  if (thrown instanceof ApiError) return thrown;
  const error = asRecord(thrown);
  const name = asString(error.name);
  // The SDK's own abort error has no distinguishing name once minified: callers that own the
  // signal check `signal.aborted` first (client.ts); a DOM AbortError is recognised here.
  if (name === 'AbortError') {
    return new ApiError('aborted', '', { cause: thrown });
  }
  const body = asRecord(error.error);
  const status = typeof error.status === 'number' ? error.status : undefined;
  const code = asString(body.code) ?? asString(error.code);
  const type = asString(body.type) ?? asString(error.type);
  const message = providerMessage(error);
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
  // An `error` object inside a 200 stream has no status: it is the provider failing mid-reply.
  if (asString(body.message) !== undefined) return new ApiError('server', message, init);
  if (partial) return new ApiError('incomplete', message, init);
  return new ApiError('network', message, init);
}
