/**
 * What a finished reply says about how it ended, as i18n keys and values, so that no reply is an
 * empty bubble: providers end replies with `tool_calls`, `function_call`, `content_filter`,
 * `error` or finish reasons of their own, or with no text at all (a reasoning model that spent
 * every token thinking), and each needs words a person understands. Pure, so every case is unit
 * tested; MessageView turns a Note into text with `t(note.key, note.values)`.
 */
import type { ApiErrorKind, Message, MessageError, Usage } from '../../domain/types';
import type { MessageKey } from '../../i18n/en';

export interface Note {
  key: MessageKey;
  values?: Record<string, string | number>;
}

export type FinishSource = Pick<
  Message,
  | 'status'
  | 'content'
  | 'finishReason'
  | 'reasoning'
  | 'isRefusal'
  | 'matchedStop'
  | 'stopSequences'
>;

/** Finish reasons that mean the model ended on its own (OpenAI's, and providers' own words). */
const NATURAL = new Set(['stop', 'eos', 'end_turn', 'stop_sequence']);
/** The output limit ran out (vLLM says `model_length` when the context window did). */
const LIMIT = new Set(['length', 'max_tokens', 'model_length']);
/** A filter withheld text (Gemini's OpenAI endpoint passes its own reasons through). */
const FILTERED = new Set(['content_filter', 'safety', 'recitation', 'prohibited_content']);
const TOOLS = new Set(['tool_calls', 'function_call']);

/** How a complete reply ended, or null when there is nothing to add to its text. */
export function finishNote(message: FinishSource): Note | null {
  if (message.status !== 'complete') return null;
  if (message.isRefusal === true) return { key: 'message.refusal' };
  const reason = message.finishReason ?? null;
  const hasText = message.content.trim() !== '';
  const hasReasoning = (message.reasoning ?? '').trim() !== '';
  const noText: Note = { key: hasReasoning ? 'message.emptyReasoningOnly' : 'message.empty' };
  if (reason === null || NATURAL.has(reason)) {
    if (!hasText) return noText;
    return reason === null ? null : stopNote(message);
  }
  if (LIMIT.has(reason)) {
    return {
      key: !hasText && hasReasoning ? 'message.finish.lengthReasoning' : 'message.finish.length',
    };
  }
  if (FILTERED.has(reason)) {
    return { key: hasText ? 'message.finish.content_filter' : 'message.finish.contentFilterEmpty' };
  }
  if (TOOLS.has(reason)) return { key: 'message.finish.toolCalls', values: { reason } };
  // OpenRouter's finish when the provider failed mid-reply.
  if (reason === 'error') return { key: 'message.finish.error' };
  // DeepSeek's, when it ran out of capacity.
  if (reason === 'insufficient_system_resource') return { key: 'message.finish.resources' };
  return {
    key: hasText ? 'message.finish.other' : 'message.finish.otherEmpty',
    values: { reason },
  };
}

/**
 * OpenAI does not say which stop sequence matched, only that the reply stopped; name the one a
 * provider reports, and otherwise the ones that may have ended it.
 */
function stopNote(message: FinishSource): Note | null {
  if (message.matchedStop !== undefined) {
    return { key: 'message.stopSequence', values: { sequence: visible(message.matchedStop) } };
  }
  const sequences = message.stopSequences ?? [];
  if (sequences.length === 0) return null;
  return {
    key: 'message.stopMaybe',
    values: { sequences: sequences.map((s) => `“${visible(s)}”`).join(', ') },
  };
}

function visible(sequence: string): string {
  return sequence.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/**
 * The usage line's pieces: the token counts, then reasoning and cached tokens where the API
 * reported them. `format` is the locale's number format (i18n `formatNumber`). Join the texts.
 */
export function usageNotes(usage: Usage, format: (value: number) => string): Note[] {
  const notes: Note[] = [
    {
      key: 'message.usage',
      values: {
        prompt: format(usage.promptTokens),
        completion: format(usage.completionTokens),
        total: format(usage.totalTokens),
      },
    },
  ];
  if (usage.reasoningTokens) {
    notes.push({
      key: 'message.usageReasoning',
      values: { reasoning: format(usage.reasoningTokens) },
    });
  }
  if (usage.cachedTokens) {
    notes.push({ key: 'message.usageCached', values: { cached: format(usage.cachedTokens) } });
  }
  return notes;
}

const ERROR_TEXT: Record<ApiErrorKind, MessageKey> = {
  auth: 'error.auth',
  permission: 'error.permission',
  not_found: 'error.not_found',
  rate_limit: 'error.rate_limit',
  quota: 'error.quota',
  context_length: 'error.context_length',
  bad_request: 'error.bad_request',
  server: 'error.server',
  network: 'error.network',
  incomplete: 'error.incomplete',
  aborted: 'error.aborted',
};

/**
 * The words for a stored failure: by kind, except where its `code` needs words of its own (a
 * refused redirect is a `bad_request` that no parameter can fix). Values: `model`, `wait`.
 */
export function errorTextKey(error: MessageError): MessageKey {
  // lib/api/errors.ts REDIRECT_CODE; components may not import lib/api.
  if (error.code === 'redirect') return 'error.redirect';
  return ERROR_TEXT[error.kind];
}
