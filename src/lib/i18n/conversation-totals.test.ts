import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_TOTALS } from '../domain/usage';
import { conversationTotalsText } from './conversation-totals';
import { setLocale } from './index.svelte';

beforeAll(async () => {
  await setLocale('en');
});

afterEach(async () => {
  await setLocale('en');
});

const totals = { ...EMPTY_TOTALS, requests: 2, promptTokens: 12_000, completionTokens: 345 };

describe('conversationTotalsText', () => {
  it('says nothing before the totals are read or when nothing was sent', () => {
    expect(conversationTotalsText(undefined)).toBeNull();
    expect(conversationTotalsText(EMPTY_TOTALS)).toBeNull();
  });

  it('counts every token sent and received, and the cost', () => {
    expect(conversationTotalsText({ ...totals, cost: 0.0412, cachedTokens: 500 })).toBe(
      '12,345 tokens · $0.041',
    );
    // Free (priced at zero) is a cost, not an unknown one.
    expect(conversationTotalsText({ ...totals, cost: 0 })).toBe('12,345 tokens · $0.00');
  });

  it('never shows an unknown price as $0', () => {
    expect(conversationTotalsText({ ...totals, unpricedRequests: 2 })).toBe(
      '12,345 tokens · cost unknown',
    );
    expect(conversationTotalsText({ ...totals, cost: 1.5, unpricedRequests: 1 })).toBe(
      '12,345 tokens · $1.50 + unknown',
    );
  });

  it('speaks the page’s language', async () => {
    await setLocale('zh-CN');
    expect(conversationTotalsText({ ...totals, unpricedRequests: 2 })).toBe(
      '12,345 个 token · 费用未知',
    );
  });
});
