import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENROUTER_MODELS, OPENROUTER_PRICED } from './openrouter';
import { startTestServer, TEST_API_KEY, type TestServer } from './server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ listing: 'openrouter' });
});

afterAll(async () => {
  await server.close();
});

const auth = { headers: { authorization: `Bearer ${TEST_API_KEY}` } };

describe("listing: 'openrouter'", () => {
  it('lists models the way OpenRouter does: bare data, prices per token as strings', async () => {
    const response = await fetch(`${server.url}/models`, auth);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['data']);
    const [first] = body.data as Record<string, unknown>[];
    expect(first).toMatchObject({
      id: OPENROUTER_PRICED,
      context_length: 32_768,
      pricing: { prompt: '0.000002', completion: '0.00001', input_cache_read: '0.0000005' },
      top_provider: { max_completion_tokens: 2_048 },
    });
    expect(body.data).toHaveLength(OPENROUTER_MODELS.length);
  });

  it('accepts its listed ids in chats and still checks the key', async () => {
    const chat = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: OPENROUTER_PRICED,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { model: string }).model).toBe(OPENROUTER_PRICED);
    expect((await fetch(`${server.url}/models`)).status).toBe(401);
  });
});
