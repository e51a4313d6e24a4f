import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS } from '../domain/defaults';
import { BUILT_IN_PRESETS, presetDiffers } from '../domain/presets';
import type { PresetTarget } from '../domain/presets';
import type { Preset } from '../domain/types';
import { PresetsState, type PresetStore } from './presets.svelte';

/** Map-backed presets. structuredClone on the way in, as IndexedDB does: a proxy would throw. */
class FakePresetStore implements PresetStore {
  readonly presets = new Map<string, Preset>();

  listPresets = vi.fn((): Promise<Preset[]> =>
    Promise.resolve(structuredClone([...this.presets.values()])),
  );

  putPreset = vi.fn((preset: Preset): Promise<void> => {
    this.presets.set(preset.id, structuredClone(preset));
    return Promise.resolve();
  });

  deletePreset = vi.fn((id: string): Promise<void> => {
    this.presets.delete(id);
    return Promise.resolve();
  });
}

function preset(id: string, name: string, overrides: Partial<Preset> = {}): Preset {
  return { id, name, params: { temperature: 0.5 }, createdAt: 1, updatedAt: 1, ...overrides };
}

function target(overrides: Partial<PresetTarget> = {}): PresetTarget {
  return {
    params: { ...DEFAULT_PARAMS, model: 'gpt-4.1', temperature: 0.3, stop: ['END'] },
    systemPrompt: 'Be terse.',
    presetId: null,
    ...overrides,
  };
}

async function loaded(...stored: Preset[]) {
  const store = new FakePresetStore();
  for (const p of stored) store.presets.set(p.id, p);
  let time = 1_000;
  let count = 0;
  const state = new PresetsState(
    store,
    () => (time += 1),
    () => `new-${String((count += 1))}`,
  );
  await state.load();
  return { store, state };
}

const names = (list: readonly Preset[]) => list.map((p) => p.name);
const BUILT_IN_NAMES = BUILT_IN_PRESETS.map((p) => p.name);

describe('PresetsState.load and all', () => {
  it('lists the built-ins alone when nothing is stored', async () => {
    const { state } = await loaded();
    expect(state.all).toEqual(BUILT_IN_PRESETS);
    expect(state.own).toEqual([]);
  });

  it('lists built-ins first, then the person’s by name in the locale’s order', async () => {
    const { state } = await loaded(
      preset('b', 'zebra'),
      preset('a', 'Émile'),
      preset('c', 'apple'),
    );
    expect(names(state.all)).toEqual([...BUILT_IN_NAMES, 'apple', 'Émile', 'zebra']);
  });

  it('finds presets by id, built-in or own, and nothing for null or unknown ids', async () => {
    const { state } = await loaded(preset('mine', 'Mine'));
    expect(state.get('builtin:creative')?.name).toBe('Creative');
    expect(state.get('mine')?.name).toBe('Mine');
    expect(state.get('gone')).toBeUndefined();
    expect(state.get(null)).toBeUndefined();
  });
});

describe('PresetsState.saveFromConversation', () => {
  it('stores every setting of the conversation under a trimmed name', async () => {
    const { state, store } = await loaded();
    const saved = await state.saveFromConversation(target(), '  Terse  ');
    expect(saved).toEqual({
      id: 'new-1',
      name: 'Terse',
      params: target().params,
      systemPrompt: 'Be terse.',
      createdAt: 1_001,
      updatedAt: 1_001,
    });
    expect(store.presets.get('new-1')).toEqual(saved);
    expect(state.get('new-1')).toEqual(saved);
  });

  it('refuses a blank name and writes nothing', async () => {
    const { state, store } = await loaded();
    expect(await state.saveFromConversation(target(), '   ')).toBeNull();
    expect(store.putPreset).not.toHaveBeenCalled();
  });

  it('shows nothing new when the write fails', async () => {
    const { state, store } = await loaded();
    store.putPreset.mockRejectedValueOnce(new Error('full'));
    await expect(state.saveFromConversation(target(), 'X')).rejects.toThrow('full');
    expect(state.own).toEqual([]);
  });
});

describe('PresetsState.rename', () => {
  it('renames, re-sorts and dates the change', async () => {
    const { state, store } = await loaded(preset('a', 'Alpha'), preset('b', 'Beta'));
    const renamed = await state.rename('a', ' Zulu ');
    expect(renamed).toMatchObject({ id: 'a', name: 'Zulu', createdAt: 1, updatedAt: 1_001 });
    expect(names(state.own)).toEqual(['Beta', 'Zulu']);
    expect(store.presets.get('a')?.name).toBe('Zulu');
  });

  it('refuses built-ins, unknown ids and blank names', async () => {
    const { state, store } = await loaded(preset('a', 'Alpha'));
    expect(await state.rename('builtin:precise', 'Mine now')).toBeNull();
    expect(await state.rename('missing', 'X')).toBeNull();
    expect(await state.rename('a', '')).toBeNull();
    expect(store.putPreset).not.toHaveBeenCalled();
    expect(state.get('builtin:precise')?.name).toBe('Precise');
  });
});

describe('PresetsState.update', () => {
  it('overwrites the settings from the conversation and keeps name and creation date', async () => {
    const { state } = await loaded(preset('a', 'Alpha', { systemPrompt: 'Old.' }));
    const changed = target({ systemPrompt: 'New.' });
    const updated = await state.update('a', changed);
    expect(updated).toEqual({
      id: 'a',
      name: 'Alpha',
      params: changed.params,
      systemPrompt: 'New.',
      createdAt: 1,
      updatedAt: 1_001,
    });
    expect(presetDiffers(changed, updated as Preset)).toBe(false);
  });

  it('refuses built-ins', async () => {
    const { state, store } = await loaded();
    expect(await state.update('builtin:balanced', target())).toBeNull();
    expect(store.putPreset).not.toHaveBeenCalled();
  });
});

describe('PresetsState.edit', () => {
  it('replaces name and settings, and can take the system prompt away', async () => {
    const { state, store } = await loaded(preset('a', 'Alpha', { systemPrompt: 'Old.' }));
    const edited = await state.edit('a', {
      name: 'Cold',
      params: { temperature: 0, maxTokens: null },
    });
    expect(edited).toEqual({
      id: 'a',
      name: 'Cold',
      params: { temperature: 0, maxTokens: null },
      createdAt: 1,
      updatedAt: 1_001,
    });
    expect(store.presets.get('a')).toEqual(edited);
  });

  it('sets a system prompt', async () => {
    const { state } = await loaded(preset('a', 'Alpha'));
    const edited = await state.edit('a', { name: 'Alpha', params: {}, systemPrompt: 'Hi.' });
    expect(edited?.systemPrompt).toBe('Hi.');
  });

  it('refuses built-ins and blank names', async () => {
    const { state, store } = await loaded(preset('a', 'Alpha'));
    expect(await state.edit('builtin:precise', { name: 'X', params: {} })).toBeNull();
    expect(await state.edit('a', { name: ' ', params: {} })).toBeNull();
    expect(store.putPreset).not.toHaveBeenCalled();
  });
});

describe('PresetsState.duplicate', () => {
  it('copies a built-in into a preset of the person’s own', async () => {
    const { state, store } = await loaded();
    const copy = await state.duplicate('builtin:precise', 'Precise (copy)');
    expect(copy).toEqual({
      id: 'new-1',
      name: 'Precise (copy)',
      params: { temperature: 0.2, maxTokens: 1024 },
      createdAt: 1_001,
      updatedAt: 1_001,
    });
    expect(store.presets.get('new-1')).toEqual(copy);
    expect(Object.isFrozen(copy?.params)).toBe(false);
  });

  it('copies a preset with its system prompt, sharing no objects', async () => {
    const source = preset('a', 'Alpha', { systemPrompt: 'Hi.', params: { stop: ['X'] } });
    const { state } = await loaded(source);
    const copy = await state.duplicate('a', 'Alpha (copy)');
    expect(copy).toMatchObject({
      name: 'Alpha (copy)',
      systemPrompt: 'Hi.',
      params: { stop: ['X'] },
    });
    expect(copy?.params.stop).not.toBe(state.get('a')?.params.stop);
    expect(names(state.own)).toEqual(['Alpha', 'Alpha (copy)']);
  });

  it('refuses unknown ids and blank names', async () => {
    const { state } = await loaded();
    expect(await state.duplicate('missing', 'X')).toBeNull();
    expect(await state.duplicate('builtin:precise', '')).toBeNull();
  });
});

describe('PresetsState.delete', () => {
  it('deletes the person’s preset and can put it back exactly', async () => {
    const original = preset('a', 'Alpha', { systemPrompt: 'Hi.' });
    const { state, store } = await loaded(original, preset('b', 'Beta'));
    expect(await state.delete('a')).toBe(true);
    expect(names(state.own)).toEqual(['Beta']);
    expect(store.presets.has('a')).toBe(false);
    expect(state.lastDeleted).toEqual(original);

    expect(await state.undoDelete()).toEqual(original);
    expect(store.presets.get('a')).toEqual(original);
    expect(names(state.own)).toEqual(['Alpha', 'Beta']);
    expect(state.lastDeleted).toBeNull();
  });

  it('refuses built-ins and unknown ids', async () => {
    const { state, store } = await loaded();
    expect(await state.delete('builtin:creative')).toBe(false);
    expect(await state.delete('missing')).toBe(false);
    expect(store.deletePreset).not.toHaveBeenCalled();
    expect(state.all).toEqual(BUILT_IN_PRESETS);
  });

  it('forgets the deleted preset when undo is dismissed', async () => {
    const { state } = await loaded(preset('a', 'Alpha'));
    await state.delete('a');
    state.dismissUndo();
    expect(state.lastDeleted).toBeNull();
    expect(await state.undoDelete()).toBeNull();
  });

  it('keeps the preset when the delete fails', async () => {
    const { state, store } = await loaded(preset('a', 'Alpha'));
    store.deletePreset.mockRejectedValueOnce(new Error('gone'));
    await expect(state.delete('a')).rejects.toThrow('gone');
    expect(names(state.own)).toEqual(['Alpha']);
    expect(state.lastDeleted).toBeNull();
  });
});
