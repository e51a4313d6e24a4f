import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../domain/usage';
import { openStore, usageRepository } from './store';
import type { ParleyStore } from './store';
import type { UsageRepository } from './usage';

let store: ParleyStore;
let usage: UsageRepository;

beforeEach(async () => {
  store = await openStore({ name: 'usage-test', indexedDB: new IDBFactory() });
  usage = await usageRepository(store);
});

afterEach(() => {
  store.close();
});

function record(id: string, time: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id,
    time,
    conversationId: 'c1',
    model: 'gpt-4o',
    endpoint: 'https://api.openai.com',
    promptTokens: 100,
    cachedTokens: 10,
    completionTokens: 40,
    reasoningTokens: 0,
    cost: 0.5,
    priceVersion: 'custom',
    ...overrides,
  };
}

describe('usage repository', () => {
  it('keeps day totals up to date as records are added', async () => {
    const december = new Date(2026, 11, 3, 10).getTime();
    await usage.addUsage(record('a', december));
    await usage.addUsage(record('b', december + 60_000, { cost: null, priceVersion: null }));
    await usage.addUsage(record('c', new Date(2026, 10, 30).getTime(), { model: 'o3' }));

    const days = await usage.listUsageDays('2026-12');
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({
      day: '2026-12-03',
      model: 'gpt-4o',
      requests: 2,
      promptTokens: 200,
      cachedTokens: 20,
      completionTokens: 80,
      cost: 0.5,
      unpricedRequests: 1,
    });
    expect(await usage.listUsageDays(null)).toHaveLength(2);
    expect((await usage.listUsage()).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });

  it('totals one conversation through its index', async () => {
    await usage.addUsage(record('a', 1, { conversationId: 'c1' }));
    await usage.addUsage(record('b', 2, { conversationId: 'c2' }));
    await usage.addUsage(record('c', 3, { conversationId: 'c1', cost: null }));
    expect(await usage.conversationUsage('c1')).toMatchObject({
      requests: 2,
      promptTokens: 200,
      cost: 0.5,
      unpricedRequests: 1,
    });
    expect((await usage.conversationUsage('none')).requests).toBe(0);
  });

  it('stores the budget and the person’s prices, and reads damaged ones as none', async () => {
    expect(await usage.getUsagePrefs()).toEqual({
      monthlyBudget: null,
      warnedMonth: null,
      customPrices: {},
    });
    const prefs = {
      monthlyBudget: 20,
      warnedMonth: '2026-12',
      customPrices: { 'my-model': { input: 1, output: 2, cachedInput: 0.5 } },
    };
    await usage.putUsagePrefs(prefs);
    expect(await usage.getUsagePrefs()).toEqual(prefs);
    await usage.putUsagePrefs({
      monthlyBudget: -1,
      warnedMonth: null,
      customPrices: { bad: { input: 'x' } as never, ok: { input: 1, output: 1 } },
    });
    expect(await usage.getUsagePrefs()).toEqual({
      monthlyBudget: null,
      warnedMonth: null,
      customPrices: { ok: { input: 1, output: 1 } },
    });
  });

  it('refuses a store that is not the one openStore returned', async () => {
    await expect(usageRepository({ ...store })).rejects.toThrow(TypeError);
  });
});
