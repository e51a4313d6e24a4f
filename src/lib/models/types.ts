/**
 * What Parley knows about a model: limits for trimming and the parameters form, prices for cost
 * estimates, and which request parameters the model rejects. Pure types, so every layer can use
 * them without pulling the catalog data (which loads lazily, see lazy.ts).
 */

/** A Chat Completions parameter that some models reject with a 400. */
export type ModelParameter =
  | 'temperature'
  | 'top_p'
  | 'presence_penalty'
  | 'frequency_penalty'
  | 'logprobs'
  | 'n'
  | 'stop'
  | 'seed'
  | 'response_format'
  | 'reasoning_effort';

/** USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

export interface ModelInfo {
  /** The catalog id (e.g. 'gpt-4o'); the id as given when the catalog does not know it. */
  id: string;
  /** Prompt plus reply, in tokens. */
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /**
   * The prompt alone, when the model caps it below contextWindow − maxOutputTokens (gpt-5:
   * 400,000 in all but at most 272,000 in). Optional so hand-made ModelInfo values stay valid;
   * absent or null means only contextWindow applies.
   */
  maxInputTokens?: number | null;
  /** USD per 1M tokens, when known. */
  price: ModelPrice | null;
  /** o1/o3/o4-mini/gpt-5 families: max_completion_tokens, no temperature/top_p/penalties/logprobs. */
  isReasoning: boolean;
  /** Parameters this model rejects with a 400, so Parley must not send them. */
  unsupported: readonly ModelParameter[];
  /** Sent as max_completion_tokens instead of max_tokens. */
  usesMaxCompletionTokens: boolean;
  /** o1 (not o1-mini/o1-preview), o3, o3-mini, o4-mini, gpt-5 family (not gpt-5-chat-latest). */
  supportsReasoningEffort: boolean;
  supportsJsonObject: boolean;
  /**
   * False for o1-mini and o1-preview, which reject a system (or developer) message with a 400.
   * Optional so hand-made ModelInfo values stay valid; absent means accepted.
   */
  supportsSystemMessage?: boolean;
  /** Where the facts came from: 'catalog' (gpt-tokenizer), 'manual' (hand-written supplement), 'pattern' (inferred from the id). */
  source: 'catalog' | 'manual' | 'pattern';
}

export interface ModelCatalog {
  /** Info for any id, including dated snapshots ('gpt-4o-2024-08-06'), provider prefixes ('openai/gpt-4o' as OpenRouter names them) and unknown ids (then contextWindow/maxOutputTokens null, reasoning inferred from the name). Never throws. */
  lookup(id: string): ModelInfo;
  /** True when the catalog knows the id (or its base), i.e. the user need not give a context window. */
  knows(id: string): boolean;
  /** Chat-capable ids for suggestions, sorted sensibly (newest families first is fine), including the hand-written legacy ones. */
  chatModelIds(): string[];
}
