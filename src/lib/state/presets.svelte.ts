/**
 * The presets a person can choose from: the built-in ones (code, see domain/presets.ts) and their
 * own (stored). Built-ins can be applied and duplicated; only the person's own can be renamed,
 * edited, updated from a conversation or deleted, and the methods refuse the rest (they return
 * null or false and write nothing), so no caller can damage a built-in by mistake.
 *
 * Which preset new chats start from is a setting (Settings.defaultPresetId), not this state's.
 * Deleting that preset does not clear the setting: readers look it up with `get`, and a missing
 * preset reads as "no default". That keeps deletion one write in one store, and undoing the
 * delete brings the default back with the preset.
 */
import { BUILT_IN_PRESETS, isBuiltIn, presetFromConversation } from '../domain/presets';
import type { PresetChanges, PresetTarget } from '../domain/presets';
import type { Preset } from '../domain/types';
import { newId } from '../utils/id';

export interface PresetStore {
  listPresets(): Promise<Preset[]>;
  putPreset(preset: Preset): Promise<void>;
  deletePreset(id: string): Promise<void>;
}

function byName(a: Preset, b: Preset): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class PresetsState {
  /** The person's presets, kept sorted by name. */
  #own = $state.raw<Preset[]>([]);
  #lastDeleted = $state.raw<Preset | null>(null);
  readonly #store: PresetStore;
  readonly #now: () => number;
  readonly #createId: () => string;

  constructor(store: PresetStore, now: () => number = Date.now, createId: () => string = newId) {
    this.#store = store;
    this.#now = now;
    this.#createId = createId;
  }

  /** Built-ins first, in their fixed order, then the person's by name. */
  readonly all = $derived<readonly Preset[]>([...BUILT_IN_PRESETS, ...this.#own]);

  /** The person's own presets, by name. */
  get own(): readonly Preset[] {
    return this.#own;
  }

  /** The preset deleted last, until it is restored or the chance to is dismissed. */
  get lastDeleted(): Preset | null {
    return this.#lastDeleted;
  }

  get(id: string | null): Preset | undefined {
    return id === null ? undefined : this.all.find((preset) => preset.id === id);
  }

  async load(): Promise<void> {
    this.#own = (await this.#store.listPresets()).sort(byName);
  }

  /** A new preset holding the conversation's settings; null if the name is blank. */
  async saveFromConversation(conversation: PresetTarget, name: string): Promise<Preset | null> {
    const trimmed = name.trim();
    if (trimmed === '') return null;
    const preset = presetFromConversation(conversation, trimmed, this.#createId(), this.#now());
    await this.#put(preset);
    return preset;
  }

  async rename(id: string, name: string): Promise<Preset | null> {
    const trimmed = name.trim();
    if (trimmed === '') return null;
    return this.#change(id, (preset) => ({ ...preset, name: trimmed }));
  }

  /** Overwrites the preset's settings with the conversation's ("Update preset"). */
  update(id: string, conversation: PresetTarget): Promise<Preset | null> {
    return this.#change(id, (preset) => {
      const settings = presetFromConversation(conversation, preset.name, id, preset.createdAt);
      return { ...preset, params: settings.params, systemPrompt: settings.systemPrompt };
    });
  }

  /** Replaces name and settings; `systemPrompt` undefined makes the preset leave it alone. */
  async edit(id: string, changes: PresetChanges): Promise<Preset | null> {
    const name = changes.name.trim();
    if (name === '') return null;
    // The old prompt is dropped first: an edit may take it away (the preset then leaves it alone).
    return this.#change(id, ({ systemPrompt: _, ...preset }) => ({
      ...preset,
      name,
      params: structuredClone(changes.params),
      ...(changes.systemPrompt === undefined ? {} : { systemPrompt: changes.systemPrompt }),
    }));
  }

  /** A copy under a new name (the caller words it: "Precise (copy)"). Built-ins too. */
  async duplicate(id: string, name: string): Promise<Preset | null> {
    const source = this.get(id);
    const trimmed = name.trim();
    if (!source || trimmed === '') return null;
    const now = this.#now();
    const copy: Preset = {
      id: this.#createId(),
      name: trimmed,
      params: structuredClone(source.params),
      ...(source.systemPrompt === undefined ? {} : { systemPrompt: source.systemPrompt }),
      createdAt: now,
      updatedAt: now,
    };
    await this.#put(copy);
    return copy;
  }

  /** Deletes one of the person's presets, keeping it in memory for `undoDelete`. */
  async delete(id: string): Promise<boolean> {
    const preset = this.#ownPreset(id);
    if (!preset) return false;
    await this.#store.deletePreset(id);
    this.#own = this.#own.filter((p) => p.id !== id);
    this.#lastDeleted = preset;
    return true;
  }

  async undoDelete(): Promise<Preset | null> {
    const preset = this.#lastDeleted;
    if (!preset) return null;
    await this.#put(preset);
    this.#lastDeleted = null;
    return preset;
  }

  dismissUndo(): void {
    this.#lastDeleted = null;
  }

  #ownPreset(id: string): Preset | undefined {
    return isBuiltIn(id) ? undefined : this.#own.find((p) => p.id === id);
  }

  /** Applies `change` to one of the person's presets and stores it, dated now. */
  async #change(id: string, change: (preset: Preset) => Preset): Promise<Preset | null> {
    const preset = this.#ownPreset(id);
    if (!preset) return null;
    const next = { ...change(preset), id, updatedAt: this.#now() };
    await this.#put(next);
    return next;
  }

  /** Stores first, then shows: a failed write leaves the list as it was. */
  async #put(preset: Preset): Promise<void> {
    await this.#store.putPreset(preset);
    this.#own = [...this.#own.filter((p) => p.id !== preset.id), preset].sort(byName);
  }
}
