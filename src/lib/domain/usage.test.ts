import { describe, expect, it } from 'vitest';
import {
  addToDay,
  budgetCheck,
  byDay,
  byModel,
  dayOf,
  endpointOrigin,
  parseBudget,
  periodMonth,
  sumRows,
  usageCsv,
  type UsageDay,
  type UsageRecord,
} from './usage';

function record(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: 'u1',
    time: new Date(2026, 11, 1, 9).getTime(),
    conversationId: 'c1',
    model: 'gpt-4o',
    endpoint: 'https://api.openai.com',
    promptTokens: 100,
    cachedTokens: 20,
    completionTokens: 50,
    reasoningTokens: 10,
    cost: 0.01,
    priceVersion: 'genai-prices 0.1.8',
    ...overrides,
  };
}

function days(records: UsageRecord[]): UsageDay[] {
  const map = new Map<string, UsageDay>();
  for (const r of records) {
    const next = addToDay(map.get(`${dayOf(r.time)}\u0000${r.model}`), r);
    map.set(next.key, next);
  }
  return [...map.values()];
}

describe('budgetCheck', () => {
  it('is ok without a budget, whatever was spent', () => {
    expect(budgetCheck(1_000, null)).toBe('ok');
  });

  it('warns from 80% and is over from 100%', () => {
    expect(budgetCheck(7.99, 10)).toBe('ok');
    expect(budgetCheck(8, 10)).toBe('warn80');
    expect(budgetCheck(9.99, 10)).toBe('warn80');
    expect(budgetCheck(10, 10)).toBe('over');
    expect(budgetCheck(12, 10)).toBe('over');
  });

  it('treats a budget of 0 as spent', () => {
    expect(budgetCheck(0, 0)).toBe('over');
  });
});

describe('parseBudget', () => {
  it('reads empty as no budget and rejects what is not an amount', () => {
    expect(parseBudget('  ')).toBeNull();
    expect(parseBudget('25')).toBe(25);
    expect(parseBudget('2.50')).toBe(2.5);
    expect(parseBudget('-3')).toBeUndefined();
    expect(parseBudget('abc')).toBeUndefined();
    expect(parseBudget('1e3')).toBeUndefined();
  });
});

describe('day totals', () => {
  it('add each request once, split by day and model, with unknown costs counted apart', () => {
    const day1 = new Date(2026, 11, 1, 9).getTime();
    const day2 = new Date(2026, 11, 2, 23, 59).getTime();
    const totals = days([
      record({ id: 'a', time: day1 }),
      record({ id: 'b', time: day1 + 1000, cost: 0.02 }),
      record({ id: 'c', time: day2, model: 'my-local', cost: null, priceVersion: null }),
    ]);
    const perDay = byDay(totals);
    expect(perDay.map((row) => [row.label, row.requests])).toEqual([
      ['2026-12-02', 1],
      ['2026-12-01', 2],
    ]);
    expect(perDay[1]).toMatchObject({
      promptTokens: 200,
      cachedTokens: 40,
      completionTokens: 100,
      reasoningTokens: 20,
      unpricedRequests: 0,
    });
    expect(perDay[1]?.cost).toBeCloseTo(0.03, 12);
    const perModel = byModel(totals);
    expect(perModel.map((row) => row.label)).toEqual(['gpt-4o', 'my-local']);
    expect(perModel[1]).toMatchObject({ requests: 1, cost: 0, unpricedRequests: 1 });
    expect(sumRows(perModel)).toMatchObject({ requests: 3, unpricedRequests: 1 });
  });
});

describe('periodMonth', () => {
  const now = new Date(2026, 0, 15).getTime();
  it('names this month, last month (across a year) or all time', () => {
    expect(periodMonth('this-month', now)).toBe('2026-01');
    expect(periodMonth('last-month', now)).toBe('2025-12');
    expect(periodMonth('all', now)).toBeNull();
  });
});

describe('usageCsv', () => {
  it('writes a header and one line per request, oldest first, unknown cost empty', () => {
    const csv = usageCsv([
      record({ id: 'b', time: Date.UTC(2026, 11, 2), cost: null, priceVersion: null }),
      record({ id: 'a', time: Date.UTC(2026, 11, 1) }),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'time,conversation_id,model,endpoint,prompt_tokens,cached_tokens,completion_tokens,reasoning_tokens,cost_usd,price_version',
      '2026-12-01T00:00:00.000Z,c1,gpt-4o,https://api.openai.com,100,20,50,10,0.01,genai-prices 0.1.8',
      '2026-12-02T00:00:00.000Z,c1,gpt-4o,https://api.openai.com,100,20,50,10,,',
      '',
    ]);
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const csv = usageCsv([record({ model: 'a,"b"', conversationId: '=HYPERLINK("x")' })]);
    expect(csv).toContain(`"'=HYPERLINK(""x"")","a,""b"""`);
  });
});

describe('endpointOrigin', () => {
  it('keeps only the origin', () => {
    expect(endpointOrigin('https://openrouter.ai/api/v1?x=1')).toBe('https://openrouter.ai');
    expect(endpointOrigin('not a url')).toBe('');
  });
});
