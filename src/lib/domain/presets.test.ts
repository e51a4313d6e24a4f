import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from './defaults';
import { parseParams, draftFromParams } from './params';
import {
  applyPreset,
  BUILT_IN_PRESETS,
  isBuiltIn,
  presetDiffers,
  presetFromConversation,
} from './presets';
import { draftFromPreset, parsePresetDraft } from './preset-draft';
import type { ChatParams, Conversation, Preset } from './types';

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    title: 'Chat',
    isTitleCustom: false,
    systemPrompt: 'Be brief.',
    params: { ...DEFAULT_PARAMS, stop: [] },
    createdAt: 1,
    updatedAt: 2,
    currentLeafId: 'm1',
    presetId: null,
    ...overrides,
  };
}

function preset(params: Partial<ChatParams>, systemPrompt?: string): Preset {
  return {
    id: 'p1',
    name: 'Mine',
    params,
    ...(systemPrompt === undefined ? {} : { systemPrompt }),
    createdAt: 1,
    updatedAt: 1,
  };
}

const byId = (id: string) => BUILT_IN_PRESETS.find((p) => p.id === id);

describe('BUILT_IN_PRESETS', () => {
  it('are Precise, Balanced and Creative with stable ids, in that order', () => {
    expect(BUILT_IN_PRESETS.map((p) => [p.id, p.name])).toEqual([
      ['builtin:precise', 'Precise'],
      ['builtin:balanced', 'Balanced'],
      ['builtin:creative', 'Creative'],
    ]);
  });

  it('set a clear temperature and max tokens, and nothing else', () => {
    expect(byId('builtin:precise')?.params).toEqual({ temperature: 0.2, maxTokens: 1024 });
    expect(byId('builtin:balanced')?.params).toEqual({ temperature: 0.7, maxTokens: 2048 });
    expect(byId('builtin:creative')?.params).toEqual({ temperature: 1.2, maxTokens: 4096 });
    for (const p of BUILT_IN_PRESETS) expect(p).not.toHaveProperty('systemPrompt');
  });

  it('are valid parameters by the form’s own rules', () => {
    for (const p of BUILT_IN_PRESETS) {
      const applied = applyPreset(conversation(), p);
      expect(parseParams(draftFromParams(applied.params)).ok).toBe(true);
    }
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(BUILT_IN_PRESETS)).toBe(true);
    for (const p of BUILT_IN_PRESETS) {
      expect(Object.isFrozen(p)).toBe(true);
      expect(Object.isFrozen(p.params)).toBe(true);
    }
  });
});

describe('isBuiltIn', () => {
  it('knows the built-in ids and nothing else', () => {
    expect(isBuiltIn('builtin:balanced')).toBe(true);
    expect(isBuiltIn('builtin:other')).toBe(false);
    expect(isBuiltIn('0b6c1a3e')).toBe(false);
  });
});

describe('applyPreset', () => {
  it('sets the preset’s fields, keeps the others and remembers the preset', () => {
    const before = conversation({ params: { ...DEFAULT_PARAMS, model: 'gpt-4.1', seed: 7 } });
    const after = applyPreset(before, preset({ temperature: 0.2, maxTokens: 1024 }));
    expect(after).toEqual({
      ...before,
      params: { ...before.params, temperature: 0.2, maxTokens: 1024 },
      presetId: 'p1',
    });
  });

  it('replaces the system prompt only when the preset has one (an empty one too)', () => {
    expect(applyPreset(conversation(), preset({})).systemPrompt).toBe('Be brief.');
    expect(applyPreset(conversation(), preset({}, 'Pirate.')).systemPrompt).toBe('Pirate.');
    expect(applyPreset(conversation(), preset({}, '')).systemPrompt).toBe('');
  });

  it('can set a parameter to null (left out of the request)', () => {
    const before = conversation({ params: { ...DEFAULT_PARAMS, maxTokens: 99 } });
    expect(applyPreset(before, preset({ maxTokens: null })).params.maxTokens).toBeNull();
  });

  it('shares no array with the preset or the conversation', () => {
    const p = preset({ stop: ['END'] });
    const before = conversation();
    const after = applyPreset(before, p);
    expect(after.params.stop).toEqual(['END']);
    expect(after.params.stop).not.toBe(p.params.stop);
    expect(applyPreset(before, preset({})).params.stop).not.toBe(before.params.stop);
  });

  it('ignores fields of a newer version it does not know', () => {
    const p = preset({ temperature: 0.1, verbosity: 'low' } as Partial<ChatParams>);
    expect(applyPreset(conversation(), p).params).not.toHaveProperty('verbosity');
  });

  it('leaves its inputs unchanged', () => {
    const before = conversation();
    const snapshot = structuredClone(before);
    applyPreset(before, preset({ temperature: 0 }, 'New.'));
    expect(before).toEqual(snapshot);
  });
});

describe('presetDiffers', () => {
  const p = preset({ temperature: 0.2, stop: ['END', 'STOP'] }, 'Pirate.');

  it('is false right after applying, whatever the fields the preset does not set', () => {
    const applied = applyPreset(conversation(), p);
    expect(presetDiffers(applied, p)).toBe(false);
    expect(presetDiffers({ ...applied, params: { ...applied.params, seed: 3 } }, p)).toBe(false);
  });

  it('is true when a parameter the preset sets has changed', () => {
    const applied = applyPreset(conversation(), p);
    expect(presetDiffers({ ...applied, params: { ...applied.params, temperature: 1 } }, p)).toBe(
      true,
    );
  });

  it('compares stop sequences by value', () => {
    const applied = applyPreset(conversation(), p);
    const same = { ...applied, params: { ...applied.params, stop: ['END', 'STOP'] } };
    const reordered = { ...applied, params: { ...applied.params, stop: ['STOP', 'END'] } };
    const fewer = { ...applied, params: { ...applied.params, stop: ['END'] } };
    expect(presetDiffers(same, p)).toBe(false);
    expect(presetDiffers(reordered, p)).toBe(true);
    expect(presetDiffers(fewer, p)).toBe(true);
  });

  it('is true when the system prompt differs, only if the preset sets one', () => {
    const applied = applyPreset(conversation(), p);
    expect(presetDiffers({ ...applied, systemPrompt: 'Other.' }, p)).toBe(true);
    const noPrompt = preset({ temperature: 0.2 });
    expect(
      presetDiffers(applyPreset(conversation({ systemPrompt: 'x' }), noPrompt), noPrompt),
    ).toBe(false);
  });

  it('tells null from a value', () => {
    const limitless = preset({ maxTokens: null });
    const applied = applyPreset(conversation(), limitless);
    expect(presetDiffers(applied, limitless)).toBe(false);
    expect(
      presetDiffers({ ...applied, params: { ...applied.params, maxTokens: 10 } }, limitless),
    ).toBe(true);
  });
});

describe('presetFromConversation', () => {
  const source = conversation({
    systemPrompt: 'Answer as a pirate.',
    params: {
      model: 'gpt-4.1',
      temperature: 0.4,
      maxTokens: 300,
      topP: 0.9,
      n: 2,
      stop: ['END'],
      presencePenalty: 0.1,
      frequencyPenalty: -0.1,
      seed: 42,
      responseFormat: 'json_object',
      reasoningEffort: 'low',
      contextWindow: 32_000,
    },
  });

  it('captures every parameter (context window included) and the system prompt', () => {
    expect(presetFromConversation(source, 'Pirate', 'p9', 77)).toEqual({
      id: 'p9',
      name: 'Pirate',
      params: source.params,
      systemPrompt: 'Answer as a pirate.',
      createdAt: 77,
      updatedAt: 77,
    });
  });

  it('round-trips: applying it to another conversation reproduces the settings', () => {
    const saved = presetFromConversation(source, 'Pirate', 'p9', 77);
    const other = applyPreset(conversation({ id: 'c2' }), saved);
    expect(other.params).toEqual(source.params);
    expect(other.systemPrompt).toBe(source.systemPrompt);
    expect(presetDiffers(other, saved)).toBe(false);
  });

  it('copies the stop array and leaves unknown parameter fields out', () => {
    const withExtra = {
      ...source,
      params: { ...source.params, verbosity: 'low' } as ChatParams,
    };
    const saved = presetFromConversation(withExtra, 'X', 'p', 1);
    expect(saved.params.stop).not.toBe(source.params.stop);
    expect(saved.params).not.toHaveProperty('verbosity');
  });
});

describe('draftFromPreset and parsePresetDraft', () => {
  const full = preset(
    { model: 'gpt-4.1', temperature: 0.4, maxTokens: 300, seed: 42, stop: ['END'] },
    'Be terse.',
  );

  it('shows what the preset holds, empty for what it leaves alone', () => {
    expect(draftFromPreset(full)).toEqual({
      name: 'Mine',
      model: 'gpt-4.1',
      temperature: '0.4',
      maxTokens: '300',
      systemPrompt: 'Be terse.',
    });
    expect(draftFromPreset(preset({ maxTokens: null }))).toEqual({
      name: 'Mine',
      model: '',
      temperature: '',
      maxTokens: '',
      systemPrompt: '',
    });
  });

  it('round-trips an unchanged draft to the same settings', () => {
    expect(parsePresetDraft(full, draftFromPreset(full))).toEqual({
      ok: true,
      changes: { name: 'Mine', params: full.params, systemPrompt: 'Be terse.' },
    });
  });

  it('applies the edits and keeps the parameters the editor does not show', () => {
    const result = parsePresetDraft(full, {
      name: '  Cold ',
      model: '',
      temperature: '0',
      maxTokens: '',
      systemPrompt: '',
    });
    expect(result).toEqual({
      ok: true,
      changes: {
        name: 'Cold',
        params: { temperature: 0, maxTokens: null, seed: 42, stop: ['END'] },
      },
    });
  });

  it('names every invalid field, by the parameters form’s rules', () => {
    const result = parsePresetDraft(full, {
      name: ' ',
      model: 'gpt 4',
      temperature: '2.5',
      maxTokens: '0',
      systemPrompt: '',
    });
    expect(result).toEqual({
      ok: false,
      errors: { name: true, model: true, temperature: true, maxTokens: true },
    });
    const missing = parsePresetDraft(full, { ...draftFromPreset(full), temperature: '' });
    expect(missing).toEqual({ ok: false, errors: { temperature: true } });
  });
});
