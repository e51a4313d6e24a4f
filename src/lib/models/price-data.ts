/**
 * The maintained price database: Pydantic's genai-prices (OpenAI, Azure, OpenRouter, DeepSeek,
 * Groq, Mistral, xAI, Google, Anthropic and more), with the provider matched from the endpoint's
 * base URL. The package bundles its data (about 800 KB), so only prices.ts imports this module,
 * through a dynamic import: it is a chunk of its own, never part of the first load.
 *
 * No remote updates (`updatePrices`): the page's Content-Security-Policy would allow the fetch,
 * but prices that change under a person without a new Parley release would make yesterday's
 * usage records disagree with today's dialog. Each record keeps the version it was priced with.
 */
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import type { ModelPrice as PackagePrice, Provider } from '@pydantic/genai-prices';
import type { DatabaseQuote, PriceTable } from './prices';
import type { TokenUsage } from './pricing';
import type { ModelPrice } from './types';

/**
 * The package version this data came with and the day it was published (npm's `time` for the
 * version). price-data.test.ts fails when the installed package no longer matches, so an upgrade
 * cannot leave a stale date on screen.
 */
export const PRICE_DATA_VERSION = '0.1.8';
export const PRICE_DATA_DATE = '2026-09-23';

/**
 * The provider that serves `baseUrl`; for an endpoint the database does not know (a proxy, the
 * project's test server, a local server that names its models after OpenAI's), the provider whose
 * model ids look like `model`. A local model with its own name matches no one and stays unpriced.
 */
function providerFor(model: string, baseUrl: string): Provider | undefined {
  const url = baseUrl.trim();
  return (
    (url === '' ? undefined : findProvider({ providerApiUrl: url })) ??
    findProvider({ modelId: model.trim().toLowerCase() })
  );
}

/** USD per 1M tokens from a package price: a tiered price counts at its base (first) tier. */
function perMillion(value: PackagePrice[string]): number | undefined {
  if (typeof value === 'number') return value;
  return value?.base;
}

function toModelPrice(price: PackagePrice): ModelPrice | null {
  const input = perMillion(price.input_mtok);
  const output = perMillion(price.output_mtok);
  if (input === undefined || output === undefined) return null;
  const cached = perMillion(price.cache_read_mtok);
  return cached === undefined ? { input, output } : { input, output, cachedInput: cached };
}

function usageOf(usage: TokenUsage): Record<string, number> {
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  return {
    input_tokens: usage.promptTokens,
    cache_read_tokens: cached,
    output_tokens: usage.completionTokens,
  };
}

/** A package error (a usage it refuses) is an unknown price, never a crash of the page. */
function safely<T>(work: () => T): T | null {
  try {
    return work();
  } catch {
    return null;
  }
}

export const priceTable: PriceTable = {
  version: `genai-prices ${PRICE_DATA_VERSION}`,
  date: PRICE_DATA_DATE,
  quote(model, baseUrl): DatabaseQuote | null {
    return safely(() => {
      const provider = providerFor(model, baseUrl);
      if (!provider) return null;
      // A zero usage prices nothing but resolves the model (date suffixes, aliases) as a charge would.
      const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model.trim(), {
        providerId: provider.id,
      });
      if (!result) return null;
      const price = toModelPrice(result.model_price);
      if (!price) return null;
      return {
        price,
        provider: result.provider.name,
        contextWindow: result.model.context_window ?? null,
      };
    });
  },
  cost(usage, model, baseUrl, at) {
    return safely(() => {
      const provider = providerFor(model, baseUrl);
      if (!provider) return null;
      const result = calcPrice(usageOf(usage), model.trim(), {
        providerId: provider.id,
        ...(at ? { timestamp: at } : {}),
      });
      return result?.total_price ?? null;
    });
  },
};
