/**
 * `GET /models` as OpenRouter answers it, for the test server's `listing: 'openrouter'`: a bare
 * `{ data: [...] }` (no `object: 'list'`), each entry with its `pricing` in USD per token as
 * strings ('-1' where the price varies, as for openrouter/auto), `context_length`, and
 * `top_provider.max_completion_tokens`. Fields as OpenRouter's models API documents them
 * (https://openrouter.ai/docs/api-reference/list-available-models); the values are made up.
 *
 * The first two ids are ones no price database knows, so a client can only price them from this
 * list.
 */

export interface OpenRouterPricing {
  prompt: string;
  completion: string;
  request: string;
  image: string;
  web_search: string;
  internal_reasoning: string;
  input_cache_read?: string;
  input_cache_write?: string;
}

export interface OpenRouterModel {
  id: string;
  canonical_slug: string;
  hugging_face_id: string | null;
  name: string;
  created: number;
  description: string;
  context_length: number;
  architecture: {
    modality: string;
    input_modalities: string[];
    output_modalities: string[];
    tokenizer: string;
    instruct_type: string | null;
  };
  pricing: OpenRouterPricing;
  top_provider: {
    context_length: number | null;
    max_completion_tokens: number | null;
    is_moderated: boolean;
  };
  per_request_limits: Record<string, string> | null;
  supported_parameters: string[];
}

const TEXT = {
  modality: 'text->text',
  input_modalities: ['text'],
  output_modalities: ['text'],
  tokenizer: 'Other',
  instruct_type: null,
};

const PARAMETERS = ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'frequency_penalty'];

function entry(
  id: string,
  name: string,
  contextLength: number,
  maxCompletion: number | null,
  pricing: OpenRouterPricing,
  created: number,
): OpenRouterModel {
  return {
    id,
    canonical_slug: `${id}-20260101`,
    hugging_face_id: null,
    name,
    created,
    description: `${name}, a model the test server pretends to route to.`,
    context_length: contextLength,
    architecture: TEXT,
    pricing,
    top_provider: {
      context_length: contextLength,
      max_completion_tokens: maxCompletion,
      is_moderated: false,
    },
    per_request_limits: null,
    supported_parameters: PARAMETERS,
  };
}

/** $2 / $10 per 1M, cached input $0.50 per 1M. */
export const OPENROUTER_PRICED = 'parley-labs/quill-7b';

export const OPENROUTER_MODELS: readonly OpenRouterModel[] = [
  entry(
    OPENROUTER_PRICED,
    'Parley Labs: Quill 7B',
    32_768,
    2_048,
    {
      prompt: '0.000002',
      completion: '0.00001',
      request: '0',
      image: '0',
      web_search: '0',
      internal_reasoning: '0',
      input_cache_read: '0.0000005',
    },
    1_767_225_600,
  ),
  entry(
    'parley-labs/quill-7b:free',
    'Parley Labs: Quill 7B (free)',
    8_192,
    null,
    {
      prompt: '0',
      completion: '0',
      request: '0',
      image: '0',
      web_search: '0',
      internal_reasoning: '0',
    },
    1_767_225_600,
  ),
  entry(
    'openai/gpt-4o-mini',
    'OpenAI: GPT-4o-mini',
    128_000,
    16_384,
    {
      prompt: '0.00000015',
      completion: '0.0000006',
      request: '0',
      image: '0.000217',
      web_search: '0',
      internal_reasoning: '0',
      input_cache_read: '0.000000075',
    },
    1_721_260_800,
  ),
  entry(
    'openrouter/auto',
    'Auto Router',
    2_000_000,
    null,
    {
      prompt: '-1',
      completion: '-1',
      request: '0',
      image: '0',
      web_search: '0',
      internal_reasoning: '0',
    },
    1_699_401_600,
  ),
];

export const OPENROUTER_MODEL_IDS: readonly string[] = OPENROUTER_MODELS.map((model) => model.id);

/** The list body exactly as OpenRouter sends it. */
export function openRouterModelsBody(): string {
  return JSON.stringify({ data: OPENROUTER_MODELS });
}
