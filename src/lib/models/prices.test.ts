import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEndpointModels } from './endpoint-models';
import { PRICE_DATA_VERSION, priceTable } from './price-data';
import { costWith, quoteFor, type PriceSources } from './prices';

const OPENAI = 'https://api.openai.com/v1';
const usage = (prompt: number, completion: number, cached = 0) => ({
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
  cachedTokens: cached,
});

function sources(overrides: Partial<PriceSources> = {}): PriceSources {
  return { custom: new Map(), endpoint: null, table: priceTable, ...overrides };
}

describe('the price database', () => {
  it('says which package version (and so which date) its data is', () => {
    const installed = JSON.parse(
      readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8'),
    ) as { version: string };
    // An upgrade must update PRICE_DATA_VERSION and PRICE_DATA_DATE (npm's publish day) together.
    expect(installed.version).toBe(PRICE_DATA_VERSION);
  });

  it('matches the provider from the base URL', () => {
    expect(priceTable.quote('gpt-4o-mini', OPENAI)?.provider).toBe('OpenAI');
    expect(priceTable.quote('openai/gpt-4o', 'https://openrouter.ai/api/v1')?.provider).toBe(
      'OpenRouter',
    );
    expect(priceTable.quote('deepseek-chat', 'https://api.deepseek.com/v1')?.provider).toBe(
      'Deepseek',
    );
    expect(priceTable.quote('gpt-4o', 'https://res.openai.azure.com/openai/v1')?.provider).toBe(
      'Microsoft Azure',
    );
  });

  it('falls back to the model id for an endpoint it does not know, and knows no local model', () => {
    expect(priceTable.quote('gpt-4o-mini-2024-07-18', 'http://127.0.0.1:8787/v1')?.price).toEqual({
      input: 0.15,
      output: 0.6,
      cachedInput: 0.075,
    });
    expect(priceTable.quote('llama3.2', 'http://localhost:11434/v1')).toBeNull();
  });

  it('charges cached prompt tokens at their own rate', () => {
    // gpt-4o-mini: 0.15 in, 0.075 cached, 0.60 out per 1M.
    const { cost, version } = costWith(
      sources(),
      usage(1_000_000, 1_000_000, 400_000),
      'gpt-4o-mini',
      OPENAI,
    );
    expect(cost).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.6, 9);
    expect(version).toBe(`genai-prices ${PRICE_DATA_VERSION}`);
  });

  it('knows no price for a model it does not list', () => {
    expect(costWith(sources(), usage(10, 10), 'my-fine-tune', 'https://example.test/v1')).toEqual({
      cost: null,
      version: null,
    });
  });
});

describe('price sources', () => {
  it('prefers the person’s own price, by id without provider prefix or date', () => {
    const custom = new Map([['my-model', { input: 1, output: 2, cachedInput: 0.5 }]]);
    const quote = quoteFor(sources({ custom }), 'Team/My-Model-2025-01-01', OPENAI);
    expect(quote).toMatchObject({ source: 'custom', version: 'custom' });
    const { cost } = costWith(
      sources({ custom }),
      usage(1_000_000, 1_000_000, 500_000),
      'my-model',
      OPENAI,
    );
    expect(cost).toBeCloseTo(0.5 * 1 + 0.5 * 0.5 + 2, 9);
    // Over the database's price too.
    const over = new Map([['gpt-4o-mini', { input: 9, output: 9 }]]);
    expect(quoteFor(sources({ custom: over }), 'gpt-4o-mini', OPENAI)?.price.input).toBe(9);
  });

  it('uses the endpoint’s own list for its base URL only', () => {
    const models = readEndpointModels([
      {
        id: 'acme/fast',
        context_length: 32_768,
        pricing: { prompt: '0.0000025', completion: '0.00001', input_cache_read: '0.00000125' },
        top_provider: { max_completion_tokens: 4096 },
      },
      { id: 'bare' },
      { id: 'varies', pricing: { prompt: '-1', completion: '-1' }, context_length: 8192 },
      'junk',
    ]);
    expect([...models.keys()]).toEqual(['acme/fast', 'varies']);
    expect(models.get('acme/fast')).toEqual({
      id: 'acme/fast',
      price: { input: 2.5, output: 10, cachedInput: 1.25 },
      contextWindow: 32_768,
      maxOutputTokens: 4096,
    });
    const router = 'https://openrouter.ai/api/v1';
    const withList = sources({ endpoint: { baseUrl: router, models } });
    expect(quoteFor(withList, 'acme/fast', router)).toMatchObject({
      source: 'endpoint',
      contextWindow: 32_768,
    });
    expect(quoteFor(withList, 'acme/fast', OPENAI)).toBeNull();
    expect(quoteFor(withList, 'varies', router)).toBeNull();
  });

  it('knows nothing before the database has loaded, unless the person set a price', () => {
    expect(quoteFor(sources({ table: null }), 'gpt-4o', OPENAI)).toBeNull();
  });
});
