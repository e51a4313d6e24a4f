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
  EncryptedKey,
  KeyMode,
  Locale,
  Message,
  MessageError,
  MessageNote,
  MessageNoteKind,
  MessageStatus,
  Preset,
  Provider,
  ReasoningEffort,
  ResponseFormat,
  Role,
  Settings,
  Theme,
  Usage,
} from '../domain/types';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import { apiVersionProblem } from '../domain/settings';
import { readContextChoice } from '../domain/context';
import type { Draft } from '../domain/draft';
import type {
  StoredConversation,
  StoredDraft,
  StoredMessage,
  StoredPreset,
  StoredSettings,
} from './schema';

// The closed unions of types.ts as lookup tables. `satisfies Record<Union, true>` stops compiling
// when a union gains or loses a member, so these cannot drift from the types.
const ROLES = { system: true, user: true, assistant: true } satisfies Record<Role, true>;
const KEY_MODES = { browser: true, passphrase: true, session: true } satisfies Record<
  KeyMode,
  true
>;
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
const THEMES = { system: true, light: true, dark: true } satisfies Record<Theme, true>;
const PROVIDERS = { openai: true, azure: true } satisfies Record<Provider, true>;
const RESPONSE_FORMATS = { text: true, json_object: true } satisfies Record<ResponseFormat, true>;
const REASONING_EFFORTS = {
  minimal: true,
  low: true,
  medium: true,
  high: true,
} satisfies Record<ReasoningEffort, true>;

type Reader<T> = (value: unknown) => T | undefined;

/**
 * One reader per parameter: the value if it has the right type, else `undefined`. Ranges are not
 * checked here: an out-of-range value (imported, or from a newer version with wider limits) is
 * kept, and the parameters form flags it before anything is sent. Typed as a mapped type, so a
 * parameter added to ChatParams does not compile until it has a reader.
 */
const PARAM_READERS: { [K in keyof ChatParams]-?: Reader<ChatParams[K]> } = {
  model: nonEmptyString,
  temperature: finite,
  maxTokens: nullable(positiveInteger),
  topP: nullable(finite),
  n: positiveInteger,
  stop: strings,
  presencePenalty: nullable(finite),
  frequencyPenalty: nullable(finite),
  seed: nullable(safeInteger),
  responseFormat: (value) => member(RESPONSE_FORMATS, value),
  reasoningEffort: nullable((value) => member(REASONING_EFFORTS, value)),
  contextWindow: nullable(positiveInteger),
};

/** An error kind this version does not know (written by a newer Parley) reads as this one. */
const FALLBACK_ERROR_KIND: ApiErrorKind = 'server';

export function normalizeConversation(stored: StoredConversation): Conversation {
  const createdAt = finite(stored.createdAt) ?? finite(stored.updatedAt) ?? 0;
  // A pin is `true` or absent (types.ts); anything else stored there reads as not pinned.
  const { isPinned, context: storedContext, ...rest } = stored;
  // Absent or unreadable (older records, hand-written files): all messages are sent.
  const context = readContextChoice(storedContext);
  return {
    ...rest,
    ...(isPinned === true ? { isPinned } : {}),
    ...(context ? { context } : {}),
    title: string(stored.title) ?? '',
    isTitleCustom: boolean(stored.isTitleCustom) ?? false,
    systemPrompt: string(stored.systemPrompt) ?? DEFAULT_SYSTEM_PROMPT,
    params: normalizeParams(stored.params),
    createdAt,
    updatedAt: finite(stored.updatedAt) ?? createdAt,
    currentLeafId: string(stored.currentLeafId) ?? null,
    presetId: nonEmptyString(stored.presetId) ?? null,
  };
}

export function normalizeMessage(stored: StoredMessage): Message {
  const {
    model,
    finishReason,
    stopSequences,
    matchedStop,
    choiceIndex,
    choiceCount,
    usage,
    error,
    notes,
    reasoning,
    isRefusal,
    ...rest
  } = stored;
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
  const validStops = strings(stopSequences);
  if (validStops !== undefined) message.stopSequences = validStops;
  const validMatch = string(matchedStop);
  if (validMatch !== undefined) message.matchedStop = validMatch;
  const validIndex = safeInteger(choiceIndex);
  if (validIndex !== undefined && validIndex >= 0) message.choiceIndex = validIndex;
  const validCount = positiveInteger(choiceCount);
  if (validCount !== undefined) message.choiceCount = validCount;
  const validUsage = normalizeUsage(usage);
  if (validUsage) message.usage = validUsage;
  const validError = normalizeError(error);
  if (validError) message.error = validError;
  const validNotes = normalizeNotes(notes);
  if (validNotes) message.notes = validNotes;
  const validReasoning = nonEmptyString(reasoning);
  if (validReasoning !== undefined) message.reasoning = validReasoning;
  if (isRefusal === true) message.isRefusal = true;
  return message;
}

const NOTE_KINDS = { tool: true, attachment: true } satisfies Record<MessageNoteKind, true>;

/** Notes of an imported message (types.ts `MessageNote`); malformed entries are left out. */
function normalizeNotes(value: unknown): MessageNote[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const notes = value.flatMap((item: unknown): MessageNote[] => {
    if (typeof item !== 'object' || item === null) return [];
    const { kind, label, text } = item as Record<string, unknown>;
    const validKind = member(NOTE_KINDS, kind);
    if (!validKind || typeof label !== 'string' || typeof text !== 'string') return [];
    return [{ kind: validKind, label, text }];
  });
  return notes.length > 0 ? notes : undefined;
}

export function normalizeSettings(stored: StoredSettings = {}): Settings {
  return {
    ...stored,
    apiKey: string(stored.apiKey) ?? DEFAULT_SETTINGS.apiKey,
    baseUrl: nonEmptyString(stored.baseUrl) ?? DEFAULT_SETTINGS.baseUrl,
    provider: member(PROVIDERS, stored.provider) ?? DEFAULT_SETTINGS.provider,
    azureApiVersion: azureApiVersion(stored.azureApiVersion),
    locale: member(LOCALES, stored.locale) ?? DEFAULT_SETTINGS.locale,
    organization: nonEmptyString(stored.organization) ?? DEFAULT_SETTINGS.organization,
    project: nonEmptyString(stored.project) ?? DEFAULT_SETTINGS.project,
    defaultPresetId: nonEmptyString(stored.defaultPresetId) ?? DEFAULT_SETTINGS.defaultPresetId,
    requestsPerMinute: positiveInteger(stored.requestsPerMinute) ?? null,
    tokensPerMinute: positiveInteger(stored.tokensPerMinute) ?? null,
    encryptedKey: encryptedKey(stored.encryptedKey),
    keyMode: member(KEY_MODES, stored.keyMode),
    theme: member(THEMES, stored.theme) ?? DEFAULT_SETTINGS.theme,
    isAutoTitleOn: boolean(stored.isAutoTitleOn) ?? DEFAULT_SETTINGS.isAutoTitleOn,
    titleModel: nonEmptyString(string(stored.titleModel)?.trim()) ?? DEFAULT_SETTINGS.titleModel,
  };
}

/** Only a version Settings would accept: anything else would fail every request to Azure. */
function azureApiVersion(value: unknown): string | null {
  const version = string(value);
  return version !== undefined && apiVersionProblem(version) === null
    ? version.trim()
    : DEFAULT_SETTINGS.azureApiVersion;
}

/** A stored encrypted key is usable only whole: a damaged one reads as none (never half-used). */
function encryptedKey(value: unknown): EncryptedKey | null {
  const record = object(value);
  if (!record) return null;
  const ciphertext = nonEmptyString(record.ciphertext);
  const iv = nonEmptyString(record.iv);
  const salt = nonEmptyString(record.salt);
  const iterations = positiveInteger(record.iterations);
  if (ciphertext === undefined || iv === undefined || salt === undefined) return null;
  if (iterations === undefined) return null;
  return { ciphertext, iv, salt, iterations };
}

/**
 * A preset holds only the parameters it sets, so a mistyped one is dropped (the preset then
 * leaves that parameter alone) rather than replaced by a default it never set.
 */
export function normalizePreset(stored: StoredPreset): Preset {
  const { systemPrompt, ...rest } = stored;
  const createdAt = finite(stored.createdAt) ?? finite(stored.updatedAt) ?? 0;
  const preset: Preset = {
    ...rest,
    name: string(stored.name) ?? '',
    params: normalizePartialParams(stored.params),
    createdAt,
    updatedAt: finite(stored.updatedAt) ?? createdAt,
  };
  const validPrompt = string(systemPrompt);
  if (validPrompt !== undefined) preset.systemPrompt = validPrompt;
  return preset;
}

export function normalizeDraft(stored: StoredDraft): Draft {
  return {
    ...stored,
    text: string(stored.text) ?? '',
    updatedAt: finite(stored.updatedAt) ?? 0,
  };
}

function normalizeParams(value: unknown): ChatParams {
  // The defaults' `stop` array is copied: a shared array would let one record's edit leak into all.
  return { ...DEFAULT_PARAMS, stop: [...DEFAULT_PARAMS.stop], ...normalizePartialParams(value) };
}

/** Known parameters that read as valid, plus unknown fields as they are; the rest is dropped. */
function normalizePartialParams(value: unknown): Partial<ChatParams> {
  const entries = Object.entries(object(value) ?? {}).flatMap(
    ([key, field]): [string, unknown][] => {
      if (!isParamKey(key)) return [[key, field]];
      const read = PARAM_READERS[key](field);
      return read === undefined ? [] : [[key, read]];
    },
  );
  return Object.fromEntries(entries);
}

function isParamKey(key: string): key is keyof ChatParams {
  return Object.hasOwn(PARAM_READERS, key);
}

function normalizeUsage(value: unknown): Usage | undefined {
  const usage = object(value);
  if (!usage) return undefined;
  const promptTokens = finite(usage.promptTokens) ?? 0;
  const completionTokens = finite(usage.completionTokens) ?? 0;
  const { reasoningTokens, cachedTokens, ...rest } = usage;
  const normalized: Usage = {
    ...rest,
    promptTokens,
    completionTokens,
    totalTokens: finite(usage.totalTokens) ?? promptTokens + completionTokens,
  };
  const validReasoning = finite(reasoningTokens);
  if (validReasoning !== undefined && validReasoning >= 0) {
    normalized.reasoningTokens = validReasoning;
  }
  const validCached = finite(cachedTokens);
  if (validCached !== undefined && validCached >= 0) normalized.cachedTokens = validCached;
  return normalized;
}

function normalizeError(value: unknown): MessageError | undefined {
  const error = object(value);
  if (!error) return undefined;
  const { detail, status, code, ...rest } = error;
  const normalized: MessageError = {
    ...rest,
    kind: member(API_ERROR_KINDS, error.kind) ?? FALLBACK_ERROR_KIND,
  };
  const validDetail = string(detail);
  if (validDetail !== undefined) normalized.detail = validDetail;
  const validCode = nonEmptyString(code);
  if (validCode !== undefined) normalized.code = validCode;
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

function safeInteger(value: unknown): number | undefined {
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  const integer = safeInteger(value);
  return integer !== undefined && integer >= 1 ? integer : undefined;
}

/** A copy of an array of strings; anything else (or an array holding non-strings) is invalid. */
function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? [...value]
    : undefined;
}

/** `read`, but `null` is a valid value too (a parameter left out of the request). */
function nullable<T>(read: Reader<T>): Reader<T | null> {
  return (value) => (value === null ? null : read(value));
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
