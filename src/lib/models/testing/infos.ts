/**
 * Hand-made ModelInfo values for unit tests: they pin the request shape a test expects, so it
 * does not move when the catalog package changes.
 */
import type { ModelInfo } from '../types';

/** gpt-4o-mini: takes every sampling parameter, max_tokens, JSON mode, no reasoning effort. */
export const CHAT_INFO: ModelInfo = {
  id: 'gpt-4o-mini',
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  price: null,
  isReasoning: false,
  unsupported: ['reasoning_effort'],
  usesMaxCompletionTokens: false,
  supportsReasoningEffort: false,
  supportsJsonObject: true,
  supportsSystemMessage: true,
  source: 'catalog',
};

/** o3-mini-like: max_completion_tokens and reasoning_effort; no sampling parameters, n or stop. */
export const REASONING_INFO: ModelInfo = {
  id: 'o3-mini',
  contextWindow: 200_000,
  maxOutputTokens: 100_000,
  price: null,
  isReasoning: true,
  unsupported: [
    'temperature',
    'top_p',
    'presence_penalty',
    'frequency_penalty',
    'logprobs',
    'n',
    'stop',
  ],
  usesMaxCompletionTokens: true,
  supportsReasoningEffort: true,
  supportsJsonObject: true,
  supportsSystemMessage: true,
  source: 'catalog',
};
