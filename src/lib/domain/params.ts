/**
 * The parameters form works on text (what the person typed); this turns it into ChatParams or
 * says, per field, what is wrong. Nothing invalid ever reaches a request.
 *
 * Limits follow the Chat Completions reference (openai/openai-openapi): temperature 0–2, top_p
 * 0–1, penalties −2–2, n 1–8 (Parley's cap; the API allows up to 128), up to 4 stop sequences, and
 * max tokens at most the model's output limit when the catalog knows it.
 */
import type { ModelInfo } from '../models/types';
import type { ChatParams, ReasoningEffort, ResponseFormat } from './types';

export const STOP_SLOTS = 4;
export const N_MAX = 8;
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];
export const RESPONSE_FORMATS: readonly ResponseFormat[] = ['text', 'json_object'];

export interface ParamsDraft {
  model: string;
  temperature: string;
  maxTokens: string;
  topP: string;
  n: string;
  /** Always STOP_SLOTS entries; `\n` and `\t` typed as two characters mean a line break / tab. */
  stop: string[];
  presencePenalty: string;
  frequencyPenalty: string;
  seed: string;
  responseFormat: ResponseFormat;
  reasoningEffort: ReasoningEffort | '';
  contextWindow: string;
}

export type ParamsField = Exclude<keyof ParamsDraft, 'responseFormat' | 'reasoningEffort' | 'stop'>;

/** What is wrong with a field, for the form to put in words. */
export type ParamsProblem =
  | { code: 'required' }
  | { code: 'model' }
  | { code: 'range'; min: number; max: number }
  | { code: 'integer-range'; min: number; max: number }
  | { code: 'integer' }
  | { code: 'max-output'; max: number };

export type ParamsErrors = Partial<Record<ParamsField, ParamsProblem>>;

export type ParseResult = { ok: true; params: ChatParams } | { ok: false; errors: ParamsErrors };

const RANGES = {
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  presencePenalty: { min: -2, max: 2 },
  frequencyPenalty: { min: -2, max: 2 },
} as const;

function numberText(value: number | null): string {
  return value === null ? '' : String(value);
}

/** `\n` and `\t` as typed, so a stop sequence can hold a line break in a one-line field. */
export function escapeStop(sequence: string): string {
  return sequence.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

export function unescapeStop(text: string): string {
  return text.replace(/\\(\\|n|t)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : '\\',
  );
}

export function draftFromParams(params: ChatParams): ParamsDraft {
  const stop = params.stop.map(escapeStop);
  while (stop.length < STOP_SLOTS) stop.push('');
  return {
    model: params.model,
    temperature: String(params.temperature),
    maxTokens: numberText(params.maxTokens),
    topP: numberText(params.topP),
    n: String(params.n),
    stop: stop.slice(0, STOP_SLOTS),
    presencePenalty: numberText(params.presencePenalty),
    frequencyPenalty: numberText(params.frequencyPenalty),
    seed: numberText(params.seed),
    responseFormat: params.responseFormat,
    reasoningEffort: params.reasoningEffort ?? '',
    contextWindow: numberText(params.contextWindow),
  };
}

/** A finite number written in plain decimal notation ("0.7", "1", "-0"), nothing looser. */
function decimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(trimmed)) return null;
  return Number(trimmed);
}

function integer(text: string): number | null {
  const value = decimal(text);
  return value !== null && Number.isSafeInteger(value) && /^-?\d+$/.test(text.trim())
    ? value
    : null;
}

/** Collects values and problems field by field; `finish` yields the result. */
class Parser {
  readonly errors: ParamsErrors = {};

  /**
   * A number within its range. `isChecked` false (the model does not take the parameter): keep a
   * valid value for when the model changes back, drop an invalid one, and complain about neither.
   */
  ranged(field: keyof typeof RANGES, text: string, isOptional: boolean, isChecked: boolean) {
    const { min, max } = RANGES[field];
    const value = decimal(text);
    const isValid = value !== null && value >= min && value <= max;
    const isMissing = text.trim() === '';
    if (isChecked && ((isMissing && !isOptional) || (!isMissing && !isValid))) {
      this.errors[field] = { code: 'range', min, max };
    }
    return isValid ? value : null;
  }

  count(field: 'maxTokens' | 'n' | 'contextWindow', text: string, min: number, max: number) {
    if (text.trim() === '') return null;
    const value = integer(text);
    if (value === null || value < min || value > max) {
      this.errors[field] = { code: 'integer-range', min, max };
      return null;
    }
    return value;
  }
}

/**
 * Parses the draft. `info` describes the chosen model: its output limit bounds max tokens, and a
 * parameter the model does not accept is not validated (the form shows it as not sent).
 */
export function parseParams(draft: ParamsDraft, info?: ModelInfo): ParseResult {
  const parser = new Parser();
  const { errors } = parser;
  const isUnsupported = (name: ModelInfo['unsupported'][number]) =>
    info?.unsupported.includes(name) ?? false;

  const model = draft.model.trim();
  if (model === '') errors.model = { code: 'required' };
  else if (/\s/.test(model)) errors.model = { code: 'model' };

  const temperature =
    parser.ranged('temperature', draft.temperature, false, !isUnsupported('temperature')) ?? 1;
  const topP = parser.ranged('topP', draft.topP, true, !isUnsupported('top_p'));
  const presencePenalty = parser.ranged(
    'presencePenalty',
    draft.presencePenalty,
    true,
    !isUnsupported('presence_penalty'),
  );
  const frequencyPenalty = parser.ranged(
    'frequencyPenalty',
    draft.frequencyPenalty,
    true,
    !isUnsupported('frequency_penalty'),
  );

  const contextWindow = parser.count('contextWindow', draft.contextWindow, 1, 100_000_000);
  const outputLimit = info?.maxOutputTokens ?? info?.contextWindow ?? contextWindow;
  const maxTokens = parser.count('maxTokens', draft.maxTokens, 1, Number.MAX_SAFE_INTEGER);
  if (maxTokens !== null && outputLimit !== null && maxTokens > outputLimit) {
    errors.maxTokens = { code: 'max-output', max: outputLimit };
  }

  let n = 1;
  if (isUnsupported('n')) {
    const value = integer(draft.n);
    n = value !== null && value >= 1 && value <= N_MAX ? value : 1;
  } else if (draft.n.trim() === '') errors.n = { code: 'integer-range', min: 1, max: N_MAX };
  else n = parser.count('n', draft.n, 1, N_MAX) ?? 1;

  const seedText = draft.seed.trim();
  const seed = seedText === '' ? null : integer(seedText);
  if (seedText !== '' && seed === null && !isUnsupported('seed')) errors.seed = { code: 'integer' };

  const stop = draft.stop
    .filter((s) => s !== '')
    .map(unescapeStop)
    .slice(0, STOP_SLOTS);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    params: {
      model,
      temperature,
      maxTokens,
      topP,
      n,
      stop,
      presencePenalty,
      frequencyPenalty,
      seed,
      responseFormat: draft.responseFormat,
      reasoningEffort: draft.reasoningEffort === '' ? null : draft.reasoningEffort,
      contextWindow,
    },
  };
}
