/**
 * What an endpoint's own `GET /models` says about prices and context windows. OpenRouter lists
 * `pricing.prompt`, `pricing.completion` and `pricing.input_cache_read` as USD per token (strings)
 * and `context_length`, plus `top_provider.max_completion_tokens`; OpenAI and most servers list
 * ids only. The entries arrive as `unknown` and are read field by field.
 */
import type { ModelPrice } from './types';

export interface EndpointModel {
  id: string;
  /** USD per 1M tokens, when the endpoint says. */
  price: ModelPrice | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A per-token price ('0.0000025' or a number) as USD per 1M; negative ('-1': varies) is none. */
function perMillion(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return null;
  // Rounded to a millionth of a cent: 0.0000025 * 1e6 is 2.4999999999999996 in floating point.
  return Math.round(number * 1e6 * 1e6) / 1e6;
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

function priceOf(pricing: Record<string, unknown> | null): ModelPrice | null {
  if (!pricing) return null;
  const input = perMillion(pricing.prompt);
  const output = perMillion(pricing.completion);
  if (input === null || output === null) return null;
  const cached = perMillion(pricing.input_cache_read);
  return cached === null ? { input, output } : { input, output, cachedInput: cached };
}

/** One entry of `GET /models` `data`, or null when it has no id. */
export function readEndpointModel(value: unknown): EndpointModel | null {
  const entry = record(value);
  if (!entry || typeof entry.id !== 'string' || entry.id === '') return null;
  const topProvider = record(entry.top_provider);
  return {
    id: entry.id,
    price: priceOf(record(entry.pricing)),
    contextWindow: positiveInteger(entry.context_length),
    maxOutputTokens: positiveInteger(topProvider?.max_completion_tokens),
  };
}

/** The entries that say anything beyond their id, keyed by id. */
export function readEndpointModels(entries: readonly unknown[]): Map<string, EndpointModel> {
  const models = new Map<string, EndpointModel>();
  for (const value of entries) {
    const model = readEndpointModel(value);
    if (model && (model.price || model.contextWindow || model.maxOutputTokens)) {
      models.set(model.id, model);
    }
  }
  return models;
}
