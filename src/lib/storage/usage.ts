/**
 * The usage repository: one record per finished request and the per-day totals that go with it.
 * Adding a record and updating its day's totals happen in ONE transaction, so the totals never
 * drift from the records, and the Usage dialog reads only the totals (a year is a few hundred
 * records, not 50,000). The CSV export reads the records. Reads are normalised here, as
 * normalize.ts does for the other stores: a damaged record reads as zeros, never throws.
 *
 * Built by the store (store.ts `usageRepository`) on its own connection and transaction helper,
 * so a lost connection and a full disk reject with the same StorageError as every other write.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import {
  addToDay,
  addTotals,
  dayKey,
  dayOf,
  EMPTY_TOTALS,
  totalsOf,
  type UsageDay,
  type UsageRecord,
  type UsageTotals,
} from '../domain/usage';
import type { ModelPrice } from '../models/types';
import { toPlain } from './plain';
import {
  USAGE,
  USAGE_BY_CONVERSATION,
  USAGE_DAYS,
  USAGE_PREFS,
  USAGE_PREFS_KEY,
  type ParleyDB,
  type StoredUsage,
  type StoredUsageDay,
  type StoredUsagePrefs,
} from './schema';

export interface UsagePrefs {
  /** USD per calendar month; null: no budget. */
  monthlyBudget: number | null;
  /** The month (YYYY-MM) whose 80% warning was shown, so it shows once. */
  warnedMonth: string | null;
  /** The person's prices (USD per 1M tokens), keyed by model id as priceKey() spells it. */
  customPrices: Record<string, ModelPrice>;
}

export const DEFAULT_USAGE_PREFS: UsagePrefs = {
  monthlyBudget: null,
  warnedMonth: null,
  customPrices: {},
};

export interface UsageRepository {
  /** Stores the record and adds it to its day's totals, in one transaction. */
  addUsage(record: UsageRecord): Promise<void>;
  /** Day totals whose day starts with `prefix` ('2026-12': one month); null: all. */
  listUsageDays(prefix: string | null): Promise<UsageDay[]>;
  /** Every request, oldest first (the CSV export). */
  listUsage(): Promise<UsageRecord[]>;
  /** The totals of one conversation's requests (through its index, never a full scan). */
  conversationUsage(conversationId: string): Promise<UsageTotals>;
  getUsagePrefs(): Promise<UsagePrefs>;
  putUsagePrefs(prefs: UsagePrefs): Promise<void>;
}

type UsageStores = (typeof USAGE | typeof USAGE_DAYS | typeof USAGE_PREFS)[];
export type UsageTransact = <T>(
  names: UsageStores,
  work: (tx: IDBPTransaction<ParleyDB, UsageStores, 'readwrite'>) => Promise<T>,
) => Promise<T>;
export type UsageUse = <T>(operation: (db: IDBPDatabase<ParleyDB>) => Promise<T>) => Promise<T>;

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function nullableCost(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function normalizeUsage(stored: StoredUsage): UsageRecord {
  return {
    ...stored,
    id: stored.id,
    time: count(stored.time),
    conversationId: typeof stored.conversationId === 'string' ? stored.conversationId : null,
    model: text(stored.model),
    endpoint: text(stored.endpoint),
    promptTokens: count(stored.promptTokens),
    cachedTokens: count(stored.cachedTokens),
    completionTokens: count(stored.completionTokens),
    reasoningTokens: count(stored.reasoningTokens),
    cost: nullableCost(stored.cost),
    priceVersion: typeof stored.priceVersion === 'string' ? stored.priceVersion : null,
  };
}

export function normalizeUsageDay(stored: StoredUsageDay): UsageDay {
  return {
    ...stored,
    key: stored.key,
    day: text(stored.day),
    model: text(stored.model),
    requests: count(stored.requests),
    promptTokens: count(stored.promptTokens),
    cachedTokens: count(stored.cachedTokens),
    completionTokens: count(stored.completionTokens),
    reasoningTokens: count(stored.reasoningTokens),
    cost: count(stored.cost),
    unpricedRequests: count(stored.unpricedRequests),
  };
}

function price(value: unknown): ModelPrice | null {
  if (typeof value !== 'object' || value === null) return null;
  const { input, output, cachedInput } = value as Record<string, unknown>;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!valid(input) || !valid(output)) return null;
  return valid(cachedInput) ? { input, output, cachedInput } : { input, output };
}

export function normalizeUsagePrefs(stored: StoredUsagePrefs | undefined): UsagePrefs {
  if (!stored) return { ...DEFAULT_USAGE_PREFS, customPrices: {} };
  const customPrices: Record<string, ModelPrice> = {};
  const prices = stored.customPrices;
  if (typeof prices === 'object' && prices !== null) {
    for (const [model, value] of Object.entries(prices)) {
      const valid = price(value);
      if (valid) customPrices[model] = valid;
    }
  }
  const budget = stored.monthlyBudget;
  return {
    monthlyBudget:
      typeof budget === 'number' && Number.isFinite(budget) && budget >= 0 ? budget : null,
    warnedMonth: typeof stored.warnedMonth === 'string' ? stored.warnedMonth : null,
    customPrices,
  };
}

export function createUsageRepository(use: UsageUse, transact: UsageTransact): UsageRepository {
  return {
    addUsage(record) {
      return transact([USAGE, USAGE_DAYS], async (tx) => {
        const days = tx.objectStore(USAGE_DAYS);
        const plain = toPlain(record);
        void tx.objectStore(USAGE).put(plain).catch(ignore);
        const stored = await days.get(dayKey(dayOf(plain.time), plain.model));
        void days.put(toPlain(addToDay(stored && normalizeUsageDay(stored), plain))).catch(ignore);
      });
    },
    listUsageDays(prefix) {
      return use(async (db) => {
        // Keys start with the day, so one month is one key range: `2026-12` to `2026-12\uffff`.
        const range = prefix === null ? undefined : IDBKeyRange.bound(prefix, `${prefix}\uffff`);
        return (await db.getAll(USAGE_DAYS, range)).map(normalizeUsageDay);
      });
    },
    listUsage() {
      return use(async (db) => {
        const stored = await db.getAllFromIndex(USAGE, 'by-time');
        return stored.map(normalizeUsage);
      });
    },
    conversationUsage(conversationId) {
      return use(async (db) => {
        const stored = await db.getAllFromIndex(USAGE, USAGE_BY_CONVERSATION, conversationId);
        return stored
          .map(normalizeUsage)
          .reduce<UsageTotals>((sum, record) => addTotals(sum, totalsOf(record)), EMPTY_TOTALS);
      });
    },
    getUsagePrefs() {
      return use(async (db) => normalizeUsagePrefs(await db.get(USAGE_PREFS, USAGE_PREFS_KEY)));
    },
    putUsagePrefs(prefs) {
      return transact([USAGE_PREFS], (tx) => {
        void tx.objectStore(USAGE_PREFS).put(toPlain(prefs), USAGE_PREFS_KEY).catch(ignore);
        return Promise.resolve();
      });
    },
  };
}

function ignore(): void {
  // The transaction's outcome reports a failed request (see store.ts `issue`).
}
