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
  usage?: Usage;
  error?: MessageError;
}

/** Request parameters of a conversation: exactly what is shown is what is sent. */
export interface ChatParams {
  model: string;
  temperature: number;
  /** `null` leaves max_tokens out of the request (the model's own limit applies). */
  maxTokens: number | null;
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
}

export type Locale = 'en' | 'zh-CN';

export interface Settings {
  apiKey: string | null;
  baseUrl: string;
  /** `null` follows the browser's language. */
  locale: Locale | null;
}
