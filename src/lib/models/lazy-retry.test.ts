import { expect, it, vi } from 'vitest';

/** The first import of the catalog chunk fails, as it would offline; the second succeeds. */
const attempts = vi.hoisted(() => ({ count: 0 }));
vi.mock('./catalog', async (importOriginal) => {
  attempts.count += 1;
  if (attempts.count === 1) throw new Error('Failed to fetch dynamically imported module');
  return importOriginal();
});

it('tries the chunk again after a failed load', async () => {
  const { loadCatalog, loadedCatalog } = await import('./lazy');
  await expect(loadCatalog()).rejects.toThrow();
  expect(loadedCatalog()).toBeNull();
  const catalog = await loadCatalog();
  expect(loadedCatalog()).toBe(catalog);
  expect(attempts.count).toBe(2);
});
