/**
 * Which messages of a branch go into a request: the person's standing choice per conversation
 * (all of them, the last N, or as many recent ones as fit the model's context window) and the
 * check before sending that the request fits at all.
 *
 * Decisions:
 * - System messages (the system prompt and any system-role message of the branch) are always
 *   sent: they carry the instructions the rest depends on. Only user and assistant messages are
 *   left out, always the oldest first, so what is sent is a recent stretch of the conversation.
 * - The newest message is always sent, even when it alone does not fit: a request without the
 *   question makes no sense, and the API's own answer (context too long) then says so.
 * - Counting is the caller's: this module takes a token count per message as sent (per-message
 *   overhead included) and the prompt's limit, so it is pure and the preview and Send, which
 *   pass the same numbers, always agree.
 * - Counts here are estimates (`approxTokens`): the model's own tokenizer runs in a worker and
 *   cannot answer synchronously, and the body must be built synchronously for the preview. The
 *   estimate leans high for text that tokenizes densely (Chinese, Japanese, Korean: one token a
 *   character) so Fit rather sends a message fewer than one too many.
 */
import type { ModelInfo } from '../models/types';
import { buildChatRequest, isSendable, type ChatRequestBody } from './request';
import type { ChatParams, ContextChoice, ContextMode, Message, Role } from './types';

export type { ContextChoice, ContextMode } from './types';
export const CONTEXT_MODES: readonly ContextMode[] = ['all', 'last', 'fit'];

export const DEFAULT_LAST_COUNT = 10;
export const LAST_COUNT_MAX = 100_000;
export const ALL_MESSAGES: Readonly<ContextChoice> = Object.freeze({
  mode: 'all',
  lastCount: DEFAULT_LAST_COUNT,
});

/** Tokens every message costs besides its role and content, and the reply's priming (OpenAI's count). */
const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * A quick token estimate of a text: about four characters a token for alphabetic scripts (what
 * OpenAI's guidance and the rate limiter use), one a character for CJK scripts, which BPE
 * encodings split about that finely.
 */
export function approxTokens(text: string): number {
  let dense = 0;
  for (let index = 0; index < text.length; index += 1) {
    // U+2E80 onwards: CJK radicals, kana, hangul, ideographs and full-width forms.
    if (text.charCodeAt(index) >= 0x2e80) dense += 1;
  }
  return dense + Math.ceil((text.length - dense) / 4);
}

/** The estimated tokens of one message as sent: its content, its role and the per-message overhead. */
export function approxMessageTokens(message: { role: string; content: string }): number {
  return TOKENS_PER_MESSAGE + 1 + approxTokens(message.content);
}

/**
 * How many prompt tokens a request may carry: the context window less the reply's max tokens and
 * the reply's priming, and no more than the model's own input cap. Null when the window is unknown
 * (nothing is checked then).
 */
export function promptLimit(
  contextWindow: number | null,
  maxTokens: number | null,
  maxInputTokens: number | null = null,
): number | null {
  if (contextWindow === null) return null;
  const limit = contextWindow - (maxTokens ?? 0) - REPLY_PRIMING_TOKENS;
  return maxInputTokens === null ? limit : Math.min(limit, maxInputTokens);
}

export interface ContextInput {
  /** The branch's sendable messages in order (the system prompt not among them). */
  messages: readonly { role: Role }[];
  /** Tokens of each of `messages` as sent, overhead included. */
  tokens: readonly number[];
  /** Tokens sent whatever is chosen: the system prompt. */
  fixedTokens: number;
  /** What the prompt may carry (promptLimit); null: unknown, nothing is left out to fit it. */
  limit: number | null;
  choice: ContextChoice;
}

export interface ContextSelection {
  /** Indices into `messages` of those sent, in order. */
  sent: number[];
  /** How many messages are left out. */
  omitted: number;
  /** Estimated prompt tokens of what is sent. */
  tokens: number;
  /** Whether what is sent fits the limit (true when the limit is unknown). */
  fits: boolean;
}

export function selectContext(input: ContextInput): ContextSelection {
  const { messages, tokens, fixedTokens, limit, choice } = input;
  const count = (index: number) => tokens[index] ?? 0;
  const isSystem = (index: number) => messages[index]?.role === 'system';
  const kept = new Set<number>();
  let used = fixedTokens;
  // System messages first: they are sent whatever else is left out.
  messages.forEach((_, index) => {
    if (isSystem(index)) {
      kept.add(index);
      used += count(index);
    }
  });
  if (choice.mode === 'all') {
    messages.forEach((_, index) => {
      if (!isSystem(index)) {
        kept.add(index);
        used += count(index);
      }
    });
  } else {
    const wanted = choice.mode === 'last' ? Math.max(1, Math.floor(choice.lastCount)) : Infinity;
    let taken = 0;
    for (let index = messages.length - 1; index >= 0 && taken < wanted; index -= 1) {
      if (isSystem(index)) continue;
      const isNewest = taken === 0;
      // Fit stops at the first message that would not fit: what is sent stays one recent stretch.
      if (choice.mode === 'fit' && !isNewest && limit !== null && used + count(index) > limit) {
        break;
      }
      kept.add(index);
      used += count(index);
      taken += 1;
    }
  }
  const sent = messages.map((_, index) => index).filter((index) => kept.has(index));
  return {
    sent,
    omitted: messages.length - sent.length,
    tokens: used,
    fits: limit === null || used <= limit,
  };
}

/** A stored choice read defensively: anything unreadable is "all messages". */
export function readContextChoice(value: unknown): ContextChoice | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { mode, lastCount } = value as Record<string, unknown>;
  if (mode !== 'all' && mode !== 'last' && mode !== 'fit') return undefined;
  const isCount =
    typeof lastCount === 'number' &&
    Number.isInteger(lastCount) &&
    lastCount >= 1 &&
    lastCount <= LAST_COUNT_MAX;
  return { mode, lastCount: isCount ? lastCount : DEFAULT_LAST_COUNT };
}

/** The text typed into `Last messages` as a count, or null when it is not one. */
export function parseLastCount(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 1 && value <= LAST_COUNT_MAX ? value : null;
}

/** A message of the history to send: a stored one (with its id) or the draft (without). */
export type HistoryEntry = Pick<Message, 'role' | 'content'> & { id?: string };

/** What a request sends, and what the context choice leaves out of the branch for it. */
export interface PlannedRequest {
  body: ChatRequestBody;
  /** Messages of the branch left out. */
  omitted: number;
  /**
   * The first message sent after the left-out ones (the transcript's separator goes before it);
   * null when none are left out, or only the draft follows them.
   */
  firstSentId: string | null;
  /** Estimated prompt tokens, and what the context window leaves for them (null: unknown). */
  tokens: number;
  limit: number | null;
  /** False when the request would not fit the context window (minus the reply's max tokens). */
  fits: boolean;
}

export interface PlanInput {
  systemPrompt: string;
  params: ChatParams;
  history: readonly HistoryEntry[];
  info: ModelInfo;
  choice: ContextChoice;
  /** Tokens of one message as sent (a cache of `approxMessageTokens`). */
  tokensOf?: (message: HistoryEntry) => number;
}

/**
 * The body for `history` under `choice`: the one function the preview and Send share. The window
 * is the `Context window` the person set, else the model's.
 */
export function planRequest(input: PlanInput): PlannedRequest {
  const { systemPrompt, params, info, choice, tokensOf = approxMessageTokens } = input;
  const sendable = input.history.filter(isSendable);
  const limit = promptLimit(
    params.contextWindow ?? info.contextWindow,
    params.maxTokens,
    info.maxInputTokens ?? null,
  );
  const selection = selectContext({
    messages: sendable,
    tokens: sendable.map(tokensOf),
    fixedTokens:
      systemPrompt.trim() === ''
        ? 0
        : approxMessageTokens({ role: 'system', content: systemPrompt }),
    limit,
    choice,
  });
  const sent = selection.sent.map((index) => sendable[index]).filter((m) => m !== undefined);
  const firstSent = selection.omitted > 0 ? sent.find((m) => m.role !== 'system') : undefined;
  return {
    body: buildChatRequest(systemPrompt, params, sent, info),
    omitted: selection.omitted,
    firstSentId: firstSent?.id ?? null,
    tokens: selection.tokens,
    limit,
    fits: selection.fits,
  };
}
