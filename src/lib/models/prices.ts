/**
 * Which price applies to a model at an endpoint, and what a request cost. Three sources, first
 * match wins:
 *   1. the person's own price for the model (Settings), for models the database does not know or
 *      gets wrong for their contract;
 *   2. the endpoint's own list (`GET /models`: OpenRouter gives per-token prices), because the
 *      endpoint knows its prices best;
 *   3. the maintained database (price-data.ts), which loads on demand as its own chunk.
 * A cost is null when no source knows the model: an unknown price is counted as unknown, never
 * guessed.
 */
import type { Usage } from '../domain/types';
import type { EndpointModel } from './endpoint-models';
import { canonicalId, baseId } from './infer';
import { estimateCost, type TokenUsage } from './pricing';
import type { ModelPrice } from './types';

export interface DatabaseQuote {
  price: ModelPrice;
  /** The provider's name as the database gives it ('OpenAI', 'OpenRouter'). */
  provider: string;
  contextWindow: number | null;
}

/** The price database once loaded (price-data.ts). */
export interface PriceTable {
  /** 'genai-prices 0.1.8': stored with each usage record priced from it. */
  version: string;
  /** When the data was published, YYYY-MM-DD. */
  date: string;
  quote(model: string, baseUrl: string): DatabaseQuote | null;
  /** The exact charge, with tiered and dated prices as the database has them; null: unknown. */
  cost(usage: TokenUsage, model: string, baseUrl: string, at?: Date): number | null;
}

export type PriceSource = 'custom' | 'endpoint' | 'database';

export interface PriceQuote {
  price: ModelPrice;
  source: PriceSource;
  /** Provider name for database prices, otherwise null. */
  provider: string | null;
  /** What a usage record stores as its price version. */
  version: string;
  contextWindow: number | null;
}

export interface PriceSources {
  /** The person's prices, keyed by `priceKey(model)`. */
  custom: ReadonlyMap<string, ModelPrice>;
  /** The endpoint's own model list, for the base URL it came from. */
  endpoint: { baseUrl: string; models: ReadonlyMap<string, EndpointModel> } | null;
  /** Null until the database chunk has loaded. */
  table: PriceTable | null;
}

export interface CostResult {
  /** USD, or null when no source knows the model's price. */
  cost: number | null;
  /** The price version used ('custom', 'endpoint', 'genai-prices 0.1.8'), null when unpriced. */
  version: string | null;
}

/** How a model id is keyed for custom prices: trimmed and lower case, as a person types it. */
export function priceKey(model: string): string {
  return model.trim().toLowerCase();
}

/** A person's price for `model`: the exact id, then without provider prefix, then without date. */
function customPrice(custom: ReadonlyMap<string, ModelPrice>, model: string): ModelPrice | null {
  const exact = priceKey(model);
  const bare = canonicalId(model);
  return custom.get(exact) ?? custom.get(bare) ?? custom.get(baseId(bare)) ?? null;
}

function endpointModel(sources: PriceSources, model: string, baseUrl: string) {
  if (sources.endpoint?.baseUrl !== baseUrl) return null;
  return sources.endpoint.models.get(model.trim()) ?? null;
}

/** The price that applies, or null when none is known (yet: the table may still be loading). */
export function quoteFor(sources: PriceSources, model: string, baseUrl: string): PriceQuote | null {
  const fromEndpoint = endpointModel(sources, model, baseUrl);
  const database = sources.table?.quote(model, baseUrl) ?? null;
  const contextWindow = fromEndpoint?.contextWindow ?? database?.contextWindow ?? null;
  const custom = customPrice(sources.custom, model);
  if (custom)
    return { price: custom, source: 'custom', provider: null, version: 'custom', contextWindow };
  if (fromEndpoint?.price) {
    return {
      price: fromEndpoint.price,
      source: 'endpoint',
      provider: null,
      version: 'endpoint',
      contextWindow,
    };
  }
  if (database && sources.table) {
    return {
      price: database.price,
      source: 'database',
      provider: database.provider,
      version: sources.table.version,
      contextWindow,
    };
  }
  return null;
}

export function toTokenUsage(usage: Usage): TokenUsage {
  return {
    promptTokens: usage.promptTokens,
    // Reasoning tokens are part of completion_tokens and billed as output: nothing to add.
    completionTokens: usage.completionTokens,
    cachedPromptTokens: usage.cachedTokens ?? 0,
  };
}

/**
 * What a request cost. Cached prompt tokens are charged at their own rate; database prices go
 * through the package's own calculation so tiers and dated price changes apply.
 */
export function costWith(
  sources: PriceSources,
  usage: Usage,
  model: string,
  baseUrl: string,
  at?: Date,
): CostResult {
  const quote = quoteFor(sources, model, baseUrl);
  if (!quote) return { cost: null, version: null };
  const tokens = toTokenUsage(usage);
  if (quote.source === 'database' && sources.table) {
    const cost = sources.table.cost(tokens, model, baseUrl, at);
    if (cost !== null) return { cost, version: quote.version };
  }
  return { cost: estimateCost({ price: quote.price }, tokens), version: quote.version };
}

let table: PriceTable | null = null;
let loading: Promise<PriceTable> | null = null;

/** Loads the price database chunk once; a failed load (offline, not cached) is tried again. */
export function loadPriceTable(): Promise<PriceTable> {
  loading ??= import('./price-data').then(
    (loaded) => (table = loaded.priceTable),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The database if it has loaded. */
export function loadedPriceTable(): PriceTable | null {
  return table;
}
