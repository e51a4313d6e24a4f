/**
 * What Parley can tell about a model from its id alone. It answers before the catalog chunk has
 * loaded and for ids the catalog does not know (custom endpoints), so its reasoning detection must
 * agree with the catalog for every OpenAI chat model (infer.test.ts checks): otherwise the request
 * Parley builds would change the moment the chunk lands.
 */
import { parameterRules } from './rules';
import type { ModelInfo } from './types';

/** 'openai/gpt-4o', as OpenRouter and LiteLLM name models, → 'gpt-4o'. */
export function stripProvider(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** The id as the catalog spells it: no provider prefix, no surrounding spaces, lower case. */
export function canonicalId(id: string): string {
  return stripProvider(id.trim()).toLowerCase();
}

/**
 * A dated snapshot's base: 'gpt-4o-2024-08-06' → 'gpt-4o', 'gpt-4-32k-0613' → 'gpt-4-32k'.
 * Some dated ids are entries of their own (gpt-3.5-turbo-1106), so callers look the exact id up
 * first and fall back to this.
 */
export function baseId(id: string): string {
  return id.replace(/-(\d{4}-\d{2}-\d{2}|\d{4})$/, '');
}

const O_SERIES = /^o\d(-|$)/;
const GPT_5_FAMILY = /^gpt-5(\.\d+)?(-|$)/;
/** gpt-5-chat-latest, gpt-5.1-chat-latest: the ChatGPT models, not reasoning models. */
const CHAT_VARIANT = /-chat(-latest)?$/;

/** Whether OpenAI's reasoning-model parameter rules apply, judged from a canonical id. */
export function isReasoningId(id: string): boolean {
  return O_SERIES.test(id) || (GPT_5_FAMILY.test(id) && !CHAT_VARIANT.test(baseId(id)));
}

/** ModelInfo from the id alone: no limits, no price, parameter rules by family. */
export function inferFromId(id: string): ModelInfo {
  const canonical = canonicalId(id);
  const isReasoning = isReasoningId(canonical);
  return {
    id: id.trim(),
    contextWindow: null,
    maxOutputTokens: null,
    maxInputTokens: null,
    price: null,
    isReasoning,
    ...parameterRules(canonical, isReasoning),
    usesMaxCompletionTokens: isReasoning,
    source: 'pattern',
  };
}
