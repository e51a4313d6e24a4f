import { describe, expect, it } from 'vitest';
import { estimateCost, formatUsd } from './pricing';

describe('estimateCost', () => {
  const price = { input: 2.5, output: 10, cachedInput: 1.25 };

  it('prices prompt and completion per million tokens', () => {
    expect(estimateCost({ price }, { promptTokens: 1_000_000, completionTokens: 0 })).toBe(2.5);
    expect(estimateCost({ price }, { promptTokens: 1_200, completionTokens: 300 })).toBeCloseTo(
      0.006,
      12,
    );
  });

  it('charges cached prompt tokens at the cached rate', () => {
    const usage = { promptTokens: 1_000, completionTokens: 0, cachedPromptTokens: 400 };
    expect(estimateCost({ price }, usage)).toBeCloseTo((600 * 2.5 + 400 * 1.25) / 1e6, 12);
  });

  it('charges cached tokens at the full rate when no cached rate is known', () => {
    const usage = { promptTokens: 1_000, completionTokens: 0, cachedPromptTokens: 400 };
    expect(estimateCost({ price: { input: 2, output: 8 } }, usage)).toBeCloseTo(0.002, 12);
  });

  it('never counts more cached tokens than prompt tokens', () => {
    const usage = { promptTokens: 100, completionTokens: 0, cachedPromptTokens: 500 };
    expect(estimateCost({ price }, usage)).toBeCloseTo((100 * 1.25) / 1e6, 12);
  });

  it('is null without a price', () => {
    expect(estimateCost({ price: null }, { promptTokens: 10, completionTokens: 10 })).toBeNull();
  });
});

describe('formatUsd', () => {
  it('shows cents from a dollar up', () => {
    expect(formatUsd(1.234, 'en-US')).toBe('$1.23');
    expect(formatUsd(12, 'en-US')).toBe('$12.00');
  });

  it('keeps two significant digits below a dollar', () => {
    expect(formatUsd(0.0042, 'en-US')).toBe('$0.0042');
    expect(formatUsd(0.001234, 'en-US')).toBe('$0.0012');
    expect(formatUsd(0.5, 'en-US')).toBe('$0.50');
  });

  it('shows nothing spent as $0.00', () => {
    expect(formatUsd(0, 'en-US')).toBe('$0.00');
  });
});
