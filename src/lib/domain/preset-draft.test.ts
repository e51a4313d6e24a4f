import { describe, expect, it } from 'vitest';
import { draftFromPreset, parsePresetDraft } from './preset-draft';
import type { ChatParams, Preset } from './types';

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
