/**
 * toApiError against the SDK's real error classes, built the way the SDK builds them from an
 * HTTP response (`APIError.generate`) with the bodies and headers OpenAI sends.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  RateLimitError,
} from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiErrorKind } from '../domain/types';
import {
  ApiError,
  maskSecrets,
  REDIRECT_CODE,
  RedirectRefusedError,
  retryAfterSeconds,
  toApiError,
} from './errors';
import { isRetryable } from './retry';
import { StreamErrorPayload } from './stream';

interface WireError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

function headers(extra: Record<string, string> = {}): Headers {
  return new Headers({ 'content-type': 'application/json', 'x-request-id': 'req_1', ...extra });
}

/** What the SDK throws for an HTTP error response with an OpenAI error body. */
function httpError(status: number, error: WireError, extraHeaders: Record<string, string> = {}) {
  return APIError.generate(status, { error }, undefined, headers(extraHeaders));
}

const INVALID_KEY: WireError = {
  message:
    'Incorrect API key provided: sk-wro*************6789. You can find your API key at https://platform.openai.com/account/api-keys.',
  type: 'invalid_request_error',
  param: null,
  code: 'invalid_api_key',
};
const MISSING_KEY: WireError = {
  message: "You didn't provide an API key.",
  type: 'invalid_request_error',
  param: null,
  code: null,
};
const FORBIDDEN: WireError = {
  message: 'Country, region, or territory not supported',
  type: 'request_forbidden',
  param: null,
  code: 'unsupported_country_region_territory',
};
const MODEL_NOT_FOUND: WireError = {
  message: 'The model `gpt-9` does not exist or you do not have access to it.',
  type: 'invalid_request_error',
  param: null,
  code: 'model_not_found',
};
const RATE_LIMIT: WireError = {
  message:
    'Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
  type: 'requests',
  param: null,
  code: 'rate_limit_exceeded',
};
const QUOTA: WireError = {
  message: 'You exceeded your current quota, please check your plan and billing details.',
  type: 'insufficient_quota',
  param: null,
  code: 'insufficient_quota',
};
const CONTEXT_LENGTH: WireError = {
  message:
    "This model's maximum context length is 16385 tokens. However, your messages resulted in 17000 tokens.",
  type: 'invalid_request_error',
  param: 'messages',
  code: 'context_length_exceeded',
};
const BAD_TEMPERATURE: WireError = {
  message:
    "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
  type: 'invalid_request_error',
  param: 'temperature',
  code: 'decimal_above_max_value',
};
const SERVER: WireError = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/** The detail a person reads: the provider's sentence, not the SDK's status prefix or JSON. */
function expectReadableDetail(error: ApiError, expected: string): void {
  expect(error.message).toBe(expected);
  expect(error.message).not.toMatch(/^\d{3}\b/);
  expect(error.message).not.toMatch(/^\s*[[{"]/);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('toApiError: HTTP errors from the SDK', () => {
  it.each([
    ['401 invalid_api_key', 401, INVALID_KEY, 'auth'],
    ['401 without a code', 401, MISSING_KEY, 'auth'],
    ['403 unsupported region', 403, FORBIDDEN, 'permission'],
    ['404 model_not_found', 404, MODEL_NOT_FOUND, 'not_found'],
    ['429 insufficient_quota (quota even though 429)', 429, QUOTA, 'quota'],
    ['400 context_length_exceeded', 400, CONTEXT_LENGTH, 'context_length'],
    ['400 other', 400, BAD_TEMPERATURE, 'bad_request'],
    ['422', 422, BAD_TEMPERATURE, 'bad_request'],
    ['500', 500, SERVER, 'server'],
    ['503', 503, SERVER, 'server'],
  ] as const)('%s → %s', (_name, status, body, kind) => {
    const thrown = httpError(status, body);
    const error = toApiError(thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.cause).toBe(thrown);
    expectReadableDetail(error, body.message);
  });

  it('keeps the provider code', () => {
    expect(toApiError(httpError(404, MODEL_NOT_FOUND)).code).toBe('model_not_found');
    expect(toApiError(httpError(401, MISSING_KEY)).code).toBeUndefined();
  });

  it('429 rate_limit_exceeded → rate_limit with retry-after-ms (rounded up to seconds)', () => {
    const thrown = httpError(429, RATE_LIMIT, { 'retry-after-ms': '1500', 'retry-after': '9' });
    expect(thrown).toBeInstanceOf(RateLimitError);
    const error = toApiError(thrown);
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterSeconds).toBe(2);
    expectReadableDetail(error, RATE_LIMIT.message);
  });

  it('429 → retry-after in seconds when there is no retry-after-ms', () => {
    const error = toApiError(httpError(429, RATE_LIMIT, { 'retry-after': '20' }));
    expect(error.retryAfterSeconds).toBe(20);
  });

  it('429 → retry-after as an HTTP date', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T12:00:00.000Z'));
    const date = new Date('2025-01-01T12:00:30.000Z').toUTCString();
    const error = toApiError(httpError(429, RATE_LIMIT, { 'retry-after': date }));
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('429 without any retry header has no retryAfterSeconds', () => {
    const error = toApiError(httpError(429, RATE_LIMIT));
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.toMessageError()).not.toHaveProperty('retryAfterSeconds');
  });

  it('a 429 with a rate-limit type but no code is still a rate limit', () => {
    const error = toApiError(httpError(429, { ...RATE_LIMIT, code: null }));
    expect(error.kind).toBe('rate_limit');
  });

  it('an invalid_api_key code wins over an unusual status', () => {
    expect(toApiError(httpError(400, INVALID_KEY)).kind).toBe('auth');
  });

  it('an insufficient_quota type wins even when the code is something else', () => {
    expect(toApiError(httpError(429, { ...QUOTA, code: 'billing_issue' })).kind).toBe('quota');
  });

  it('an error response without a body has no detail', () => {
    const thrown = APIError.generate(500, undefined, undefined, headers());
    const error = toApiError(thrown);
    expect(error.kind).toBe('server');
    expect(error.message).toBe('');
  });

  it('an error object without a message never becomes raw JSON in the detail', () => {
    const thrown = APIError.generate(
      400,
      { error: { type: 'invalid_request_error', code: 'unsupported_value', param: 'temperature' } },
      undefined,
      headers(),
    );
    const error = toApiError(thrown);
    expect(error.kind).toBe('bad_request');
    expect(error.message).not.toMatch(/^\s*[[{"]/);
  });
});

describe('toApiError: Azure OpenAI error bodies ({ code, message }, no type)', () => {
  const DENIED = {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  };
  const NO_DEPLOYMENT = {
    code: 'DeploymentNotFound',
    message:
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  };

  it.each([
    ['401 with code "401"', 401, DENIED, 'auth'],
    ['404 DeploymentNotFound', 404, NO_DEPLOYMENT, 'not_found'],
    ['DeploymentNotFound under another status', 400, NO_DEPLOYMENT, 'not_found'],
  ] as const)('%s → %s, with the message as detail', (_name, status, body, kind) => {
    const error = toApiError(APIError.generate(status, { error: body }, undefined, headers()));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.code).toBe(body.code);
    expectReadableDetail(error, body.message);
  });
});

describe('toApiError: failures without an HTTP status', () => {
  it('APIConnectionError → network; with partial text → incomplete', () => {
    const thrown = new APIConnectionError({
      message: undefined,
      cause: new TypeError('fetch failed'),
    });
    expect(toApiError(thrown).kind).toBe('network');
    expect(toApiError(thrown, true).kind).toBe('incomplete');
    expect(toApiError(new APIConnectionTimeoutError()).kind).toBe('network');
  });

  // The SDK's abort error carries no name that survives minification; the owner of the signal
  // (client.ts) recognises an abort by `signal.aborted` instead — see client.test.ts.
  it('APIUserAbortError alone is not mistaken for a successful abort', () => {
    expect(toApiError(new APIUserAbortError()).kind).not.toBe('aborted');
  });

  it('a DOMException AbortError → aborted, even with partial text', () => {
    const thrown = new DOMException('This operation was aborted', 'AbortError');
    expect(toApiError(thrown).kind).toBe('aborted');
    expect(toApiError(thrown, true).kind).toBe('aborted');
    expect(toApiError(thrown).message).toBe('');
  });

  it('an `error` event inside a 200 stream (no status) → server, with its message', () => {
    // Exactly what the SDK's Stream throws for `data: {"error": {...}}`.
    const thrown = new APIError(undefined, SERVER, undefined, headers());
    const error = toApiError(thrown, true);
    expect(error.kind).toBe('server');
    expect(error.status).toBeUndefined();
    expectReadableDetail(error, SERVER.message);
  });

  it('a TypeError (connection lost): network before any text, incomplete after some', () => {
    expect(toApiError(new TypeError('terminated')).kind).toBe('network');
    expect(toApiError(new TypeError('terminated'), true).kind).toBe('incomplete');
  });

  it('a SyntaxError (the endpoint does not speak the protocol) → server, partial or not', () => {
    const thrown = new SyntaxError('Unexpected token < in JSON at position 0');
    expect(toApiError(thrown).kind).toBe('server');
    expect(toApiError(thrown, true).kind).toBe('server');
  });

  it('anything else thrown → network', () => {
    expect(toApiError('boom').kind).toBe('network');
    expect(toApiError(undefined).kind).toBe('network');
    expect(toApiError(null).kind).toBe('network');
    expect(toApiError(42).message).toBe('');
  });

  it('returns an ApiError unchanged', () => {
    const error = new ApiError('quota', 'detail');
    expect(toApiError(error)).toBe(error);
    expect(toApiError(error, true)).toBe(error);
  });

  it('keeps an AuthenticationError a plain auth error', () => {
    const thrown = httpError(401, INVALID_KEY);
    expect(thrown).toBeInstanceOf(AuthenticationError);
    expect(toApiError(thrown).kind).toBe('auth');
  });
});

describe('ApiError.toMessageError', () => {
  it('keeps kind, detail, status and retryAfterSeconds as plain data', () => {
    const error = toApiError(httpError(429, RATE_LIMIT, { 'retry-after': '3' }));
    const stored = error.toMessageError();
    expect(stored).toEqual({
      kind: 'rate_limit',
      detail: RATE_LIMIT.message,
      status: 429,
      retryAfterSeconds: 3,
    });
    expect(structuredClone(stored)).toEqual(stored);
  });

  it('leaves out what is not known', () => {
    expect(new ApiError('network', '').toMessageError()).toEqual({ kind: 'network' });
  });
});

describe('retryAfterSeconds', () => {
  it('reads Headers objects and plain records', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '5' }))).toBe(5);
    expect(retryAfterSeconds({ 'retry-after': '5' })).toBe(5);
    expect(retryAfterSeconds({ 'retry-after-ms': '250' })).toBe(1);
  });

  it('prefers retry-after-ms and rounds up', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '2001', 'retry-after': '60' }))).toBe(
      3,
    );
    expect(retryAfterSeconds(new Headers({ 'retry-after': '1.2' }))).toBe(2);
  });

  it('is never negative (a date in the past, a negative number)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T12:00:00.000Z'));
    expect(retryAfterSeconds({ 'retry-after': 'Wed, 01 Jan 2025 11:00:00 GMT' })).toBe(0);
    expect(retryAfterSeconds({ 'retry-after': '-5' })).toBe(0);
  });

  it('is undefined when missing or unreadable', () => {
    expect(retryAfterSeconds(new Headers())).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
    expect(retryAfterSeconds({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterSeconds({ 'retry-after-ms': 'x' })).toBeUndefined();
  });
});

describe('errors inside a 200 stream', () => {
  /** What the SDK throws for `{"error": ...}` in a stream (chunk or `event: error`): no status. */
  function inStream(error: Record<string, unknown>) {
    return new APIError(undefined, error, undefined, headers());
  }

  it.each<[string, Record<string, unknown>, ApiErrorKind]>([
    ['OpenRouter code 400', { code: 400, message: 'Invalid tool call' }, 'bad_request'],
    [
      'vLLM code 400',
      { object: 'error', type: 'BadRequestError', message: 'x', code: 400 },
      'bad_request',
    ],
    ['a code as a string', { code: '422', message: 'x' }, 'bad_request'],
    [
      'invalid_request_error',
      { type: 'invalid_request_error', message: 'x', code: null },
      'bad_request',
    ],
    [
      'Groq tool_use_failed',
      { code: 'tool_use_failed', message: 'Failed to call a function' },
      'bad_request',
    ],
    ['"Token limit reached" and nothing else', { message: 'Token limit reached' }, 'bad_request'],
    [
      'context_length_exceeded',
      { code: 'context_length_exceeded', message: 'x' },
      'context_length',
    ],
    ['OpenRouter 402', { code: 402, message: 'Insufficient credits' }, 'quota'],
    ['OpenRouter code 429', { code: 429, message: 'Rate limited' }, 'rate_limit'],
    ['rate_limit_error', { type: 'rate_limit_error', message: 'x' }, 'rate_limit'],
    ['overloaded_error', { type: 'overloaded_error', message: 'Overloaded' }, 'server'],
    ['OpenRouter code 502', { code: 502, message: 'Provider returned error' }, 'server'],
    ['server_error', { type: 'server_error', message: 'The server had an error' }, 'server'],
    [
      'OpenRouter string code',
      { code: 'server_error', message: 'Provider disconnected' },
      'server',
    ],
  ])('%s: kind %s', (_name, error, kind) => {
    const mapped = toApiError(inStream(error), true);
    expect(mapped.kind).toBe(kind);
    expect(mapped.status).toBeUndefined();
  });

  it('only rate limits, overload and 5xx-class are retried', () => {
    const final = toApiError(inStream({ code: 400, message: 'Token limit reached' }));
    const passing = toApiError(inStream({ type: 'overloaded_error', message: 'Overloaded' }));
    expect(isRetryable(final.kind)).toBe(false);
    expect(isRetryable(passing.kind)).toBe(true);
  });

  it('a bare vLLM error chunk is read from its own fields', () => {
    const mapped = toApiError(
      new StreamErrorPayload({
        object: 'error',
        message: 'too long',
        type: 'BadRequestError',
        code: 400,
      }),
    );
    expect(mapped.kind).toBe('bad_request');
    expect(mapped.message).toBe('too long');
  });
});

describe('secrets in provider words', () => {
  it('masks sk- keys of every shape and long Bearer tokens', () => {
    expect(maskSecrets('key sk-proj-AbCdEf0123456789_xyz was revoked')).toBe(
      'key sk-pro*** was revoked',
    );
    expect(maskSecrets('sk-or-v1-0123456789abcdef0123456789abcdef')).toBe('sk-or-***');
    expect(maskSecrets('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc')).toBe(
      'Authorization: Bearer ***',
    );
    // What OpenAI itself sends is already masked and stays readable.
    expect(maskSecrets(INVALID_KEY.message)).toBe(INVALID_KEY.message);
    expect(maskSecrets('Use Authorization: Bearer YOUR_KEY')).toBe(
      'Use Authorization: Bearer YOUR_KEY',
    );
  });

  it('masks the configured key whatever its shape', () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(maskSecrets(`bad key ${key}!`, [key])).toBe('bad key 012***!');
  });

  it('toApiError masks the detail it makes, so it is never shown, stored or exported', () => {
    const key = 'sk-live-0123456789abcdefghij';
    const error = toApiError(
      httpError(401, { ...INVALID_KEY, message: `Incorrect API key provided: ${key}.` }),
      false,
      [key],
    );
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(error.toMessageError())).not.toContain(key);
  });

  it('an ApiError made directly is masked too', () => {
    expect(new ApiError('server', 'echo sk-abcdefghijklmnop').message).toBe('echo sk-abc***');
  });
});

describe('redirects', () => {
  it('a refused redirect, wrapped by the SDK, is final with code redirect', () => {
    const thrown = new APIConnectionError({ cause: new RedirectRefusedError() });
    const error = toApiError(thrown);
    expect(error.kind).toBe('bad_request');
    expect(error.code).toBe(REDIRECT_CODE);
    expect(error.toMessageError()).toEqual({ kind: 'bad_request', code: REDIRECT_CODE });
  });
});
