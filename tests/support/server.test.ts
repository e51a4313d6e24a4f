/**
 * Proves the test server speaks OpenAI's wire format by driving it with the real `openai` SDK
 * (the client Parley ships) and with raw fetch for what the SDK hides (framing, headers, CORS).
 */
import OpenAI, {
  APIError,
  AzureOpenAI,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LONG_MARKDOWN,
  markdownCorpus,
  maskApiKey,
  plainReply,
  SLOW_CHUNK_DELAY_MS,
  type ScenarioName,
} from './scenarios';
import { REASONING_TEXT, redirectTarget, TOKEN_LIMIT_MESSAGE } from './providers';
import {
  AZURE_API_VERSION,
  AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS,
  DEFAULT_DEPLOYMENTS,
  DEFAULT_MODELS,
  startTestServer,
  TEST_API_KEY,
  type TestServer,
} from './server';

const MODEL = 'gpt-4o-mini';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ chunkDelayMs: 1 });
});

afterEach(() => {
  server.use('plain');
  server.setOptions({ apiKey: TEST_API_KEY, chunkDelayMs: 1, cors: true });
});

afterAll(async () => {
  await server.close();
});

function client(apiKey = TEST_API_KEY, target: TestServer = server): OpenAI {
  return new OpenAI({ apiKey, baseURL: target.url, maxRetries: 0 });
}

type StreamParams = Omit<
  OpenAI.Chat.ChatCompletionCreateParamsStreaming,
  'model' | 'messages' | 'stream'
>;

function streamChat(text: string, params: StreamParams = {}, target: TestServer = server) {
  return client(TEST_API_KEY, target).chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: text }],
    stream: true,
    ...params,
  });
}

async function collect(text: string, params: StreamParams = {}): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await streamChat(text, params)) chunks.push(chunk);
  return chunks;
}

/** Text per choice index, and each choice's finish_reason. */
function assemble(chunks: readonly ChatCompletionChunk[]) {
  const texts = new Map<number, string>();
  const finishes = new Map<number, string | null>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      texts.set(choice.index, (texts.get(choice.index) ?? '') + (choice.delta.content ?? ''));
      if (choice.finish_reason !== null) finishes.set(choice.index, choice.finish_reason);
    }
  }
  return { texts, finishes };
}

function rawChat(body: unknown, target: TestServer = server): Promise<Response> {
  return fetch(`${target.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function streamBody(text: string, extra: Record<string, unknown> = {}) {
  return { model: MODEL, stream: true, messages: [{ role: 'user', content: text }], ...extra };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('models', () => {
  it('lists the models the way OpenAI does', async () => {
    const page = await client().models.list();
    expect(page.data.map((model) => model.id)).toEqual(DEFAULT_MODELS);
    expect(page.data[0]).toEqual({
      id: 'gpt-4o-mini',
      object: 'model',
      created: expect.any(Number) as unknown,
      owned_by: 'system',
    });
  });

  it('serves a custom list', async () => {
    const custom = await startTestServer({ models: ['llama3', 'qwen'] });
    try {
      const page = await client(TEST_API_KEY, custom).models.list();
      expect(page.data.map((model) => model.id)).toEqual(['llama3', 'qwen']);
    } finally {
      await custom.close();
    }
  });
});

describe('authentication', () => {
  it('rejects a wrong key with a masked key in the message, on models and chat', async () => {
    const wrong = 'sk-wrong-key-abcdefghijklmnop';
    for (const call of [
      () => client(wrong).models.list(),
      () =>
        client(wrong).chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
        }),
    ]) {
      const error = await caught(call());
      expect(error).toBeInstanceOf(AuthenticationError);
      const apiError = error as AuthenticationError;
      expect(apiError.status).toBe(401);
      expect(apiError.code).toBe('invalid_api_key');
      expect(apiError.type).toBe('invalid_request_error');
      expect(apiError.message).toContain(`Incorrect API key provided: ${maskApiKey(wrong)}.`);
      expect(apiError.message).not.toContain(wrong);
    }
  });

  it('masks keys as OpenAI does', () => {
    expect(maskApiKey('sk-badkey')).toBe('***');
    expect(maskApiKey('sk-bad-key')).toBe('sk-bad***key');
    expect(maskApiKey('sk-proj-abcdefghijklmnop')).toBe('sk-pro***************nop');
  });

  it('says so when no key is sent', async () => {
    const response = await fetch(`${server.url}/models`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: unknown; message: string } };
    expect(body.error.code).toBeNull();
    expect(body.error.message).toMatch(/^You didn't provide an API key/);
  });

  it('accepts the key set later and never records any key', async () => {
    server.setOptions({ apiKey: 'sk-another-key-000000' });
    await expect(client().models.list()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client('sk-another-key-000000').models.list()).resolves.toBeDefined();
    const recorded = server.requests.at(-1);
    expect(recorded?.headers.authorization).toBe('Bearer ***');
    const everything = JSON.stringify(server.requests);
    expect(everything).not.toContain(TEST_API_KEY);
    expect(everything).not.toContain('sk-another-key-000000');
  });
});

describe('streaming', () => {
  it('streams a plain reply in several chunks with the reported model and usage', async () => {
    const chunks = await collect('hello there', { stream_options: { include_usage: true } });
    const { texts, finishes } = assemble(chunks);
    expect(texts.get(0)).toBe('You said: hello there');
    expect(finishes.get(0)).toBe('stop');
    expect(chunks.length).toBeGreaterThan(4);

    const first = chunks[0];
    expect(first?.object).toBe('chat.completion.chunk');
    expect(first?.id).toMatch(/^chatcmpl-/);
    expect(first?.model).toBe('gpt-4o-mini-2024-07-18');
    expect(first).toMatchObject({ system_fingerprint: expect.stringMatching(/^fp_/) as unknown });
    expect(first?.choices[0]).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);

    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 3 + 4 + Math.ceil('hello there'.length / 4),
      completion_tokens: Math.ceil('You said: hello there'.length / 4),
      total_tokens: 7 + 3 + 6,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('leaves usage out entirely unless asked', async () => {
    const chunks = await collect('hi');
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('frames events as OpenAI does, with the right headers', async () => {
    const response = await rawChat(streamBody('hi'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(response.headers.get('x-ratelimit-reset-tokens')).toBe('15ms');
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: ') && !event.includes('\n'))).toBe(true);
  });

  it('interleaves n choices, each with its own text', async () => {
    const chunks = await collect('hi', { n: 3 });
    const { texts, finishes } = assemble(chunks);
    expect(texts.get(0)).toBe('You said: hi');
    expect(texts.get(1)).toBe('Choice 2: You said: hi');
    expect(texts.get(2)).toBe('Choice 3: You said: hi');
    expect([...finishes.values()]).toEqual(['stop', 'stop', 'stop']);
    const order = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.index));
    expect(order.slice(3, 6)).toEqual([0, 1, 2]);
  });

  it('honours stop and max_tokens', async () => {
    const stopped = assemble(await collect('one two three', { stop: ['two', 'said'] }));
    expect(stopped.texts.get(0)).toBe('You ');
    expect(stopped.finishes.get(0)).toBe('stop');

    const limited = assemble(await collect('one two three', { max_completion_tokens: 3 }));
    expect(limited.texts.get(0)).toBe('You said: on');
    expect(limited.finishes.get(0)).toBe('length');
  });

  it.each([
    ['length', 'length'],
    ['content-filter', 'content_filter'],
  ] as const)('scenario %s finishes with %s', async (scenario, reason) => {
    server.use(scenario);
    const { texts, finishes } = assemble(await collect('hi'));
    expect(texts.get(0)).toMatch(/^You said: hi\. /);
    expect(finishes.get(0)).toBe(reason);
  });

  it('streams long Markdown in many small chunks', async () => {
    server.use('long-markdown');
    const chunks = await collect('show me markdown');
    expect(assemble(chunks).texts.get(0)).toBe(LONG_MARKDOWN);
    expect(chunks.length).toBeGreaterThan(150);
    for (const construct of [
      '# A tour',
      '\n## ',
      '\n- ',
      '\n1. ',
      '```ts',
      '```python',
      '| --- |',
      '\n> ',
      '**',
      '](https://',
    ]) {
      expect(LONG_MARKDOWN).toContain(construct);
    }
  });

  it('never sends usage in the no-usage scenario', async () => {
    server.use('no-usage');
    const chunks = await collect('hi', { stream_options: { include_usage: true } });
    expect(assemble(chunks).texts.get(0)).toBe('You said: hi');
    expect(chunks.every((chunk) => chunk.usage == null)).toBe(true);
  });
});

describe('quirky providers', () => {
  it('assembles the same reply from every quirk', async () => {
    server.use('quirky');
    const chunks = await collect('hello quirky world');
    const { texts, finishes } = assemble(chunks);
    expect(texts.get(0)).toBe('You said: hello quirky world');
    expect(finishes.get(0)).toBe('stop');
    expect(chunks.some((chunk) => chunk.model === '')).toBe(true);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('really sends the quirks', async () => {
    const text = await (await rawChat(streamBody('hello quirky world scenario:quirky'))).text();
    expect(text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(text).toContain('\r\n\r\n');
    expect(text).toContain('\ndata:{');
    expect(text).toContain('"content":null');
    expect(text).toContain('"choices":[]');
    expect(text).toMatch(/data: \{\ndata: {2}"id"/);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('non-streaming', () => {
  it('returns a chat.completion', async () => {
    const completion = await client().chat.completions.create({
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
      n: 2,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4.1-2025-04-14');
    expect(completion.choices.map((choice) => choice.message.content)).toEqual([
      'You said: hi',
      'Choice 2: You said: hi',
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.usage?.completion_tokens).toBe(3 + 6);
  });
});

describe('errors', () => {
  const cases: [
    ScenarioName,
    new (...args: never[]) => APIError,
    number,
    string | null,
    string,
    string | null,
  ][] = [
    ['unauthorized', AuthenticationError, 401, 'invalid_api_key', 'invalid_request_error', null],
    [
      'forbidden',
      PermissionDeniedError,
      403,
      'unsupported_country_region_territory',
      'request_forbidden',
      null,
    ],
    ['model-not-found', NotFoundError, 404, 'model_not_found', 'invalid_request_error', null],
    ['rate-limit', RateLimitError, 429, 'rate_limit_exceeded', 'requests', null],
    ['quota', RateLimitError, 429, 'insufficient_quota', 'insufficient_quota', null],
    [
      'context-length',
      BadRequestError,
      400,
      'context_length_exceeded',
      'invalid_request_error',
      'messages',
    ],
    [
      'bad-request',
      BadRequestError,
      400,
      'decimal_above_max_value',
      'invalid_request_error',
      'temperature',
    ],
    ['server-error', InternalServerError, 500, null, 'server_error', null],
  ];

  it.each(cases)(
    '%s becomes the SDK error OpenAI would cause',
    async (scenario, type, status, code, errorType, param) => {
      server.use(scenario);
      const error = await caught(streamChat('hi'));
      expect(error).toBeInstanceOf(type);
      const apiError = error as APIError;
      expect(apiError.status).toBe(status);
      expect(apiError.code).toBe(code);
      expect(apiError.type).toBe(errorType);
      expect(apiError.param).toBe(param);
      expect(apiError.requestID).toMatch(/^req_/);
      expect(apiError.message).not.toContain(TEST_API_KEY);
    },
  );

  it('sends retry-after and rate-limit headers on 429', async () => {
    server.use('rate-limit');
    const error = (await caught(streamChat('hi'))) as RateLimitError;
    expect(error.headers.get('retry-after')).toBe('1');
    expect(error.headers.get('retry-after-ms')).toBe('1000');
    expect(error.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers.get('x-ratelimit-reset-requests')).toBe('1s');
    expect(error.headers.get('x-ratelimit-limit-tokens')).toBe('200000');
  });

  it('uses the real texts', async () => {
    server.use('quota');
    expect(((await caught(streamChat('hi'))) as APIError).message).toBe(
      '429 You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    );
    server.use('context-length');
    expect(((await caught(streamChat('hi'))) as APIError).message).toContain(
      "This model's maximum context length is 16385 tokens. However, your messages resulted in 17000 tokens.",
    );
  });

  it('rejects an unknown model with 404 model_not_found', async () => {
    const error = await caught(
      client().chat.completions.create({
        model: 'gpt-nope',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('model_not_found');
    expect((error as NotFoundError).message).toBe(
      '404 The model `gpt-nope` does not exist or you do not have access to it.',
    );
  });

  it('rejects bodies OpenAI rejects', async () => {
    const missing = await caught(
      client().chat.completions.create({
        model: MODEL,
      } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming),
    );
    expect((missing as BadRequestError).param).toBe('messages');
    const tooMany = await caught(
      client().chat.completions.create({
        model: MODEL,
        n: 9,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect((tooMany as BadRequestError).code).toBe('integer_above_max_value');

    const invalid = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(
      /^We could not parse the JSON body/,
    );
  });

  it('answers an unknown route with 404 and an OpenAI error body', async () => {
    const response = await fetch(`${server.url}/nothing`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/nothing)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});

describe('broken streams', () => {
  it('cut-midway: the SDK fails after the text so far', async () => {
    server.use('cut-midway');
    let text = '';
    const error = await caught(
      (async () => {
        for await (const chunk of await streamChat('hi'))
          text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(APIError);
    expect(text).toBe('You said: hi. This reply is cut off in the middle of');
  });

  it('ends-early: the stream ends cleanly without finish_reason or [DONE]', async () => {
    server.use('ends-early');
    const chunks = await collect('hi');
    const { texts, finishes } = assemble(chunks);
    expect(texts.get(0)).toBe('You said: hi. This reply stops before the server says it is');
    expect(finishes.size).toBe(0);
    const raw = await (await rawChat(streamBody('hi'))).text();
    expect(raw).not.toContain('[DONE]');
  });

  it('error-in-stream: the SDK throws the provider error after the text so far', async () => {
    server.use('error-in-stream');
    let text = '';
    const error = await caught(
      (async () => {
        for await (const chunk of await streamChat('hi'))
          text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).type).toBe('server_error');
    expect(text).toBe('You said: hi. This reply stops when the provider reports an');
  });
});

describe('scenario selection', () => {
  it('a token in the last user message wins over use(), and is stripped from the echo', async () => {
    server.use('server-error');
    const chunks = await collect('hi scenario:plain there');
    expect(assemble(chunks).texts.get(0)).toBe('You said: hi there');
  });

  it('reads the token from content parts, and only from the last user message', async () => {
    const error = await caught(
      client().chat.completions.create({
        model: MODEL,
        messages: [
          { role: 'user', content: 'scenario:quota' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'text', text: 'again scenario:rate-limit' }] },
        ],
      }),
    );
    expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
  });

  it('keeps an unknown token in the echo', async () => {
    expect(assemble(await collect('hi scenario:nope')).texts.get(0)).toBe(
      'You said: hi scenario:nope',
    );
  });

  it('falls back to the default scenario option', async () => {
    const custom = await startTestServer({ scenario: 'length', chunkDelayMs: 0 });
    try {
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of await streamChat('hi', {}, custom)) chunks.push(chunk);
      expect(assemble(chunks).finishes.get(0)).toBe('length');
    } finally {
      await custom.close();
    }
  });

  it('records every chat body', async () => {
    const before = server.chatRequests().length;
    await collect('recorded');
    const bodies = server.chatRequests();
    expect(bodies).toHaveLength(before + 1);
    expect(bodies.at(-1)).toMatchObject({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'recorded' }],
    });
  });
});

describe('timing and cleanup', () => {
  it('slow: chunks come 150 ms apart, and Stop ends the response with no timer left', async () => {
    server.use('slow');
    const stream = await streamChat('hi');
    const arrivals: number[] = [];
    let timersWhileStreaming = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
      if (arrivals.length === 3) {
        expect(server.openChatResponses).toBe(1);
        timersWhileStreaming = activeTimers();
        stream.controller.abort();
      }
    }
    expect(arrivals).toHaveLength(3);
    expect((arrivals[2] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(
      2 * SLOW_CHUNK_DELAY_MS - 10,
    );
    await expect.poll(() => server.openChatResponses, { interval: 5 }).toBe(0);
    // The stream's pending timer is gone, not left to fire into a closed response.
    expect(activeTimers()).toBeLessThan(timersWhileStreaming);
  });

  it('useStream: exact chunk count, and the total duration follows the wall clock', async () => {
    const text = markdownCorpus(4000);
    server.useStream({ text, chunks: 200, chunkDelayMs: 2 });
    const started = performance.now();
    const chunks = await collect('bench');
    const elapsed = performance.now() - started;
    const contents = chunks
      .filter((chunk) => chunk.choices[0]?.delta.content !== undefined)
      .slice(1);
    expect(contents).toHaveLength(200);
    expect(assemble(chunks).texts.get(0)).toBe(text);
    expect(elapsed).toBeGreaterThanOrEqual(200 * 2);
    // Each timer fires late; batching by the wall clock keeps the total near chunks * delay.
    expect(elapsed).toBeLessThan(200 * 2 + 150);
  });

  it('close() ends open streams at once', async () => {
    const own = await startTestServer({ scenario: 'slow' });
    const stream = await streamChat('hi', {}, own);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(100);
    await expect(iterator.next()).rejects.toThrow();
  });
});

describe('CORS', () => {
  it('answers a preflight and exposes the headers the app reads', async () => {
    const preflight = await fetch(`${server.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-custom',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization,content-type,x-custom',
    );
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(server.requests.at(-1)?.method).toBe('OPTIONS');

    const response = await rawChat(streamBody('hi'));
    await response.text();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = response.headers.get('access-control-expose-headers') ?? '';
    for (const name of [
      'x-request-id',
      'retry-after',
      'retry-after-ms',
      'x-ratelimit-remaining-requests',
      'openai-processing-ms',
    ]) {
      expect(exposed).toContain(name);
    }
  });

  it('sends no Access-Control headers at all when CORS is off', async () => {
    server.setOptions({ cors: false });
    const preflight = await fetch(`${server.url}/models`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(404);
    const response = await fetch(`${server.url}/models`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(response.status).toBe(200);
    for (const headers of [preflight.headers, response.headers]) {
      expect([...headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('Azure OpenAI routes', () => {
  function azure(apiKey = TEST_API_KEY, apiVersion = AZURE_API_VERSION): AzureOpenAI {
    return new AzureOpenAI({ apiKey, apiVersion, endpoint: server.origin, maxRetries: 0 });
  }

  function azureChat(deployment: string, text: string, apiKey = TEST_API_KEY) {
    return azure(apiKey).chat.completions.create({
      model: deployment,
      messages: [{ role: 'user', content: text }],
      stream: true,
      stream_options: { include_usage: true },
    });
  }

  it('streams a reply from a deployment, like the OpenAI route, with the model it serves', async () => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await azureChat('parley-chat', 'Hello Azure')) chunks.push(chunk);
    expect(assemble(chunks).texts.get(0)).toBe(plainReply('Hello Azure'));
    expect(assemble(chunks).finishes.get(0)).toBe('stop');
    expect(chunks[0]?.model).toBe('gpt-4o-mini-2024-07-18');
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    const request = server.requests.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      path: '/openai/deployments/parley-chat/chat/completions',
      search: `?api-version=${AZURE_API_VERSION}`,
    });
    expect(request?.headers['api-key']).toBe('***');
    expect(request?.headers).not.toHaveProperty('authorization');
    expect(server.chatRequests().at(-1)).toMatchObject({ model: 'parley-chat' });
  });

  it('ignores the body model, or its absence: the deployment decides', async () => {
    for (const model of [undefined, 'anything-at-all']) {
      const response = await fetch(
        `${server.origin}/openai/deployments/gpt-4o/chat/completions?api-version=${AZURE_API_VERSION}`,
        {
          method: 'POST',
          headers: { 'api-key': TEST_API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { model: string; object: string };
      expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-2024-08-06' });
    }
  });

  it('lists models at /openai/models with the api-key, in Azure’s shape', async () => {
    const page = await azure().models.list();
    expect(page.data.map((model) => model.id)).toEqual(DEFAULT_MODELS);
    expect(page.data[0]).toMatchObject({
      id: 'gpt-4o-mini',
      object: 'model',
      status: 'succeeded',
      lifecycle_status: 'generally-available',
    });
    expect(server.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/openai/models',
      search: `?api-version=${AZURE_API_VERSION}`,
    });
  });

  it('refuses a wrong key with Azure’s 401 body, on models and chat', async () => {
    const wrong = '0123456789abcdef0123456789abcdef';
    for (const call of [
      () => azure(wrong).models.list(),
      () => azureChat('parley-chat', 'x', wrong),
    ]) {
      const error = await caught(call());
      expect(error).toBeInstanceOf(AuthenticationError);
      const apiError = error as AuthenticationError;
      expect(apiError.code).toBe('401');
      expect(apiError.message).toMatch(/Access denied due to invalid subscription key/);
      expect(apiError.message).not.toContain(wrong);
    }
    expect(JSON.stringify(server.requests)).not.toContain(wrong);
  });

  it('reads a Bearer key as a token, and says so when there is no key', async () => {
    const models = `${server.origin}/openai/models?api-version=${AZURE_API_VERSION}`;
    const bearer = await fetch(models, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toMatchObject({ error: { code: '401' } });
    const none = await fetch(models);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(
      /missing subscription key/,
    );
  });

  it('answers an unknown deployment with 404 DeploymentNotFound', async () => {
    const error = await caught(azureChat('no-such-deployment', 'x'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('DeploymentNotFound');
    expect((error as NotFoundError).message).toMatch(/^404 The API deployment for this resource/);
    expect(Object.keys(DEFAULT_DEPLOYMENTS)).not.toContain('no-such-deployment');
  });

  it('answers a missing api-version with 404 Resource not found, and an odd one with 400', async () => {
    const path = `${server.origin}/openai/deployments/parley-chat/chat/completions`;
    const init = {
      method: 'POST',
      headers: { 'api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    };
    const missing = await fetch(path, init);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    const odd = await caught(azure(TEST_API_KEY, 'latest').models.list());
    expect(odd).toBeInstanceOf(BadRequestError);
    expect((odd as BadRequestError).message).toMatch(/API version not supported/);
  });

  it('answers other /openai paths with Azure’s 404', async () => {
    const response = await fetch(`${server.origin}/openai/deployments?api-version=2024-10-21`, {
      headers: { 'api-key': TEST_API_KEY },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: '404', message: 'Resource not found' },
    });
  });

  it('streams scenarios the same way, and a custom deployment list', async () => {
    const own = await startTestServer({ chunkDelayMs: 1, deployments: { prod: 'gpt-4.1' } });
    try {
      const client = new AzureOpenAI({
        apiKey: TEST_API_KEY,
        apiVersion: '2025-04-01-preview',
        endpoint: `${own.origin}/`,
        maxRetries: 0,
      });
      own.use('length');
      const stream = await client.chat.completions.create({
        model: 'prod',
        messages: [{ role: 'user', content: 'Cut' }],
        stream: true,
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(assemble(chunks).finishes.get(0)).toBe('length');
      expect(chunks[0]?.model).toBe('gpt-4.1-2025-04-14');
      await expect(
        client.chat.completions.create({ model: 'parley-chat', messages: [] }),
      ).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await own.close();
    }
  });

  it('allows the api-key header in a CORS preflight', async () => {
    const preflight = await fetch(`${server.origin}/openai/models?api-version=2024-10-21`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'api-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('api-key');
    const bare = await fetch(`${server.origin}/openai/models`, { method: 'OPTIONS' });
    expect(bare.headers.get('access-control-allow-headers')).toContain('api-key');
  });
});

describe('markdownCorpus', () => {
  it('is exactly as long as asked, and the same every time', () => {
    for (const size of [0, 1, 500, 10_000]) expect(markdownCorpus(size)).toHaveLength(size);
    expect(markdownCorpus(5000)).toBe(markdownCorpus(5000));
    expect(markdownCorpus(5000).startsWith(markdownCorpus(1000))).toBe(true);
  });

  it('holds realistic Markdown', () => {
    const corpus = markdownCorpus(20_000);
    for (const construct of [
      '## Section 5',
      '```ts',
      '```python',
      '| --- |',
      '\n> ',
      '\n1. ',
      '\n- ',
    ]) {
      expect(corpus).toContain(construct);
    }
  });
});

it('plainReply is the echo the plain scenario sends', () => {
  expect(plainReply('x')).toBe('You said: x');
});

describe('provider replays (providers.ts)', () => {
  it('`error-event` frames an SSE `event: error` after the role chunk, as sent', async () => {
    const response = await rawChat(streamBody('x scenario:error-event'));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(
      `event: error\ndata: ${JSON.stringify({ error: { message: TOKEN_LIMIT_MESSAGE, type: 'invalid_request_error', param: null, code: 400 } })}\n\n`,
    );
    expect(text).not.toContain('[DONE]');
  });

  it('`reasoning-openrouter` sends reasoning and reasoning_details with the same text', async () => {
    const chunks = await collect('x scenario:reasoning-openrouter');
    const deltas = chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta as Record<string, unknown>),
    );
    const withBoth = deltas.filter((delta) => typeof delta.reasoning === 'string');
    expect(withBoth.length).toBeGreaterThan(1);
    for (const delta of withBoth) {
      expect(delta.reasoning_details).toEqual([
        expect.objectContaining({ type: 'reasoning.text', text: delta.reasoning }),
      ]);
    }
    expect(withBoth.map((delta) => delta.reasoning).join('')).toBe(REASONING_TEXT);
  });

  it('`not-streamed` answers a stream request with one chat.completion as JSON', async () => {
    const response = await rawChat(streamBody('x scenario:not-streamed'));
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { object: string };
    expect(body.object).toBe('chat.completion');
  });

  it('`redirect` answers 307 to the same path on another origin', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(streamBody('x scenario:redirect')),
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(redirectTarget(server.origin));
    expect(new URL(redirectTarget(server.origin)).origin).not.toBe(server.origin);
  });

  it('an Azure version from before stream_options rejects it the way Azure did', async () => {
    const response = await fetch(
      `${server.origin}/openai/deployments/parley-chat/chat/completions?api-version=${AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS}`,
      {
        method: 'POST',
        headers: { 'api-key': TEST_API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(streamBody('x', { stream_options: { include_usage: true } })),
      },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Unrecognized request argument supplied: stream_options/);
  });
});
