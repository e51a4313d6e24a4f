/**
 * The model catalog: gpt-tokenizer's model specs (scraped from OpenAI's model pages and kept
 * current by that package) with the hand-written supplement of manual.ts on top.
 *
 * `gpt-tokenizer/models` holds the specs only, not the BPE rank tables, but it is still a few
 * dozen kilobytes that the first paint does not need: only lazy.ts imports this module, through a
 * dynamic import, so it becomes a chunk of its own.
 */
import * as packageSpecs from 'gpt-tokenizer/models';
import type { ModelSpec } from 'gpt-tokenizer/modelTypes';
import { baseId, canonicalId, inferFromId } from './infer';
import {
  LEGACY_CHAT_MODELS,
  MANUAL_ALIASES,
  MANUAL_FACTS,
  MANUAL_PRICES,
  NOT_CHAT_MODELS,
  trustedPrice,
} from './manual';
import { parameterRules } from './rules';
import type { ModelCatalog, ModelInfo, ModelPrice } from './types';

/**
 * Every id the package names (aliases and snapshots), to its spec. The cast: the package's
 * models.d.ts also declares a `models_d_exports` namespace, a type-bundling artefact absent at run
 * time, so the module does not type as a record of specs by itself.
 */
const SPECS: ReadonlyMap<string, ModelSpec> = new Map(
  Object.entries(packageSpecs as unknown as Record<string, ModelSpec>),
);

interface Resolved {
  /** The id that matched: the exact id asked for, or its undated base. */
  id: string;
  spec: ModelSpec;
  /** Resolved through a hand-written alias rather than a package id. */
  isAliased: boolean;
}

function resolveExact(id: string): Resolved | null {
  const target = MANUAL_ALIASES.get(id) ?? id;
  const spec = SPECS.get(target);
  return spec === undefined ? null : { id, spec, isAliased: target !== id };
}

/** The exact id first (gpt-3.5-turbo-1106 is an entry of its own), then its undated base. */
function resolve(canonical: string): Resolved | null {
  const exact = resolveExact(canonical);
  if (exact !== null) return exact;
  const base = baseId(canonical);
  return base === canonical ? null : resolveExact(base);
}

function priceOf(spec: ModelSpec): ModelPrice | null {
  const main = spec.price_data?.main;
  if (main?.input === undefined || main.output === undefined) return null;
  const price: ModelPrice = { input: main.input, output: main.output };
  if (main.cached_input !== undefined) price.cachedInput = main.cached_input;
  return trustedPrice(spec.name, price);
}

/** The package's input cap where it binds (gpt-5: 272,000 of 400,000); it gives some caps above the window. */
function inputCap(spec: ModelSpec): number | null {
  const cap = spec.max_input_tokens;
  return cap !== undefined && (spec.context_window === undefined || cap < spec.context_window)
    ? cap
    : null;
}

function toInfo({ id, spec, isAliased }: Resolved): ModelInfo {
  const facts = MANUAL_FACTS.get(id);
  const isReasoning = facts?.isReasoning ?? spec.reasoning_tokens === true;
  return {
    id,
    contextWindow: facts?.contextWindow ?? spec.context_window ?? null,
    maxOutputTokens: spec.max_output_tokens ?? null,
    maxInputTokens: inputCap(spec),
    price: priceOf(spec) ?? MANUAL_PRICES.get(id) ?? MANUAL_PRICES.get(baseId(id)) ?? null,
    isReasoning,
    ...parameterRules(id, isReasoning),
    usesMaxCompletionTokens: isReasoning,
    source: facts !== undefined || isAliased ? 'manual' : 'catalog',
  };
}

/**
 * A model Parley can talk to: Chat Completions with a text reply. Audio models are left out
 * (they answer in sound unless asked otherwise), as are ids the package files there by mistake.
 */
function isChatModel(id: string, spec: ModelSpec): boolean {
  return (
    spec.supported_endpoints.includes('chat_completions') &&
    spec.modalities.output.includes('text') &&
    !spec.modalities.output.includes('audio') &&
    !NOT_CHAT_MODELS.has(id)
  );
}

/**
 * Suggestion order: current families first. The package's dates cannot order them (it gives gpt-4
 * a later knowledge cutoff than gpt-4o), so the order is written here; ids outside these families
 * follow alphabetically.
 */
const FAMILY_ORDER = [/^gpt-5/, /^o\d/, /^gpt-4\.1/, /^gpt-4o/, /^chatgpt-/, /^gpt-4/, /^gpt-3\.5/];

function familyRank(id: string): number {
  const rank = FAMILY_ORDER.findIndex((family) => family.test(id));
  return rank === -1 ? FAMILY_ORDER.length : rank;
}

/** 'gpt-5.4-mini' → 5.4, 'o3-mini' → 3: newer versions lead within a family. */
function version(id: string): number {
  return Number(/\d+(\.\d+)?/.exec(id)?.[0] ?? 0);
}

function bySuggestionOrder(a: string, b: string): number {
  return (
    familyRank(a) - familyRank(b) ||
    version(b) - version(a) ||
    a.localeCompare(b, 'en', { numeric: true })
  );
}

/**
 * Suggestions: the package's undated chat ids (a dated snapshot is one pick away in the
 * endpoint's own list) plus the brief's legacy models.
 */
function suggestions(): string[] {
  const ids = new Set(LEGACY_CHAT_MODELS);
  for (const [id, spec] of SPECS) {
    if (baseId(id) === id && isChatModel(id, spec)) ids.add(id);
  }
  return [...ids].sort(bySuggestionOrder);
}

function createCatalog(): ModelCatalog {
  const chatIds = suggestions();
  return {
    lookup(id) {
      const resolved = resolve(canonicalId(id));
      return resolved === null ? inferFromId(id) : toInfo(resolved);
    },
    knows: (id) => resolve(canonicalId(id)) !== null,
    chatModelIds: () => [...chatIds],
  };
}

export const catalog: ModelCatalog = createCatalog();
