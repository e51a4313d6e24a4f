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
});
