import type { ChatParams, Settings } from './types';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/**
 * Offered (as a placeholder) when Azure is chosen: the latest GA data-plane inference version
 * when this was written, and the first GA one that takes `stream_options`, which Parley sends.
 */
export const SUGGESTED_AZURE_API_VERSION = '2024-10-21';
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant.';
export const DEFAULT_PARAMS: Readonly<ChatParams> = Object.freeze({
  model: 'gpt-4o-mini',
  temperature: 1,
  maxTokens: null,
  topP: null,
  n: 1,
  stop: [],
  presencePenalty: null,
  frequencyPenalty: null,
  seed: null,
  responseFormat: 'text',
  reasoningEffort: null,
  contextWindow: null,
});
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  apiKey: null,
  baseUrl: DEFAULT_BASE_URL,
  provider: 'openai',
  azureApiVersion: null,
  locale: null,
  organization: null,
  project: null,
  defaultPresetId: null,
  requestsPerMinute: null,
  tokensPerMinute: null,
  encryptedKey: null,
  theme: 'system',
  isAutoTitleOn: false,
  titleModel: null,
});
