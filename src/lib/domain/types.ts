/**
 * The nouns of Parley. Pure data: every record here is what IndexedDB stores and what an export
 * holds, so fields are plain JSON values (no Dates, no class instances, no proxies).
 */

export type Role = 'system' | 'user' | 'assistant';

/**
 * Lifecycle of a message. A reply is stored as `streaming` while it grows; a page that goes away
 * mid-stream leaves it `streaming` in storage, and the next load shows it as `interrupted`.
 */
export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'interrupted' | 'error';

/** Token usage as the API reports it (camelCase copy of the wire `usage` object). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Of the completion tokens, those spent on reasoning (`completion_tokens_details`). */
  reasoningTokens?: number;
  /** Of the prompt tokens, those served from the provider's cache (`prompt_tokens_details`). */
  cachedTokens?: number;
}

/** Why a request failed, as a closed union; the words a person reads live in the i18n catalog. */
export type ApiErrorKind =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'quota'
  | 'context_length'
  | 'bad_request'
  | 'server'
  | 'network'
  | 'incomplete'
  | 'aborted';

/** The stored form of a failure: enough to explain it again after a reload. */
export interface MessageError {
  kind: ApiErrorKind;
  /** The provider's own message, shown as a detail under our explanation (never raw JSON). */
  detail?: string;
  status?: number;
  /** Set when the failure needs words of its own beyond its kind (`redirect`: lib/api/errors). */
  code?: string;
  /** Seconds the server asked to wait before trying again (rate limits). */
  retryAfterSeconds?: number;
}

export interface Message {
  id: string;
  conversationId: string;
  /** Messages form a tree: edits and regenerations add siblings under the same parent. */
  parentId: string | null;
  role: Role;
  content: string;
  status: MessageStatus;
  createdAt: number;
  updatedAt: number;
  /** Assistant only: the model id the API reported (falls back to the one requested). */
  model?: string;
  /** Assistant only: the choice's finish_reason (`stop`, `length`, `content_filter`, ...). */
  finishReason?: string | null;
  /**
   * Assistant only: the stop sequences the request carried, so a `stop` finish can say which
   * sequences may have ended it (OpenAI does not report which one matched).
   */
  stopSequences?: string[];
  /** Assistant only: the stop sequence the provider reported as matched (vLLM and others do). */
  matchedStop?: string;
  /** Assistant only, n > 1: which choice of the request this is, and how many there were. */
  choiceIndex?: number;
  choiceCount?: number;
  usage?: Usage;
  error?: MessageError;
  /**
   * Assistant only: the model's reasoning text (DeepSeek/Qwen `reasoning_content`, OpenRouter and
   * Groq `reasoning`). Shown apart from the answer and never sent back to the API.
   */
  reasoning?: string;
  /** Assistant only: `content` is the model's refusal (OpenAI `refusal`), not an answer. */
  isRefusal?: boolean;
  /**
   * What an imported message carried besides its text, shown collapsed under it and never sent to
   * the API: tool or browsing output another client showed as its own turn, and placeholders for
   * attachments that were not imported (their names).
   */
  notes?: MessageNote[];
}

/** `tool`: output of a tool (browsing, code, …) named by `label`; `attachment`: a file's name. */
export type MessageNoteKind = 'tool' | 'attachment';

export interface MessageNote {
  kind: MessageNoteKind;
  /** The tool's name (`browser`, `python`, …) or the attachment's kind (`image`, `file`). */
  label: string;
  text: string;
}

export type ResponseFormat = 'text' | 'json_object';
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

/**
 * Request parameters of a conversation: exactly what is shown is what is sent. `null` (or the
 * neutral value noted) leaves a parameter out of the request, so the model's default applies.
 */
export interface ChatParams {
  model: string;
  temperature: number;
  /** Sent as max_tokens, or max_completion_tokens to reasoning models. */
  maxTokens: number | null;
  topP: number | null;
  /** How many alternative replies to generate (1 to 8); 1 is not sent. */
  n: number;
  /** Up to 4 sequences; empty is not sent. */
  stop: string[];
  presencePenalty: number | null;
  frequencyPenalty: number | null;
  seed: number | null;
  /** 'text' is not sent. */
  responseFormat: ResponseFormat;
  /** Reasoning models only; null is not sent. */
  reasoningEffort: ReasoningEffort | null;
  /**
   * The context window the person says a model has, for models the catalog does not know
   * (custom endpoints). Never sent: it bounds Max tokens and the context check.
   */
  contextWindow: number | null;
}

/**
 * Saved settings to start a conversation from. A preset holds only the fields it sets: built-in
 * ones set temperature and max tokens and leave the model alone; a person's own preset saved from
 * a conversation holds everything.
 */
export interface Preset {
  id: string;
  name: string;
  params: Partial<ChatParams>;
  /** Undefined leaves the conversation's system prompt as it is. */
  systemPrompt?: string;
  createdAt: number;
  updatedAt: number;
}

export interface Conversation {
  id: string;
  title: string;
  /** True once the user renamed it: automatic titles never overwrite a chosen one. */
  isTitleCustom: boolean;
  systemPrompt: string;
  params: ChatParams;
  createdAt: number;
  /** Last activity (a message sent or received, a rename); the sidebar sorts on it. */
  updatedAt: number;
  /** The leaf of the branch being shown; the conversation continues from it. */
  currentLeafId: string | null;
  /** The preset last applied; the UI shows when the settings have drifted from it. */
  presetId: string | null;
  /**
   * Kept at the top of the sidebar. Only ever `true` when present: unpinning removes the field,
   * so records from before pins existed and unpinned ones are alike.
   */
  isPinned?: true;
  /** Which messages each request sends (domain/context.ts); absent: all of them. */
  context?: ContextChoice;
}

/** `all`: every message; `last`: the last `lastCount` user and assistant messages; `fit`: as many recent ones as fit the context window. */
export type ContextMode = 'all' | 'last' | 'fit';

export interface ContextChoice {
  mode: ContextMode;
  /** How many user and assistant messages `last` sends (1 or more); kept while another mode is chosen. */
  lastCount: number;
}

export type Locale = 'en' | 'zh-CN';

/**
 * Which API the endpoint speaks. `openai`: the OpenAI API or any server compatible with it (a
 * local llama.cpp, Ollama or LM Studio, OpenRouter, Azure's v1 API at …/openai/v1); `azure`: an
 * Azure OpenAI resource with a dated api-version, where requests go to a deployment.
 */
export type Provider = 'openai' | 'azure';

export interface Settings {
  apiKey: string | null;
  /** For `azure`: the resource endpoint, e.g. https://my-resource.openai.azure.com. */
  baseUrl: string;
  provider: Provider;
  /**
   * Azure only: the dated api-version every request carries, e.g. `2024-10-21`. Kept while another
   * provider is chosen, so switching back does not lose it.
   */
  azureApiVersion: string | null;
  /** `null` follows the browser's language. */
  locale: Locale | null;
  /** Sent as the OpenAI-Organization header when set. */
  organization: string | null;
  /** Sent as the OpenAI-Project header when set. */
  project: string | null;
  /** The preset new chats start from; `null`: new chats copy the current conversation's. */
  defaultPresetId: string | null;
  /** Client-side limits: requests are queued to stay under them (null: no limit). */
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /**
   * The key encrypted with the person's passphrase (then `apiKey` is null on disk): unlocked
   * once per session, never stored in the clear.
   */
  encryptedKey: EncryptedKey | null;
  /**
   * How the person chose to keep the key. Remembered even while no key is stored, so that after a
   * reload in session-only mode the first-run form offers session-only again rather than storing
   * the key by default. Absent (data from before the choice existed): read as 'browser'.
   */
  keyMode?: KeyMode;
  /** Light or dark look; 'system' follows the device (prefers-color-scheme). */
  theme: Theme;
  /** Ask the model for a short title after a new chat's first reply (an extra paid request). */
  isAutoTitleOn: boolean;
  /** The model that writes those titles; null: the conversation's own model. */
  titleModel: string | null;
}

export type Theme = 'system' | 'light' | 'dark';

/**
 * How the key is kept. `browser`: stored as is; `passphrase`: only `encryptedKey` is stored,
 * unlocked once per page load; `session`: kept in memory only, never stored.
 */
export type KeyMode = 'browser' | 'passphrase' | 'session';

/** AES-GCM ciphertext of the key under a PBKDF2-derived key; binary fields base64-encoded. */
export interface EncryptedKey {
  ciphertext: string;
  iv: string;
  salt: string;
  iterations: number;
}
