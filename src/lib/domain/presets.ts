/**
 * Presets: saved settings a conversation starts from. A preset sets only the fields it holds and
 * leaves the rest of the conversation alone, so "Precise" changes temperature and max tokens but
 * keeps whichever model the person picked. A conversation remembers the preset last applied
 * (`presetId`); `presetDiffers` tells when its settings have drifted from it since.
 *
 * The built-in presets are code, not records: they never need migrating, cannot be edited or
 * deleted, and their names are translated by the UI (the `name` here is the English fallback).
 */
import type { ChatParams, Conversation, Preset } from './types';

/** The part of a conversation a preset reads and writes (a draft's template has only these). */
export type PresetTarget = Pick<Conversation, 'params' | 'systemPrompt' | 'presetId'>;

/** What the preset editor changes: the name and the settings the preset holds. */
export type PresetChanges = Pick<Preset, 'name' | 'params' | 'systemPrompt'>;

/**
 * Temperature spreads from focused to loose within the range where replies stay coherent (above
 * about 1.5 they drift into noise). Max tokens grows with it: exact answers are short, creative
 * ones need room. 4096 is within every current chat model's output limit.
 */
export const BUILT_IN_PRESETS: readonly Preset[] = Object.freeze([
  builtIn('builtin:precise', 'Precise', 0.2, 1024),
  builtIn('builtin:balanced', 'Balanced', 0.7, 2048),
  builtIn('builtin:creative', 'Creative', 1.2, 4096),
]);

function builtIn(id: string, name: string, temperature: number, maxTokens: number): Preset {
  return Object.freeze({
    id,
    name,
    params: Object.freeze({ temperature, maxTokens }),
    createdAt: 0,
    updatedAt: 0,
  });
}

export function isBuiltIn(id: string): boolean {
  return BUILT_IN_PRESETS.some((preset) => preset.id === id);
}

/**
 * Every parameter a preset can hold. A lookup table typed against ChatParams, so a parameter
 * added there does not compile until it is listed here (and so is saved in presets).
 */
const PARAM_KEYS = Object.keys({
  model: true,
  temperature: true,
  maxTokens: true,
  topP: true,
  n: true,
  stop: true,
  presencePenalty: true,
  frequencyPenalty: true,
  seed: true,
  responseFormat: true,
  reasoningEffort: true,
  contextWindow: true,
} satisfies Record<keyof ChatParams, true>) as (keyof ChatParams)[];

/** The known parameters that are set, `stop` copied; unknown (newer) fields are left out. */
function pickParams(params: Partial<ChatParams>): Partial<ChatParams> {
  const entries = PARAM_KEYS.flatMap((key) => {
    const value = params[key];
    if (value === undefined) return [];
    return [[key, Array.isArray(value) ? [...value] : value]];
  });
  return Object.fromEntries(entries) as Partial<ChatParams>;
}

/** The target with the preset's fields applied and the preset remembered. */
export function applyPreset<T extends PresetTarget>(target: T, preset: Preset): T {
  return {
    ...target,
    params: { ...target.params, stop: [...target.params.stop], ...pickParams(preset.params) },
    systemPrompt: preset.systemPrompt ?? target.systemPrompt,
    presetId: preset.id,
  };
}

/** True when any field the preset sets has another value in the target. */
export function presetDiffers(target: PresetTarget, preset: Preset): boolean {
  const set = pickParams(preset.params);
  const paramDiffers = PARAM_KEYS.some(
    (key) => set[key] !== undefined && !sameValue(set[key], target.params[key]),
  );
  return (
    paramDiffers ||
    (preset.systemPrompt !== undefined && preset.systemPrompt !== target.systemPrompt)
  );
}

/** Parameter values are primitives or, for `stop`, arrays of strings: compared by value. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => item === b[index]);
  }
  return a === b;
}

/** A preset holding everything the conversation is set to: every parameter and the prompt. */
export function presetFromConversation(
  conversation: PresetTarget,
  name: string,
  id: string,
  now: number,
): Preset {
  return {
    id,
    name,
    params: pickParams(conversation.params),
    systemPrompt: conversation.systemPrompt,
    createdAt: now,
    updatedAt: now,
  };
}
