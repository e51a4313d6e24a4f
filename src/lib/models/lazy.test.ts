import { describe, expect, it, vi } from 'vitest';
import { loadCatalog, loadedCatalog, modelInfo } from './lazy';

/** Counts evaluations of the package's model specs, to prove they load only on demand. */
const packageLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('gpt-tokenizer/models', async (importOriginal) => {
  packageLoads.count += 1;
  return importOriginal();
});

describe('lazy catalog', () => {
  it('answers from the id alone until loaded, without touching the package', () => {
    expect(packageLoads.count).toBe(0);
    expect(loadedCatalog()).toBeNull();
    expect(modelInfo('gpt-4')).toMatchObject({ contextWindow: null, source: 'pattern' });
    expect(modelInfo('o3-mini')).toMatchObject({
      isReasoning: true,
      usesMaxCompletionTokens: true,
    });
    expect(packageLoads.count).toBe(0);
  });

  it('loads the package once, then answers from the catalog', async () => {
    const first = loadCatalog();
    expect(loadCatalog()).toBe(first);
    const catalog = await first;
    expect(packageLoads.count).toBe(1);
    expect(loadedCatalog()).toBe(catalog);
    expect(modelInfo('gpt-4')).toMatchObject({ contextWindow: 8_192, source: 'catalog' });
  });
});
