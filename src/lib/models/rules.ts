/**
 * Which Chat Completions parameters a model accepts, by family. gpt-tokenizer does not encode
 * parameter support, so these rules are hand-written from OpenAI's documentation and the API's
 * own error messages. Both the catalog and infer.ts use them, so they are part of the first
 * bundle; keep this module small and free of the package.
 */
import type { ModelParameter } from './types';

/**
 * Parameters OpenAI's reasoning models reject.
 * - temperature, top_p, presence_penalty, frequency_penalty, logprobs: "Not supported" for
 *   reasoning models (Azure OpenAI, how-to/reasoning.md, which mirrors OpenAI's reasoning guide);
 *   the API answers `unsupported_parameter` or "Only the default (1) value is supported".
 * - stop: "Not supported with latest reasoning models o3 and o4-mini" (Chat Completions reference,
 *   openai-node completions.ts). Withheld from every reasoning model: o1 and o3-mini may take it,
 *   but a lost stop sequence, noted beside the control, costs less than a 400.
 * - n: nothing in the reference forbids it, but the API's own refusal for these models reads
 *   "temperature, top_p and n are fixed at 1", and several choices multiply hidden reasoning
 *   tokens. Withheld for the same conservative reason.
 * max_tokens is handled by usesMaxCompletionTokens ("not compatible with o-series models").
 */
const REASONING_REJECTS: readonly ModelParameter[] = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'n',
  'stop',
];

/**
 * o1-mini and o1-preview, the first reasoning models: no reasoning_effort, no response_format, no
 * system or developer message (Azure's feature table; OpenAI's launch "beta limitations").
 */
const FIRST_REASONING_MODELS = /^o1-(mini|preview)(-|$)/;

/**
 * The search models take no sampling parameters: "Model incompatible request arguments supplied:
 * frequency_penalty, presence_penalty, temperature, top_p" (vercel/ai#5647).
 */
const SEARCH_MODELS = /-search-preview(-|$)/;
const SEARCH_REJECTS: readonly ModelParameter[] = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
];

/**
 * Models without JSON mode (`response_format: json_object`), which arrived with the 1106 models:
 * the first gpt-4 and gpt-3.5-turbo snapshots, the audio models, and o1-mini/o1-preview. The
 * package only marks json_schema support (structured_outputs), which many JSON-mode models lack.
 */
const NO_JSON_MODE =
  /^(gpt-4(-0314|-0613)?|gpt-4-32k.*|gpt-3\.5-turbo-(0301|0613|16k.*)|gpt-3\.5-turbo-instruct|.*audio.*|o1-(mini|preview).*)$/;

export interface ParameterRules {
  unsupported: readonly ModelParameter[];
  supportsReasoningEffort: boolean;
  supportsJsonObject: boolean;
  supportsSystemMessage: boolean;
}

/** What a model accepts, from its canonical id (see infer.ts) and whether it is a reasoning model. */
export function parameterRules(id: string, isReasoning: boolean): ParameterRules {
  const isFirstReasoning = isReasoning && FIRST_REASONING_MODELS.test(id);
  const supportsReasoningEffort = isReasoning && !isFirstReasoning;
  const supportsJsonObject = !NO_JSON_MODE.test(id);
  const unsupported: ModelParameter[] = isReasoning
    ? [...REASONING_REJECTS]
    : SEARCH_MODELS.test(id)
      ? [...SEARCH_REJECTS]
      : [];
  if (!supportsJsonObject) unsupported.push('response_format');
  if (!supportsReasoningEffort) unsupported.push('reasoning_effort');
  return {
    unsupported,
    supportsReasoningEffort,
    supportsJsonObject,
    supportsSystemMessage: !isFirstReasoning,
  };
}
