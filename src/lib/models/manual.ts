/**
 * The hand-written supplement to gpt-tokenizer's model specs: only what the package lacks, gets
 * wrong, or gets differently from Parley's brief. Every entry says why it exists; when a
 * gpt-tokenizer upgrade makes one pointless, delete it (catalog.test.ts checks that each entry
 * still corrects the package). Which parameters a model accepts lives in rules.ts, which is needed
 * before the catalog chunk loads; this data loads with the chunk.
 */
import type { ModelPrice } from './types';

/**
 * The models of the original brief. They stay in the suggestions even where the package calls
 * them deprecated, and their context windows are pinned by tests.
 */
export const LEGACY_CHAT_MODELS: readonly string[] = [
  'gpt-4-turbo',
  'gpt-4-turbo-preview',
  'gpt-4-32k',
  'gpt-4',
  'gpt-3.5-turbo-16k',
  'gpt-3.5-turbo-1106',
  'gpt-3.5-turbo',
];

/** Facts that replace the package's for one id. */
export interface ManualFacts {
  contextWindow?: number;
  /** Whether OpenAI's reasoning-model parameter rules apply (see rules.ts). */
  isReasoning?: boolean;
}

export const MANUAL_FACTS: ReadonlyMap<string, ManualFacts> = new Map<string, ManualFacts>([
  // The brief gives 4,096, the window gpt-3.5-turbo had when it pointed at -0301/-0613; the
  // package describes today's alias (-0125, 16,385). The brief wins for this exact id, and the
  // smaller window is the safe side: trimming to it never overflows the model behind the alias.
  ['gpt-3.5-turbo', { contextWindow: 4_096 }],
  // gpt-oss is open-weight and not served by OpenAI's Chat Completions. The hosts that serve it
  // (OpenRouter, Groq, vLLM, Ollama) take temperature and max_tokens, which OpenAI's
  // reasoning-model rules would withhold; the package's reasoning_tokens flag is true because the
  // model thinks, which says nothing about those hosts' parameters.
  ['gpt-oss-120b', { isReasoning: false }],
  ['gpt-oss-20b', { isReasoning: false }],
]);

/** Ids OpenAI serves (or served) that the package lists only under another name. */
export const MANUAL_ALIASES: ReadonlyMap<string, string> = new Map<string, string>([
  // The brief's gpt-3.5-turbo-16k was an alias of -16k-0613, which the package has.
  ['gpt-3.5-turbo-16k', 'gpt-3.5-turbo-16k-0613'],
]);

/** Ids the package files under chat_completions that Chat Completions does not serve. */
export const NOT_CHAT_MODELS: ReadonlySet<string> = new Set([
  // Completions only: Chat Completions answers "This is not a chat model and thus not supported
  // in the v1/chat/completions endpoint".
  'gpt-3.5-turbo-instruct',
  // A ChatGPT-era name the package aliases to gpt-3.5-0301; the API's id was gpt-3.5-turbo.
  'gpt-3.5',
]);

/**
 * Prices. gpt-tokenizer 4.0.0 scrapes them from OpenAI's model pages and, for many current models,
 * ends up with input 10 / output 30, which is gpt-4-turbo's price: it says gpt-4o, gpt-4.1 and
 * gpt-5 cost 10/30 where OpenAI charges 2.50/10, 2/8 and 1.25/10. A wrong cost is worse than none,
 * so that pair is believed only for the gpt-4-turbo generation, whose price it is. A later package
 * that prices these models differently passes through untouched.
 */
type PricePair = Pick<ModelPrice, 'input' | 'output'>;

const PLACEHOLDER_PRICE: PricePair = { input: 10, output: 30 };
const REALLY_COSTS_10_30 = /^gpt-4-(turbo|\d{4}-preview|1106-vision-preview)/;

/**
 * Other package prices known wrong, keyed by the package's snapshot name, with the value it gives
 * (an entry applies only while the package still says exactly that).
 */
export const WRONG_PACKAGE_PRICES: ReadonlyMap<string, PricePair> = new Map<string, PricePair>([
  // o1's price; OpenAI cut o3 to 2/8 in June 2025.
  ['o3-2025-04-16', { input: 15, output: 60 }],
  // OpenAI lists o3-deep-research at 10/40 and o4-mini-deep-research at 2/8.
  ['o3-deep-research-2025-06-26', { input: 15, output: 60 }],
  ['o4-mini-deep-research-2025-06-26', { input: 8.25, output: 33 }],
  // OpenAI does not sell gpt-oss; these are not per-1M prices from any OpenAI page.
  ['gpt-oss-120b', { input: 0.0005, output: 0.0015 }],
  ['gpt-oss-20b', { input: 0.0002, output: 0.0006 }],
]);

/** The package's price for `snapshot`, or null where it is known to be wrong. */
export function trustedPrice(snapshot: string, price: ModelPrice): ModelPrice | null {
  const same = (known: PricePair) => price.input === known.input && price.output === known.output;
  if (same(PLACEHOLDER_PRICE) && !REALLY_COSTS_10_30.test(snapshot)) return null;
  const wrong = WRONG_PACKAGE_PRICES.get(snapshot);
  return wrong !== undefined && same(wrong) ? null : price;
}

/**
 * Prices (USD per 1M tokens) for the models people use most, where the package's price is one of
 * the wrong ones above and so dropped: without these, the most common replies would show no cost.
 * From OpenAI's pricing page (openai.com/api/pricing), standard tier, as of 2025; a package
 * release with right prices takes over on its own, since these apply only where its price is
 * dropped.
 */
export const MANUAL_PRICES: ReadonlyMap<string, ModelPrice> = new Map<string, ModelPrice>([
  ['gpt-4o', { input: 2.5, output: 10, cachedInput: 1.25 }],
  ['gpt-4o-mini', { input: 0.15, output: 0.6, cachedInput: 0.075 }],
  ['gpt-4.1', { input: 2, output: 8, cachedInput: 0.5 }],
  ['gpt-4.1-mini', { input: 0.4, output: 1.6, cachedInput: 0.1 }],
  ['gpt-4.1-nano', { input: 0.1, output: 0.4, cachedInput: 0.025 }],
  ['gpt-5', { input: 1.25, output: 10, cachedInput: 0.125 }],
  ['gpt-5-mini', { input: 0.25, output: 2, cachedInput: 0.025 }],
  ['gpt-5-nano', { input: 0.05, output: 0.4, cachedInput: 0.005 }],
  ['o3', { input: 2, output: 8, cachedInput: 0.5 }],
  ['o3-mini', { input: 1.1, output: 4.4, cachedInput: 0.55 }],
  ['o4-mini', { input: 1.1, output: 4.4, cachedInput: 0.275 }],
]);
