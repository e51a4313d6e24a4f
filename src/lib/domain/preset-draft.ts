/**
 * The preset editor (Manage presets): its text fields, read from a preset and checked back into
 * the changes to save, by the parameters form's own rules (params.ts). Apart from presets.ts,
 * which the first screen uses: the editor and the form's rules load with the dialog.
 */
import { DEFAULT_PARAMS } from './defaults';
import { draftFromParams, parseParams } from './params';
import type { PresetChanges } from './presets';
import type { ChatParams, Preset } from './types';

/**
 * The preset editor's text. An empty model or system prompt means the preset leaves the chat's
 * own alone; an empty max tokens means no limit, as in the parameters form.
 */
export interface PresetDraft {
  name: string;
  model: string;
  temperature: string;
  maxTokens: string;
  systemPrompt: string;
}

export type PresetDraftField = Exclude<keyof PresetDraft, 'systemPrompt'>;

export function draftFromPreset(preset: Preset): PresetDraft {
  const { model, temperature, maxTokens } = preset.params;
  return {
    name: preset.name,
    model: model ?? '',
    temperature: temperature === undefined ? '' : String(temperature),
    maxTokens: maxTokens === undefined || maxTokens === null ? '' : String(maxTokens),
    systemPrompt: preset.systemPrompt ?? '',
  };
}

/**
 * Checks the editor's fields by the parameters form's own rules (params.ts) and yields the
 * changes: the preset's other parameters are kept as they are.
 */
export function parsePresetDraft(
  preset: Preset,
  draft: PresetDraft,
):
  | { ok: true; changes: PresetChanges }
  | { ok: false; errors: Partial<Record<PresetDraftField, true>> } {
  const name = draft.name.trim();
  const model = draft.model.trim();
  // Only the three edited fields come from the draft; the rest are defaults, valid by definition.
  const parsed = parseParams({
    ...draftFromParams(DEFAULT_PARAMS),
    model: model === '' ? DEFAULT_PARAMS.model : model,
    temperature: draft.temperature,
    maxTokens: draft.maxTokens,
  });
  const errors: Partial<Record<PresetDraftField, true>> = {};
  if (name === '') errors.name = true;
  if (!parsed.ok) {
    for (const field of ['model', 'temperature', 'maxTokens'] as const) {
      if (parsed.errors[field]) errors[field] = true;
    }
  }
  if (!parsed.ok || name === '') return { ok: false, errors };
  const params: Partial<ChatParams> = {
    ...preset.params,
    temperature: parsed.params.temperature,
    maxTokens: parsed.params.maxTokens,
  };
  if (model === '') delete params.model;
  else params.model = model;
  const systemPrompt = draft.systemPrompt === '' ? undefined : draft.systemPrompt;
  return {
    ok: true,
    changes: { name, params, ...(systemPrompt === undefined ? {} : { systemPrompt }) },
  };
}
