/**
 * The parameters form works on text (what the person typed); this turns it into ChatParams or
 * names what is wrong with each field. Nothing invalid ever reaches a request.
 */
import type { ChatParams } from './types';

export interface ParamsDraft {
  model: string;
  temperature: string;
  maxTokens: string;
}

export type ParamsField = keyof ParamsDraft;
export type ParamsErrors = Partial<Record<ParamsField, true>>;

export const TEMPERATURE_MIN = 0;
export const TEMPERATURE_MAX = 2;

export function draftFromParams(params: ChatParams): ParamsDraft {
  return {
    model: params.model,
    temperature: String(params.temperature),
    maxTokens: params.maxTokens === null ? '' : String(params.maxTokens),
  };
}

/** A finite number written in plain decimal notation ("0.7", "1", "-0"), nothing looser. */
function decimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(trimmed)) return null;
  return Number(trimmed);
}

export function parseParams(
  draft: ParamsDraft,
): { ok: true; params: ChatParams } | { ok: false; errors: ParamsErrors } {
  const errors: ParamsErrors = {};
  const model = draft.model.trim();
  if (model === '' || /\s/.test(model)) errors.model = true;

  const temperature = decimal(draft.temperature);
  if (temperature === null || temperature < TEMPERATURE_MIN || temperature > TEMPERATURE_MAX) {
    errors.temperature = true;
  }

  let maxTokens: number | null = null;
  if (draft.maxTokens.trim() !== '') {
    const value = decimal(draft.maxTokens);
    if (value === null || !Number.isSafeInteger(value) || value < 1) errors.maxTokens = true;
    else maxTokens = value;
  }

  if (Object.keys(errors).length > 0 || temperature === null) return { ok: false, errors };
  return { ok: true, params: { model, temperature, maxTokens } };
}
