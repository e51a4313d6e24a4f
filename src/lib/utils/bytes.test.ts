import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 kB'],
    [120, '0.1 kB'],
    [1_500, '1.5 kB'],
    [999_000, '999 kB'],
    [12_345_678, '12 MB'],
    [2_000_000_000, '2 GB'],
  ])('%i → %s', (bytes, text) => {
    expect(formatBytes(bytes, 'en')).toBe(text);
  });

  it('follows the locale', () => {
    expect(formatBytes(1_500_000, 'zh-CN')).toMatch(/1\.5/);
  });
});
