/**
 * createChatApi with the real `openai` SDK in Node, against the project's test server: the real
 * wire format, status codes, error bodies and headers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AZURE_API_VERSION,
  AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS,
  DEFAULT_MODELS,
  startTestServer,
  TEST_API_KEY,
  type ScenarioName,
  type TestServer,
} from '../../../tests/support/server';
import { LONG_MARKDOWN, plainReply } from '../../../tests/support/scenarios';
import {
  ANSWER_TEXT,
  BAD_REQUEST_IN_STREAM_MESSAGE,
  echoKeyMessage,
  OVERLOADED_MESSAGE,
  REASONING_TEXT,
  REFUSAL_TEXT,
  TOKEN_LIMIT_MESSAGE,
  UNKNOWN_FINISH_REASON,
} from '../../../tests/support/providers';
import { buildChatRequest, type ChatRequestBody } from '../domain/request';
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { ApiErrorKind, ChatParams, Message } from '../domain/types';
import { createChatApi, type ApiConfig, type ChatApi } from './client';
import { ApiError, REDIRECT_CODE } from './errors';
import { isRetryable } from './retry';
import type { DeltaPart } from './stream';
import { CHAT_INFO } from '../models/testing/infos';

const MODEL = 'gpt-4o-mini';
const SNAPSHOT = 'gpt-4o-mini-2024-07-18';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ chunkDelayMs: 1 });
});

afterEach(() => {
  server.use('plain');
});

afterAll(async () => {
  await server.close();
});

function api(apiKey = TEST_API_KEY, baseUrl = server.url): Promise<ChatApi> {
  return createChatApi({ apiKey, baseUrl });
}

function body(text: string, model = MODEL, params: Partial<ChatParams> = {}): ChatRequestBody {
  const user: Message = {
    id: 'u1',
    conversationId: 'c1',
    parentId: null,
    role: 'user',
    content: text,
    status: 'complete',
    createdAt: 1,
    updatedAt: 1,
  };
  return buildChatRequest(
    'You are terse.',
    { ...DEFAULT_PARAMS, model, ...params },
    [user],
    CHAT_INFO,
  );
}

/** Streams `text` under `scenario`, collecting what onDelta delivered. */
async function stream(
  scenario: ScenarioName,
  text = 'Hello',
  signal = new AbortController().signal,
) {
  server.use(scenario);
  const deltas: string[] = [];
  const chat = await api();
  const result = chat.streamChat(
    body(text),
    (index, delta) => {
      if (index === 0) deltas.push(delta);
    },
    signal,
  );
  return { result, deltas };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('listModels', () => {
  it('returns the ids the endpoint serves, sorted', async () => {
    const ids = await (await api()).listModels();
    expect(ids).toEqual([...DEFAULT_MODELS].sort((a, b) => a.localeCompare(b)));
  });

  it('works with a trailing slash on the base URL', async () => {
    const ids = await (await api(TEST_API_KEY, `${server.url}//`)).listModels();
    expect(ids).toHaveLength(DEFAULT_MODELS.length);
  });

  it('rejects a wrong key with an auth ApiError that does not echo the key', async () => {
    const wrongKey = 'sk-wrong-key-abcdefghijklmnop';
    const error = await rejection((await api(wrongKey)).listModels());
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^Incorrect API key provided/);
    expect(error.message).not.toContain(wrongKey);
  });

  it('rejects with kind network when nothing listens at the base URL', async () => {
    const gone = await startTestServer();
    const url = gone.url;
    await gone.close();
    const error = await rejection((await api(TEST_API_KEY, url)).listModels());
    expect(error.kind).toBe('network');
  });

  it('rejects with kind aborted when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection((await api()).listModels(controller.signal));
    expect(error.kind).toBe('aborted');
  });
});

describe('streamChat', () => {
  it('assembles the plain reply and reports usage and the model snapshot', async () => {
    const { result, deltas } = await stream('plain', 'Hello there');
    const reply = await result;
    const expected = plainReply('Hello there');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(expected);
    expect(reply.choices).toEqual([{ index: 0, content: expected, finishReason: 'stop' }]);
    expect(reply.model).toBe(SNAPSHOT);
    expect(reply.usage).toEqual({
      promptTokens: expect.any(Number) as number,
      completionTokens: expect.any(Number) as number,
      totalTokens: expect.any(Number) as number,
    });
    expect(reply.usage?.totalTokens).toBe(
      (reply.usage?.promptTokens ?? NaN) + (reply.usage?.completionTokens ?? NaN),
    );
  });

  it('posts exactly the body it was given', async () => {
    const sent = body('What is sent?');
    const before = server.chatRequests().length;
    await (await api()).streamChat(sent, () => undefined, new AbortController().signal);
    const received = server.chatRequests();
    expect(received).toHaveLength(before + 1);
    expect(received.at(-1)).toEqual(sent);
  });

  it('sends the key as a Bearer token and no x-stainless-* or SDK user-agent headers', async () => {
    await (await api()).listModels();
    await (
      await stream('plain')
    ).result;
    const recent = server.requests.slice(-2);
    expect(recent.map((r) => r.method)).toEqual(['GET', 'POST']);
    for (const request of recent) {
      expect(request.headers.authorization).toBe('Bearer ***');
      const names = Object.keys(request.headers);
      expect(names.filter((name) => name.toLowerCase().startsWith('x-stainless'))).toEqual([]);
      expect(request.headers['user-agent'] ?? '').not.toMatch(/openai/i);
    }
  });

  it('sends OpenAI-Organization and OpenAI-Project when they are set', async () => {
    const chat = await createChatApi({
      apiKey: TEST_API_KEY,
      baseUrl: server.url,
      organization: 'org-parley123',
      project: 'proj_parley456',
    });
    const before = server.requests.length;
    await chat.listModels();
    await chat.streamChat(body('Headers'), () => undefined, new AbortController().signal);
    const recent = server.requests.slice(before);
    expect(recent.map((r) => r.method)).toEqual(['GET', 'POST']);
    for (const request of recent) {
      expect(request.headers['openai-organization']).toBe('org-parley123');
      expect(request.headers['openai-project']).toBe('proj_parley456');
    }
  });

  it.each([
    ['absent', {}],
    ['null', { organization: null, project: null }],
  ])('sends no organization or project header when they are %s', async (_label, extra) => {
    const chat = await createChatApi({ apiKey: TEST_API_KEY, baseUrl: server.url, ...extra });
    const before = server.requests.length;
    await chat.listModels();
    await chat.streamChat(body('No headers'), () => undefined, new AbortController().signal);
    const recent = server.requests.slice(before);
    expect(recent).toHaveLength(2);
    for (const request of recent) {
      expect(request.headers).not.toHaveProperty('openai-organization');
      expect(request.headers).not.toHaveProperty('openai-project');
    }
  });

  it('streams n choices, interleaved, each to its own index', async () => {
    server.use('plain');
    const chat = await api();
    const deltas = new Map<number, string>();
    const order: number[] = [];
    const reply = await chat.streamChat(
      body('Three ways', MODEL, { n: 3 }),
      (index, delta) => {
        deltas.set(index, (deltas.get(index) ?? '') + delta);
        if (order.at(-1) !== index) order.push(index);
      },
      new AbortController().signal,
    );
    expect(server.chatRequests().at(-1)).toMatchObject({ n: 3 });
    const expected = [
      plainReply('Three ways'),
      `Choice 2: ${plainReply('Three ways')}`,
      `Choice 3: ${plainReply('Three ways')}`,
    ];
    expect(reply.choices).toEqual(
      expected.map((content, index) => ({ index, content, finishReason: 'stop' })),
    );
    expect([0, 1, 2].map((index) => deltas.get(index))).toEqual(expected);
    // The pieces of the three choices alternate rather than arriving one choice after another.
    expect(order.length).toBeGreaterThan(3);
  });

  it('passes stop sequences through and reports the stop finish', async () => {
    const reply = await (
      await api()
    ).streamChat(
      body('Hello. More', MODEL, { stop: ['.'] }),
      () => undefined,
      new AbortController().signal,
    );
    expect(server.chatRequests().at(-1)).toMatchObject({ stop: ['.'] });
    expect(reply.choices).toEqual([{ index: 0, content: 'You said: Hello', finishReason: 'stop' }]);
  });

  it('keeps multi-byte characters whole in a long Markdown reply', async () => {
    const { result, deltas } = await stream('long-markdown');
    const reply = await result;
    expect(reply.choices[0]?.content).toBe(LONG_MARKDOWN);
    expect(deltas.join('')).toBe(LONG_MARKDOWN);
  });

  it.each([
    ['length', 'length'],
    ['content-filter', 'content_filter'],
  ] as const)('reports the %s finish reason', async (scenario, reason) => {
    const reply = await (await stream(scenario)).result;
    expect(reply.choices[0]?.finishReason).toBe(reason);
    expect(reply.choices[0]?.content).toMatch(/^You said: Hello\./);
  });

  it.each<[ScenarioName, ApiErrorKind, number]>([
    ['unauthorized', 'auth', 401],
    ['forbidden', 'permission', 403],
    ['model-not-found', 'not_found', 404],
    ['rate-limit', 'rate_limit', 429],
    ['quota', 'quota', 429],
    ['context-length', 'context_length', 400],
    ['bad-request', 'bad_request', 400],
    ['server-error', 'server', 500],
  ])(
    'the %s scenario rejects with kind %s (%d), once, with a readable detail',
    async (scenario, kind, status) => {
      const before = server.chatRequests().length;
      const { result, deltas } = await stream(scenario);
      const error = await rejection(result);
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(error.message).not.toBe('');
      expect(error.message).not.toMatch(/^\d{3}\b/);
      expect(error.message).not.toMatch(/^\s*[[{"]/);
      expect(deltas).toEqual([]);
      // maxRetries: 0 — the SDK never retries behind Parley's back (429 and 5xx included).
      expect(server.chatRequests()).toHaveLength(before + 1);
    },
  );

  it('a rate limit carries the seconds the server asked to wait', async () => {
    const error = await rejection((await stream('rate-limit')).result);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.toMessageError()).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 1 });
  });

  it.each<ScenarioName>(['cut-midway', 'ends-early'])(
    '%s rejects with kind incomplete after delivering the text so far',
    async (scenario) => {
      const { result, deltas } = await stream(scenario);
      const error = await rejection(result);
      expect(error.kind).toBe('incomplete');
      expect(deltas.join('')).toMatch(/^You said: Hello\. This reply/);
    },
  );

  it('error-in-stream rejects with kind server and the provider message, after the text', async () => {
    const { result, deltas } = await stream('error-in-stream');
    const error = await rejection(result);
    expect(error.kind).toBe('server');
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      'The server had an error while processing your request. Sorry about that!',
    );
    expect(deltas.join('')).toMatch(/^You said: Hello\. This reply stops/);
  });

  it('assembles a quirky (compatible-provider) stream like a standard one', async () => {
    const { result, deltas } = await stream('quirky', 'Quirks');
    const reply = await result;
    expect(reply.choices).toEqual([
      { index: 0, content: plainReply('Quirks'), finishReason: 'stop' },
    ]);
    expect(deltas.join('')).toBe(plainReply('Quirks'));
    expect(reply.usage).toBeDefined();
    expect(reply.model).toBe(SNAPSHOT);
  });

  it('resolves without usage when the server sends none', async () => {
    const reply = await (await stream('no-usage')).result;
    expect(reply.choices[0]).toEqual({
      index: 0,
      content: plainReply('Hello'),
      finishReason: 'stop',
    });
    expect(reply.usage).toBeUndefined();
    expect(reply.model).toBe(SNAPSHOT);
  });

  it('a stop mid-stream resolves with the partial text and closes the request', async () => {
    const controller = new AbortController();
    server.use('slow');
    const deltas: string[] = [];
    const chat = await api();
    const result = chat.streamChat(
      body('Hi'),
      (_index, delta) => {
        deltas.push(delta);
        if (deltas.join('').length >= 'You said: Hi'.length) controller.abort();
      },
      controller.signal,
    );
    await expect.poll(() => server.openChatResponses).toBe(1);
    const reply = await result;
    expect(controller.signal.aborted).toBe(true);
    const text = reply.choices[0]?.content ?? '';
    expect(text).toBe(deltas.join(''));
    expect(text.startsWith('You said: Hi')).toBe(true);
    // The slow reply is ~180 characters in 40 pieces: far from all of it arrived.
    expect(text.length).toBeLessThan(40);
    expect(reply.choices[0]?.finishReason).toBeNull();
    await expect.poll(() => server.openChatResponses).toBe(0);
  });

  it('a stop before anything arrived resolves with nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const chat = await api();
    const reply = await chat.streamChat(body('x'), () => undefined, controller.signal);
    expect(reply.choices).toEqual([]);
    await expect.poll(() => server.openChatResponses).toBe(0);
  });

  it('a wrong key while streaming rejects with kind auth', async () => {
    const chat = await api('sk-not-the-right-key-0000');
    const error = await rejection(
      chat.streamChat(body('x'), () => undefined, new AbortController().signal),
    );
    expect(error.kind).toBe('auth');
  });

  it('an unknown model rejects with kind not_found', async () => {
    const chat = await api();
    const error = await rejection(
      chat.streamChat(body('x', 'gpt-nope'), () => undefined, new AbortController().signal),
    );
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain('gpt-nope');
  });
});

describe('Azure OpenAI (the AzureOpenAI client)', () => {
  function azure(apiKey = TEST_API_KEY, extra: Partial<ApiConfig> = {}): Promise<ChatApi> {
    return createChatApi({
      apiKey,
      baseUrl: server.origin,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION,
      ...extra,
    });
  }

  it('checks the key with GET /openai/models?api-version, sent as api-key, and suggests nothing', async () => {
    const before = server.requests.length;
    const ids = await (await azure()).listModels();
    expect(ids).toEqual([]);
    const [request, ...more] = server.requests.slice(before);
    expect(more).toEqual([]);
    expect(request).toMatchObject({
      method: 'GET',
      path: '/openai/models',
      search: `?api-version=${AZURE_API_VERSION}`,
    });
    expect(request?.headers['api-key']).toBe('***');
    expect(request?.headers).not.toHaveProperty('authorization');
  });

  it('streams from the deployment the model names, with api-key and no Bearer, stainless or OpenAI headers', async () => {
    const chat = await azure(TEST_API_KEY, { organization: 'org-x', project: 'proj_y' });
    const before = server.requests.length;
    const reply = await chat.streamChat(
      body('Hello Azure', 'parley-chat'),
      () => undefined,
      new AbortController().signal,
    );
    expect(reply.choices).toEqual([
      { index: 0, content: plainReply('Hello Azure'), finishReason: 'stop' },
    ]);
    // Azure reports the model the deployment serves.
    expect(reply.model).toBe(SNAPSHOT);
    expect(reply.usage).toBeDefined();
    const [request, ...more] = server.requests.slice(before);
    expect(more).toEqual([]);
    expect(request).toMatchObject({
      method: 'POST',
      path: '/openai/deployments/parley-chat/chat/completions',
      search: `?api-version=${AZURE_API_VERSION}`,
    });
    const headers = request?.headers ?? {};
    expect(headers['api-key']).toBe('***');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('openai-organization');
    expect(headers).not.toHaveProperty('openai-project');
    expect(Object.keys(headers).filter((name) => name.startsWith('x-stainless'))).toEqual([]);
    expect(headers['user-agent'] ?? '').not.toMatch(/openai/i);
  });

  it('takes the endpoint with a trailing slash', async () => {
    const chat = await azure(TEST_API_KEY, { baseUrl: `${server.origin}/` });
    await expect(chat.listModels()).resolves.toEqual([]);
  });

  it('a wrong key rejects with kind auth and Azure’s words, never the key', async () => {
    const wrong = '0123456789abcdef0123456789abcdef';
    const error = await rejection((await azure(wrong)).listModels());
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^Access denied due to invalid subscription key/);
    expect(error.message).not.toContain(wrong);
    const chatError = await rejection(
      (await azure(wrong)).streamChat(body('x'), () => undefined, new AbortController().signal),
    );
    expect(chatError.kind).toBe('auth');
  });

  it('an unknown deployment rejects with kind not_found and code DeploymentNotFound', async () => {
    const error = await rejection(
      (await azure()).streamChat(
        body('x', 'no-such-deployment'),
        () => undefined,
        new AbortController().signal,
      ),
    );
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('DeploymentNotFound');
    expect(error.message).toMatch(/^The API deployment for this resource does not exist/);
  });

  it('refuses to build without an API version, as a bad_request ApiError', async () => {
    const error = await rejection(azure(TEST_API_KEY, { azureApiVersion: null }));
    expect(error.kind).toBe('bad_request');
  });
});

describe('what providers stream besides the answer (issue 8)', () => {
  /** Streams under `scenario`, collecting each part's text as onDelta delivered it. */
  async function parts(scenario: ScenarioName, chat?: ChatApi) {
    server.use(scenario);
    const seen: Record<DeltaPart, string> = { content: '', reasoning: '', refusal: '' };
    const result = (chat ?? (await api())).streamChat(
      body('Hello'),
      (_index, text, part) => {
        seen[part] += text;
      },
      new AbortController().signal,
    );
    return { result, seen };
  }

  it('an OpenAI refusal is the reply text, marked as refusal, and delivered as part refusal', async () => {
    const { result, seen } = await parts('refusal');
    const reply = await result;
    expect(reply.choices).toEqual([
      { index: 0, content: REFUSAL_TEXT, refusal: REFUSAL_TEXT, finishReason: 'stop' },
    ]);
    expect(seen).toEqual({ content: '', reasoning: '', refusal: REFUSAL_TEXT });
  });

  it.each<ScenarioName>(['reasoning-deepseek', 'reasoning-groq', 'content-parts'])(
    '%s: reasoning arrives apart from the answer, never in it',
    async (scenario) => {
      const { result, seen } = await parts(scenario);
      const reply = await result;
      expect(reply.choices).toEqual([
        { index: 0, content: ANSWER_TEXT, reasoning: REASONING_TEXT, finishReason: 'stop' },
      ]);
      expect(seen).toEqual({ content: ANSWER_TEXT, reasoning: REASONING_TEXT, refusal: '' });
    },
  );

  it('OpenRouter’s reasoning and reasoning_details with the same text count once', async () => {
    const { result, seen } = await parts('reasoning-openrouter');
    const reply = await result;
    expect(reply.choices[0]?.reasoning).toBe(REASONING_TEXT);
    expect(reply.choices[0]?.content).toBe(ANSWER_TEXT);
    expect(seen.reasoning).toBe(REASONING_TEXT);
    // The encrypted entry is opaque: nothing of it is shown.
    expect(seen.reasoning).not.toContain('encrypted');
    expect(reply.usage).toEqual({
      promptTokens: 12,
      completionTokens: 30,
      totalTokens: 42,
      reasoningTokens: 18,
      cachedTokens: 4,
    });
  });

  it('reads reasoning tokens from completion_tokens_details', async () => {
    const reply = await (await parts('reasoning-groq')).result;
    expect(reply.usage?.reasoningTokens).toBe(22);
    expect(reply.usage).not.toHaveProperty('cachedTokens');
  });

  it('a server that ignores stream:true: its chat.completion is read, reasoning included', async () => {
    const { result, seen } = await parts('not-streamed');
    const reply = await result;
    expect(reply.choices).toEqual([
      { index: 0, content: ANSWER_TEXT, reasoning: REASONING_TEXT, finishReason: 'stop' },
    ]);
    expect(seen).toEqual({ content: ANSWER_TEXT, reasoning: REASONING_TEXT, refusal: '' });
    expect(reply.usage?.reasoningTokens).toBe(18);
  });

  it('a tool_calls finish resolves with no text and says why it ended', async () => {
    const reply = await (await parts('tool-calls')).result;
    expect(reply.choices).toEqual([{ index: 0, content: '', finishReason: 'tool_calls' }]);
  });

  it('a finish reason of the provider’s own is kept as sent', async () => {
    const reply = await (await parts('unknown-finish')).result;
    expect(reply.choices[0]?.finishReason).toBe(UNKNOWN_FINISH_REASON);
  });
});

describe('errors inside a 200 stream (issue 8)', () => {
  it.each<[ScenarioName, string, string]>([
    ['error-event', TOKEN_LIMIT_MESSAGE, ''],
    ['error-chunk-bad-request', BAD_REQUEST_IN_STREAM_MESSAGE, 'Hello! How can '],
  ])(
    '%s is final (bad_request, not retryable), after the text so far',
    async (scenario, text, so) => {
      const { result, deltas } = await stream(scenario);
      const error = await rejection(result);
      expect(error.kind).toBe('bad_request');
      expect(error.message).toBe(text);
      expect(isRetryable(error.kind)).toBe(false);
      expect(deltas.join('')).toBe(so);
    },
  );

  it('an overloaded provider mid-stream is retryable, as before', async () => {
    const error = await rejection((await stream('error-chunk-overloaded')).result);
    expect(error.kind).toBe('server');
    expect(error.message).toBe(OVERLOADED_MESSAGE);
    expect(isRetryable(error.kind)).toBe(true);
  });
});

describe('the key goes only where the person meant (issue 8)', () => {
  it('a redirect to another origin is refused, never followed, and is final', async () => {
    const before = server.requests.length;
    const error = await rejection((await stream('redirect')).result);
    expect(error.kind).toBe('bad_request');
    expect(error.code).toBe(REDIRECT_CODE);
    expect(error.toMessageError()).toEqual({ kind: 'bad_request', code: REDIRECT_CODE });
    expect(isRetryable(error.kind)).toBe(false);
    // Only the one request reached the server: the redirect target (same server, host
    // `localhost`) was never asked.
    const after = server.requests.slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.headers.host).toMatch(/^127\.0\.0\.1:/);
  });

  it('a provider error echoing the key is masked before anything can show or store it', async () => {
    const error = await rejection((await stream('echo-key')).result);
    expect(error.kind).toBe('permission');
    expect(error.message).not.toContain(TEST_API_KEY);
    expect(error.message).toBe(echoKeyMessage('sk-***'));
    expect(JSON.stringify(error.toMessageError())).not.toContain(TEST_API_KEY);
  });

  it('the configured key is masked whatever its shape (Azure keys are hex)', async () => {
    const hexKey = '0123456789abcdef0123456789abcdef';
    server.setOptions({ apiKey: hexKey });
    try {
      server.use('echo-key');
      const chat = await createChatApi({ apiKey: hexKey, baseUrl: server.url });
      const error = await rejection(
        chat.streamChat(body('x'), () => undefined, new AbortController().signal),
      );
      expect(error.message).not.toContain(hexKey);
      expect(error.message).toContain('012***');
    } finally {
      server.setOptions({ apiKey: TEST_API_KEY });
    }
  });
});

describe('Azure API versions that reject stream_options (issue 8)', () => {
  it('sends once more without it, and leaves it out for that endpoint from then on', async () => {
    const chat = await createChatApi({
      apiKey: TEST_API_KEY,
      baseUrl: server.origin,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS,
    });
    const before = server.chatRequests().length;
    const reply = await chat.streamChat(
      body('Hello Azure', 'parley-chat'),
      () => undefined,
      new AbortController().signal,
    );
    expect(reply.choices[0]?.content).toBe(plainReply('Hello Azure'));
    const sent = server.chatRequests().slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toHaveProperty('stream_options');
    expect(sent[1]).not.toHaveProperty('stream_options');
    // A new client for the same endpoint and version (Settings saved again) remembers it.
    const again = await createChatApi({
      apiKey: TEST_API_KEY,
      baseUrl: `${server.origin}/`,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS,
    });
    await again.streamChat(
      body('Again', 'parley-chat'),
      () => undefined,
      new AbortController().signal,
    );
    const later = server.chatRequests().slice(before + 2);
    expect(later).toHaveLength(1);
    expect(later[0]).not.toHaveProperty('stream_options');
  });

  it('a version that takes stream_options keeps it', async () => {
    const chat = await createChatApi({
      apiKey: TEST_API_KEY,
      baseUrl: server.origin,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION,
    });
    const before = server.chatRequests().length;
    await chat.streamChat(body('Hi', 'parley-chat'), () => undefined, new AbortController().signal);
    const sent = server.chatRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveProperty('stream_options');
  });
});
