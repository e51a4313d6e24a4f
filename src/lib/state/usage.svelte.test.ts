import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEndpointModels } from '../models/endpoint-models';
import { priceTable } from '../models/price-data';
import { openStore, usageRepository, type ParleyStore, type UsageRepository } from '../storage';
import { UsageState } from './usage.svelte';

const OPENAI = 'https://api.openai.com/v1';
let store: ParleyStore;
let now: number;
let ids: number;

let repository: UsageRepository;

function usageState(): UsageState {
  return new UsageState({
    repository,
    loadPriceTable: () => Promise.resolve(priceTable),
    now: () => now,
    createId: () => `u${(ids += 1)}`,
  });
}

const tokens = (prompt: number, completion: number, cached = 0, reasoning = 0) => ({
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
  cachedTokens: cached,
  reasoningTokens: reasoning,
});

beforeEach(async () => {
  store = await openStore({ name: 'usage-state', indexedDB: new IDBFactory() });
  now = new Date(2026, 11, 10, 12).getTime();
  ids = 0;
  repository = await usageRepository(store);
});

afterEach(() => {
  store.close();
});

describe('UsageState', () => {
  it('records one request once, priced with cached tokens at their own rate', async () => {
    const usage = usageState();
    await usage.load();
    expect(usage.recorded).toBe(0);
    // One n = 3 request: one call, its usage covering all three choices.
    await usage.record({
      conversationId: 'c1',
      model: 'gpt-4o-mini',
      baseUrl: OPENAI,
      usage: tokens(1_000_000, 1_000_000, 400_000, 300_000),
    });
    const [record] = await repository.listUsage();
    expect(record).toMatchObject({
      id: 'u1',
      conversationId: 'c1',
      endpoint: 'https://api.openai.com',
      promptTokens: 1_000_000,
      cachedTokens: 400_000,
      completionTokens: 1_000_000,
      reasoningTokens: 300_000,
      priceVersion: 'genai-prices 0.1.8',
    });
    const expected = 0.6 * 0.15 + 0.4 * 0.075 + 0.6;
    expect(record?.cost).toBeCloseTo(expected, 9);
    expect(usage.spentThisMonth).toBeCloseTo(expected, 9);
    // An open Usage dialog reads its report again when this moves.
    expect(usage.recorded).toBe(1);
    const report = await usage.report('this-month');
    expect(report.totals).toMatchObject({ requests: 1, promptTokens: 1_000_000 });
    expect(report.byModel.map((row) => row.label)).toEqual(['gpt-4o-mini']);
  });

  it('counts a model without a known price as unknown, and a price the person set as known', async () => {
    const usage = usageState();
    await usage.load();
    await usage.record({
      conversationId: null,
      model: 'house-model',
      baseUrl: 'https://llm.example/v1',
      usage: tokens(10, 10),
    });
    expect((await usage.report('all')).totals).toMatchObject({
      requests: 1,
      cost: 0,
      unpricedRequests: 1,
    });

    await usage.setCustomPrice(' House-Model ', { input: 1, output: 2 });
    expect(usage.customPrices).toEqual({ 'house-model': { input: 1, output: 2 } });
    expect(usage.quote('house-model', 'https://llm.example/v1')?.source).toBe('custom');
    await usage.record({
      conversationId: null,
      model: 'house-model',
      baseUrl: 'https://llm.example/v1',
      usage: tokens(1_000_000, 1_000_000),
    });
    const totals = (await usage.report('all')).totals;
    expect(totals).toMatchObject({ requests: 2, unpricedRequests: 1 });
    expect(totals.cost).toBeCloseTo(3, 9);

    // Kept across a reload.
    const again = usageState();
    await again.load();
    expect(again.customPrices).toEqual({ 'house-model': { input: 1, output: 2 } });
    expect(again.spentThisMonth).toBeCloseTo(3, 9);
    await again.setCustomPrice('house-model', null);
    expect(again.customPrices).toEqual({});
  });

  it('reports this month, last month and all time from the day totals', async () => {
    const usage = usageState();
    await usage.load();
    now = new Date(2026, 10, 30, 23).getTime();
    await usage.record({
      conversationId: 'c1',
      model: 'gpt-4o',
      baseUrl: OPENAI,
      usage: tokens(100, 10),
    });
    now = new Date(2026, 11, 1, 8).getTime();
    await usage.record({
      conversationId: 'c1',
      model: 'gpt-4o',
      baseUrl: OPENAI,
      usage: tokens(200, 20),
    });
    await usage.record({
      conversationId: 'c2',
      model: 'o3',
      baseUrl: OPENAI,
      usage: tokens(300, 30),
    });

    expect(
      (await usage.report('this-month')).byDay.map((row) => [row.label, row.requests]),
    ).toEqual([['2026-12-01', 2]]);
    expect((await usage.report('last-month')).totals.promptTokens).toBe(100);
    expect((await usage.report('all')).totals.requests).toBe(3);
    expect(await usage.conversationTotals('c1')).toMatchObject({ requests: 2, promptTokens: 300 });
    const csv = await usage.csv();
    expect(csv.trim().split('\r\n')).toHaveLength(4);
  });

  it('warns once at 80% of the budget and asks before every send once it is spent', async () => {
    const usage = usageState();
    await usage.load();
    await usage.setCustomPrice('m', { input: 1, output: 0 });
    expect(await usage.beforeSend()).toEqual({ state: 'ok', spent: 0, budget: null });
    await usage.setMonthlyBudget(10);
    await usage.record({
      conversationId: null,
      model: 'm',
      baseUrl: OPENAI,
      usage: tokens(8_000_000, 0),
    });
    expect(await usage.beforeSend()).toMatchObject({ state: 'warn80', spent: 8, budget: 10 });
    expect((await usage.beforeSend()).state).toBe('ok');
    // Remembered across a reload: the warning is not shown again this month.
    const again = usageState();
    await again.load();
    expect((await again.beforeSend()).state).toBe('ok');
    await again.record({
      conversationId: null,
      model: 'm',
      baseUrl: OPENAI,
      usage: tokens(2_000_000, 0),
    });
    expect(await again.beforeSend()).toMatchObject({ state: 'over', spent: 10, budget: 10 });
    expect((await again.beforeSend()).state).toBe('over');
    // A new month starts from nothing.
    now = new Date(2027, 0, 2).getTime();
    expect((await again.beforeSend()).state).toBe('ok');
  });

  it('ignores a budget that is not an amount', async () => {
    const usage = usageState();
    await usage.load();
    await usage.setMonthlyBudget(-5);
    expect(usage.monthlyBudget).toBeNull();
    await usage.setMonthlyBudget(25);
    await usage.setMonthlyBudget(null);
    expect(usage.monthlyBudget).toBeNull();
  });

  it('uses the endpoint’s own prices when its model list carries them', async () => {
    const router = 'https://openrouter.ai/api/v1';
    const listed = readEndpointModels([
      {
        id: 'acme/fast',
        pricing: { prompt: '0.000001', completion: '0.000002', input_cache_read: '0.0000005' },
        context_length: 4096,
      },
      // A model the database knows, at the router's own (made-up) price.
      { id: 'gpt-4o', pricing: { prompt: '0.00001', completion: '0.00001' } },
    ]);
    const usage = new UsageState({
      repository,
      loadPriceTable: () => Promise.resolve(priceTable),
      now: () => now,
      endpointModels: (baseUrl) => (baseUrl === router ? listed : null),
    });
    await usage.load();
    expect(
      (await usage.costOf(tokens(1_000_000, 1_000_000, 500_000), 'acme/fast', router)).cost,
    ).toBeCloseTo(0.5 + 0.25 + 2, 9);
    expect(usage.quote('acme/fast', router)).toMatchObject({ source: 'endpoint' });
    // The endpoint's price beats the database's; the person's own beats both.
    expect(usage.quote('gpt-4o', router)?.source).toBe('endpoint');
    expect(usage.quote('gpt-4o', OPENAI)?.source).toBe('database');
    await usage.setCustomPrice('gpt-4o', { input: 1, output: 1 });
    expect(usage.quote('gpt-4o', router)?.source).toBe('custom');
    // Recorded with the endpoint's price.
    await usage.record({
      conversationId: 'c1',
      model: 'acme/fast',
      baseUrl: router,
      usage: tokens(1_000_000, 0),
    });
    expect((await repository.listUsage())[0]).toMatchObject({ cost: 1, priceVersion: 'endpoint' });
  });

  it('keeps a conversation’s totals from its records, read once and then added to', async () => {
    const usage = usageState();
    await usage.load();
    await usage.setCustomPrice('m', { input: 1, output: 2 });
    await usage.record({
      conversationId: 'c1',
      model: 'm',
      baseUrl: OPENAI,
      usage: tokens(100, 10),
    });
    // The first ask starts the read; the answer arrives a moment later.
    expect(usage.totalsFor('c1')).toBeUndefined();
    await usage.refreshTotals('c1');
    expect(usage.totalsFor('c1')).toMatchObject({
      requests: 1,
      promptTokens: 100,
      completionTokens: 10,
    });
    await usage.record({
      conversationId: 'c1',
      model: 'm',
      baseUrl: OPENAI,
      usage: tokens(200, 20),
    });
    await usage.record({ conversationId: 'c2', model: 'm', baseUrl: OPENAI, usage: tokens(5, 5) });
    await usage.record({ conversationId: 'c1', model: 'x', baseUrl: OPENAI, usage: tokens(1, 1) });
    expect(usage.totalsFor('c1')).toEqual({
      requests: 3,
      promptTokens: 301,
      cachedTokens: 0,
      completionTokens: 31,
      reasoningTokens: 0,
      cost: (300 + 60) / 1_000_000,
      unpricedRequests: 1,
    });
    // The same as reading every record again.
    expect(usage.totalsFor('c1')).toEqual(await usage.conversationTotals('c1'));
    // A conversation with no requests has zero totals, not undefined forever.
    await usage.refreshTotals('none');
    expect(usage.totalsFor('none')?.requests).toBe(0);
  });

  it('does not count a record twice that lands while its conversation is being read', async () => {
    const usage = usageState();
    await usage.load();
    await usage.record({ conversationId: 'c1', model: 'm', baseUrl: OPENAI, usage: tokens(1, 1) });
    const reading = usage.refreshTotals('c1');
    const recording = usage.record({
      conversationId: 'c1',
      model: 'm',
      baseUrl: OPENAI,
      usage: tokens(2, 2),
    });
    await Promise.all([reading, recording]);
    await usage.refreshTotals('c1');
    expect(usage.totalsFor('c1')).toMatchObject({ requests: 2, promptTokens: 3 });
  });

  it('gives the database’s context window once it is here', async () => {
    const usage = usageState();
    expect(usage.databaseWindow('gpt-4o', OPENAI)).toBeNull();
    await usage.loadPrices();
    expect(usage.databaseWindow('gpt-4o', OPENAI)).toBe(128_000);
    expect(usage.databaseWindow('house-model', OPENAI)).toBeNull();
  });

  it('answers costs synchronously once the database is here', async () => {
    const usage = usageState();
    expect(usage.costNow(tokens(10, 10), 'gpt-4o', OPENAI)).toBeUndefined();
    await usage.loadPrices();
    expect(usage.costNow(tokens(10, 10), 'gpt-4o', OPENAI)?.cost).toBeGreaterThan(0);
    expect(usage.priceData).toEqual({ version: 'genai-prices 0.1.8', date: '2026-09-23' });
  });
});
