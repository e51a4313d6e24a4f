import { describe, expect, it, vi } from 'vitest';
import { Lazy } from './lazy.svelte';

describe('Lazy', () => {
  it('builds once, and is current once built', async () => {
    const create = vi.fn(() => Promise.resolve({ name: 'backup' }));
    const lazy = new Lazy(create);
    expect(lazy.current).toBeNull();
    const [a, b] = await Promise.all([lazy.load(), lazy.load()]);
    expect(a).toBe(b);
    expect(lazy.current).toBe(a);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('tries again after a failed load', async () => {
    const create = vi
      .fn<() => Promise<number>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce(1);
    const lazy = new Lazy(create);
    await expect(lazy.load()).rejects.toThrow('offline');
    await expect(lazy.load()).resolves.toBe(1);
  });
});
