/**
 * Usage as Parley records it: one record per request (not per message, so a reply deleted or
 * replaced later still counts, and an n > 1 request counts its usage once), and one aggregate per
 * local day and model, kept up to date as records are added, so the Usage dialog reads a few
 * hundred aggregates rather than every request of a year. Pure data and functions.
 */

export interface UsageRecord {
  id: string;
  /** When the request finished (ms since the epoch). */
  time: number;
  /** Null when the request belonged to no stored conversation. */
  conversationId: string | null;
  /** The model the API reported, else the one requested. */
  model: string;
  /** The endpoint's origin ('https://api.openai.com'): never a path, a query or a key. */
  endpoint: string;
  /** All prompt tokens, cached ones included. */
  promptTokens: number;
  /** Of the prompt tokens, those served from the prompt cache. */
  cachedTokens: number;
  /** All completion tokens, reasoning ones included. */
  completionTokens: number;
  /** Of the completion tokens, those spent on reasoning. */
  reasoningTokens: number;
  /** USD; null when the model's price was unknown. */
  cost: number | null;
  /** Where the price came from ('genai-prices 0.1.8', 'custom', 'endpoint'); null when unpriced. */
  priceVersion: string | null;
}

/** Totals of some requests. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  /** USD of the requests whose price was known. */
  cost: number;
  /** Requests whose price was unknown (their cost is not in `cost`). */
  unpricedRequests: number;
}

/** The totals of one model on one local day. */
export interface UsageDay extends UsageTotals {
  /** `${day}\u0000${model}`: sorts by day, and a day's aggregates form one key range. */
  key: string;
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  model: string;
}

export const EMPTY_TOTALS: UsageTotals = {
  requests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  cost: 0,
  unpricedRequests: 0,
};

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The local calendar day of `time`, YYYY-MM-DD: a person's "today" is their own time zone's. */
export function dayOf(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** YYYY-MM of `time`, local. */
export function monthOf(time: number): string {
  return dayOf(time).slice(0, 7);
}

/** YYYY-MM of the month before the one `time` falls in. */
export function previousMonthOf(time: number): string {
  const date = new Date(time);
  return monthOf(new Date(date.getFullYear(), date.getMonth() - 1, 1).getTime());
}

export function dayKey(day: string, model: string): string {
  return `${day}\u0000${model}`;
}

export function addTotals(into: UsageTotals, record: UsageTotals): UsageTotals {
  return {
    requests: into.requests + record.requests,
    promptTokens: into.promptTokens + record.promptTokens,
    cachedTokens: into.cachedTokens + record.cachedTokens,
    completionTokens: into.completionTokens + record.completionTokens,
    reasoningTokens: into.reasoningTokens + record.reasoningTokens,
    cost: into.cost + record.cost,
    unpricedRequests: into.unpricedRequests + record.unpricedRequests,
  };
}

/** One request as totals. */
export function totalsOf(record: UsageRecord): UsageTotals {
  return {
    requests: 1,
    promptTokens: record.promptTokens,
    cachedTokens: record.cachedTokens,
    completionTokens: record.completionTokens,
    reasoningTokens: record.reasoningTokens,
    cost: record.cost ?? 0,
    unpricedRequests: record.cost === null ? 1 : 0,
  };
}

/** The day aggregate `existing` (or a new one) with `record` added. */
export function addToDay(existing: UsageDay | undefined, record: UsageRecord): UsageDay {
  const day = dayOf(record.time);
  const base = existing ?? {
    key: dayKey(day, record.model),
    day,
    model: record.model,
    ...EMPTY_TOTALS,
  };
  return { ...base, ...addTotals(base, totalsOf(record)) };
}

export type UsagePeriod = 'this-month' | 'last-month' | 'all';

/** The months a period covers, as a YYYY-MM prefix; null: all time. */
export function periodMonth(period: UsagePeriod, now: number): string | null {
  switch (period) {
    case 'this-month':
      return monthOf(now);
    case 'last-month':
      return previousMonthOf(now);
    case 'all':
      return null;
  }
}

export interface UsageRow extends UsageTotals {
  /** The day (YYYY-MM-DD) or the model the row is about. */
  label: string;
}

function group(days: readonly UsageDay[], by: (day: UsageDay) => string): UsageRow[] {
  const rows = new Map<string, UsageTotals>();
  for (const day of days) {
    const label = by(day);
    rows.set(label, addTotals(rows.get(label) ?? EMPTY_TOTALS, day));
  }
  return [...rows].map(([label, totals]) => ({ label, ...totals }));
}

/** Per day, newest first. */
export function byDay(days: readonly UsageDay[]): UsageRow[] {
  return group(days, (day) => day.day).sort((a, b) => (a.label < b.label ? 1 : -1));
}

/** Per model, most spent first, then most tokens, then by name. */
export function byModel(days: readonly UsageDay[]): UsageRow[] {
  return group(days, (day) => day.model).sort(
    (a, b) =>
      b.cost - a.cost ||
      b.promptTokens + b.completionTokens - (a.promptTokens + a.completionTokens) ||
      a.label.localeCompare(b.label),
  );
}

export function sumRows(rows: readonly UsageTotals[]): UsageTotals {
  return rows.reduce<UsageTotals>((sum, row) => addTotals(sum, row), EMPTY_TOTALS);
}

/**
 * 'ok', 'warn80' (80% of the budget or more: warn once), 'over' (the budget is spent: ask before
 * each send). No budget (null) is always 'ok'; a budget of 0 is spent from the first request.
 */
export type BudgetState = 'ok' | 'warn80' | 'over';

export function budgetCheck(spentThisMonth: number, budget: number | null): BudgetState {
  if (budget === null) return 'ok';
  if (spentThisMonth >= budget) return 'over';
  return spentThisMonth >= budget * 0.8 ? 'warn80' : 'ok';
}

/** A budget as typed: '' is none (null), a finite number ≥ 0 is one, anything else is invalid. */
export function parseBudget(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const CSV_HEADER = [
  'time',
  'conversation_id',
  'model',
  'endpoint',
  'prompt_tokens',
  'cached_tokens',
  'completion_tokens',
  'reasoning_tokens',
  'cost_usd',
  'price_version',
];

/**
 * RFC 4180 quoting, and a leading `=`, `+`, `-`, `@`, tab or CR defused with an apostrophe: a
 * model id is the endpoint's to choose, and a spreadsheet would run `=HYPERLINK(...)` as a formula
 * (OWASP "CSV injection").
 */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Every request, oldest first, one line each; an unknown cost is an empty field. */
export function usageCsv(records: readonly UsageRecord[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const record of [...records].sort((a, b) => a.time - b.time)) {
    lines.push(
      [
        new Date(record.time).toISOString(),
        record.conversationId,
        record.model,
        record.endpoint,
        record.promptTokens,
        record.cachedTokens,
        record.completionTokens,
        record.reasoningTokens,
        record.cost,
        record.priceVersion,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The origin of a base URL (never its path or query), or "" when it is not a URL. */
export function endpointOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return '';
  }
}
