import { describe, expect, it } from 'vitest';
import type { ModelCatalog } from '../models/types';
import { CHAT_INFO, REASONING_INFO } from '../models/testing/infos';
import { ModelsState } from './models.svelte';

function catalog(): ModelCatalog {
  return {
    lookup: (id) => (id === 'gpt-5' ? { ...REASONING_INFO, id } : { ...CHAT_INFO, id }),
    knows: (id) => id === 'gpt-5',
    chatModelIds: () => ['gpt-5'],
  };
}

describe('ModelsState', () => {
  it('answers from the id until the catalog is here, then from the catalog', async () => {
    let release: (value: ModelCatalog) => void = () => undefined;
    const models = new ModelsState(() => new Promise((resolve) => (release = resolve)));
    expect(models.info('gpt-5').isReasoning).toBe(true);
    expect(models.describe('my-model').isKnown).toBe(true);
    expect(models.chatModelIds).toEqual([]);
    release(catalog());
    await models.ready();
    expect(models.info('gpt-5')).toMatchObject({ id: 'gpt-5', isReasoning: true });
    expect(models.describe('my-model').isKnown).toBe(false);
    expect(models.chatModelIds).toEqual(['gpt-5']);
  });

  it('is ready with inferred answers when the catalog fails to load', async () => {
    const models = new ModelsState(() => Promise.reject(new Error('offline')));
    await expect(models.ready()).resolves.toBeUndefined();
    expect(models.info('o3-mini').usesMaxCompletionTokens).toBe(true);
  });

  it('fills limits the catalog lacks from the endpoint’s listing, and prefers its price', async () => {
    let baseUrl = 'https://openrouter.ai/api/v1';
    const models = new ModelsState(
      () => Promise.resolve(catalog()),
      () => baseUrl,
    );
    await models.ready();
    models.setEndpointModels('https://openrouter.ai/api/v1/', [
      {
        id: 'acme/fast',
        pricing: { prompt: '0.000002', completion: '0.00001' },
        context_length: 32_768,
        top_provider: { max_completion_tokens: 2_048 },
      },
      {
        id: 'gpt-5',
        context_length: 1_000,
        pricing: { prompt: '0.000001', completion: '0.000001' },
      },
      { id: 'plain' },
    ]);
    // Unknown to the catalog: the listing's limits, and no context window asked of the person.
    expect(models.describe('acme/fast')).toMatchObject({
      info: { contextWindow: 32_768, maxOutputTokens: 2_048, price: { input: 2, output: 10 } },
      isKnown: true,
    });
    // Known to the catalog: its own window stays; the endpoint's price applies.
    expect(models.info('gpt-5')).toMatchObject({
      contextWindow: REASONING_INFO.contextWindow,
      price: { input: 1, output: 1 },
    });
    expect(models.describe('plain').isKnown).toBe(false);
    expect(models.endpointModels('https://openrouter.ai/api/v1')?.size).toBe(2);
    // Another endpoint in use: its listing (none) applies, not OpenRouter's.
    baseUrl = 'https://api.openai.com/v1';
    expect(models.describe('acme/fast').isKnown).toBe(false);
    // A new listing without prices or limits forgets the old one.
    models.setEndpointModels('https://openrouter.ai/api/v1', [{ id: 'acme/fast' }]);
    expect(models.endpointModels('https://openrouter.ai/api/v1')).toBeNull();
  });

  it('takes a context window from the price database where catalog and listing have none', async () => {
    const windows = new Map([
      ['house-model', 64_000],
      ['gpt-5', 1],
    ]);
    const models = new ModelsState(
      () => Promise.resolve(catalog()),
      () => 'https://api.example.com/v1',
      (model) => windows.get(model) ?? null,
    );
    await models.ready();
    expect(models.describe('house-model')).toMatchObject({
      info: { contextWindow: 64_000 },
      isKnown: true,
    });
    // The catalog's own window wins.
    expect(models.info('gpt-5').contextWindow).toBe(REASONING_INFO.contextWindow);
    // So does the endpoint's listing.
    models.setEndpointModels('https://api.example.com/v1', [
      { id: 'house-model', context_length: 8_192 },
    ]);
    expect(models.info('house-model').contextWindow).toBe(8_192);
    expect(models.describe('other').isKnown).toBe(false);
  });
});
