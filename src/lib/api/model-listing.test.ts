/**
 * `listModelEntries` with the real SDK against the test server: OpenRouter's entries arrive whole
 * (pricing and context lengths included), so models/endpoint-models.ts can read them; an
 * OpenAI-shaped list gives entries with ids only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODELS,
  startTestServer,
  TEST_API_KEY,
  type TestServer,
} from '../../../tests/support/server';
import { OPENROUTER_MODEL_IDS, OPENROUTER_PRICED } from '../../../tests/support/openrouter';
import { readEndpointModels } from '../models/endpoint-models';
import { createChatApi } from './client';

let openai: TestServer;
let openrouter: TestServer;

beforeAll(async () => {
  [openai, openrouter] = await Promise.all([
    startTestServer(),
    startTestServer({ listing: 'openrouter' }),
  ]);
});

afterAll(async () => {
  await Promise.all([openai.close(), openrouter.close()]);
});

describe('listModelEntries', () => {
  it('hands back OpenRouter entries with their pricing and limits', async () => {
    const api = await createChatApi({ apiKey: TEST_API_KEY, baseUrl: openrouter.url });
    const listing = await api.listModelEntries?.();
    expect(listing?.ids).toEqual([...OPENROUTER_MODEL_IDS].sort((a, b) => a.localeCompare(b)));
    const models = readEndpointModels(listing?.entries ?? []);
    expect(models.get(OPENROUTER_PRICED)).toEqual({
      id: OPENROUTER_PRICED,
      price: { input: 2, output: 10, cachedInput: 0.5 },
      contextWindow: 32_768,
      maxOutputTokens: 2_048,
    });
    // '-1' means the price varies: no price, but the context length still counts.
    expect(models.get('openrouter/auto')).toMatchObject({ price: null, contextWindow: 2_000_000 });
    // listModels answers the same ids from the same request shape.
    expect(await api.listModels()).toEqual(listing?.ids);
  });

  it('gives OpenAI-shaped entries that carry nothing beyond their ids', async () => {
    const api = await createChatApi({ apiKey: TEST_API_KEY, baseUrl: openai.url });
    const listing = await api.listModelEntries?.();
    expect(listing?.entries).toHaveLength(DEFAULT_MODELS.length);
    expect(readEndpointModels(listing?.entries ?? []).size).toBe(0);
  });
});
