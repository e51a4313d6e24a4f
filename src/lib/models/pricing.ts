/**
 * What a reply cost, from the usage the API reports and the catalog's per-1M-token prices. An
 * estimate: it ignores batch and flex discounts, and is null when the price is unknown rather
 * than a guess.
 */
import type { ModelInfo } from './types';
import { numberFormat } from '../utils/number-format';

export interface TokenUsage {
  /** All prompt tokens, cached ones included (usage.prompt_tokens). */
  promptTokens: number;
  /** Visible and reasoning tokens (usage.completion_tokens). */
  completionTokens: number;
  /** The part of promptTokens served from the prompt cache (prompt_tokens_details.cached_tokens). */
  cachedPromptTokens?: number;
}

/** USD, or null when the model's price is unknown. */
export function estimateCost(info: Pick<ModelInfo, 'price'>, usage: TokenUsage): number | null {
  const { price } = info;
  if (price === null) return null;
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const perMillion =
    (usage.promptTokens - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    usage.completionTokens * price.output;
  return perMillion / 1_000_000;
}

/**
 * '$1.23' from one dollar up; two significant digits below it, because a reply usually costs a
 * fraction of a cent ('$0.0042') and rounding that to '$0.00' says nothing.
 */
export function formatUsd(amount: number, locale?: string): string {
  const digits =
    amount === 0 || Math.abs(amount) >= 1
      ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
      : { minimumSignificantDigits: 2, maximumSignificantDigits: 2 };
  return numberFormat(locale, { style: 'currency', currency: 'USD', ...digits }).format(amount);
}
