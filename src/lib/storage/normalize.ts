/**
 * Normalise on read. Whatever is on disk (written by an older Parley, or imported from a file)
 * becomes a well-typed record: missing or mistyped fields get their defaults, and fields this
 * version does not know are kept, so a record round-trips through an older tab without losing
 * what a newer one wrote. Pure functions; they never write back.
 *
 * Normalising is not interpreting: a message stored as `streaming` stays `streaming` here, since
 * another tab may really be streaming it. Showing an abandoned one as `interrupted` is for state.
 */
import type {
  ApiErrorKind,
  ChatParams,
  Conversation,
  Locale,
  Message,
  MessageError,
  MessageStatus,
  Role,
  Settings,
  Usage,
} from '../domain/types';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { StoredConversation, StoredMessage, StoredSettings } from './schema';

// The closed unions of types.ts as lookup tables. `satisfies Record<Union, true>` stops compiling
// when a union gains or loses a member, so these cannot drift from the types.
const ROLES = { system: true, user: true, assistant: true } satisfies Record<Role, true>;
const STATUSES = {
  complete: true,
  streaming: true,
  stopped: true,
  interrupted: true,
  error: true,
} satisfies Record<MessageStatus, true>;
const API_ERROR_KINDS = {
  auth: true,
  permission: true,
  not_found: true,
  rate_limit: true,
  quota: true,
  context_length: true,
  bad_request: true,
  server: true,
  network: true,
  incomplete: true,
  aborted: true,
} satisfies Record<ApiErrorKind, true>;
const LOCALES = { en: true, 'zh-CN': true } satisfies Record<Locale, true>;

/** An error kind this version does not know (written by a newer Parley) reads as this one. */
const FALLBACK_ERROR_KIND: ApiErrorKind = 'server';

export function normalizeConversation(stored: StoredConversation): Conversation {
  const createdAt = finite(stored.createdAt) ?? finite(stored.updatedAt) ?? 0;
  return {
    ...stored,
    title: string(stored.title) ?? '',
    isTitleCustom: boolean(stored.isTitleCustom) ?? false,
    systemPrompt: string(stored.systemPrompt) ?? DEFAULT_SYSTEM_PROMPT,
    params: normalizeParams(stored.params),
    createdAt,
    updatedAt: finite(stored.updatedAt) ?? createdAt,
    currentLeafId: string(stored.currentLeafId) ?? null,
  };
}

export function normalizeMessage(stored: StoredMessage): Message {
  const { model, finishReason, usage, error, ...rest } = stored;
  const createdAt = finite(stored.createdAt) ?? 0;
  const message: Message = {
    ...rest,
    conversationId: string(stored.conversationId) ?? '',
    parentId: string(stored.parentId) ?? null,
    role: member(ROLES, stored.role) ?? 'user',
    content: string(stored.content) ?? '',
    status: member(STATUSES, stored.status) ?? 'complete',
    createdAt,
    updatedAt: finite(stored.updatedAt) ?? createdAt,
  };
  // Optional fields are set only when valid, so an absent field stays absent (not `undefined`).
  const validModel = string(model);
  if (validModel !== undefined) message.model = validModel;
  if (typeof finishReason === 'string' || finishReason === null)
    message.finishReason = finishReason;
  const validUsage = normalizeUsage(usage);
  if (validUsage) message.usage = validUsage;
  const validError = normalizeError(error);
  if (validError) message.error = validError;
  return message;
}

export function normalizeSettings(stored: StoredSettings = {}): Settings {
  return {
    ...stored,
    apiKey: string(stored.apiKey) ?? DEFAULT_SETTINGS.apiKey,
    baseUrl: nonEmptyString(stored.baseUrl) ?? DEFAULT_SETTINGS.baseUrl,
    locale: member(LOCALES, stored.locale) ?? DEFAULT_SETTINGS.locale,
  };
}

function normalizeParams(value: unknown): ChatParams {
  const params = object(value) ?? {};
  return {
    ...params,
    model: nonEmptyString(params.model) ?? DEFAULT_PARAMS.model,
    temperature: finite(params.temperature) ?? DEFAULT_PARAMS.temperature,
    maxTokens: finite(params.maxTokens) ?? DEFAULT_PARAMS.maxTokens,
  };
}

function normalizeUsage(value: unknown): Usage | undefined {
  const usage = object(value);
  if (!usage) return undefined;
  const promptTokens = finite(usage.promptTokens) ?? 0;
  const completionTokens = finite(usage.completionTokens) ?? 0;
  return {
    ...usage,
    promptTokens,
    completionTokens,
    totalTokens: finite(usage.totalTokens) ?? promptTokens + completionTokens,
  };
}

function normalizeError(value: unknown): MessageError | undefined {
  const error = object(value);
  if (!error) return undefined;
  const { detail, status, ...rest } = error;
  const normalized: MessageError = {
    ...rest,
    kind: member(API_ERROR_KINDS, error.kind) ?? FALLBACK_ERROR_KIND,
  };
  const validDetail = string(detail);
  if (validDetail !== undefined) normalized.detail = validDetail;
  const validStatus = finite(status);
  if (validStatus !== undefined) normalized.status = validStatus;
  return normalized;
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function boolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `value` if it is a member of the union `table` stands for. */
function member<T extends string>(table: Record<T, true>, value: unknown): T | undefined {
  return typeof value === 'string' && Object.hasOwn(table, value) ? (value as T) : undefined;
}
