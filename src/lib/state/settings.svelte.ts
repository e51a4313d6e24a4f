/**
 * Connection settings and language: load, check a key against the endpoint, save, forget.
 * Storage and the API come in through the constructor so tests can hand in fakes.
 */
import { DEFAULT_SETTINGS } from '../domain/defaults';
import { keyProblem, maskKey, normalizeBaseUrl, type KeyProblem } from '../domain/settings';
import type { Locale, Settings } from '../domain/types';
import type { ApiError } from '../api/errors';
import type { ChatApiFactory } from '../api/client';
import { toApiError } from '../api/errors';

export interface SettingsStore {
  getSettings(): Promise<Settings>;
  putSettings(settings: Settings): Promise<void>;
}

export interface SettingsDraft {
  /** Empty keeps the saved key (the field never shows it). */
  apiKey: string;
  baseUrl: string;
  /** Optional OpenAI-Organization / OpenAI-Project; blank sends none. */
  organization: string;
  project: string;
}

interface Connection {
  apiKey: string;
  baseUrl: string;
  organization: string | null;
  project: string | null;
}

export type SaveOutcome =
  | { type: 'saved'; modelCount: number }
  | { type: 'invalid'; field: 'apiKey'; problem: KeyProblem }
  | { type: 'invalid'; field: 'baseUrl' }
  /** Checked and refused: not saved. `canSaveAnyway` when the endpoint might still work. */
  | { type: 'failed'; error: ApiError; canSaveAnyway: boolean };

export class SettingsState {
  #settings = $state.raw<Settings>({ ...DEFAULT_SETTINGS });
  #models = $state.raw<string[]>([]);
  readonly #store: SettingsStore;
  readonly #createApi: ChatApiFactory;

  constructor(store: SettingsStore, createApi: ChatApiFactory) {
    this.#store = store;
    this.#createApi = createApi;
  }

  get settings(): Settings {
    return this.#settings;
  }
  get hasKey(): boolean {
    return this.#settings.apiKey !== null;
  }
  get maskedKey(): string | null {
    return this.#settings.apiKey === null ? null : maskKey(this.#settings.apiKey);
  }
  /** Model ids the endpoint listed on the last successful check or refresh. */
  get models(): readonly string[] {
    return this.#models;
  }

  async load(): Promise<void> {
    this.#settings = await this.#store.getSettings();
  }

  /** Validates the draft, checks the key with `GET /models`, and saves only if that worked. */
  async verifyAndSave(draft: SettingsDraft, signal?: AbortSignal): Promise<SaveOutcome> {
    const parsed = this.#parse(draft);
    if ('type' in parsed) return parsed;
    let models: string[];
    try {
      const api = await this.#createApi(parsed);
      models = await api.listModels(signal);
    } catch (thrown) {
      const error = toApiError(thrown);
      return { type: 'failed', error, canSaveAnyway: error.kind !== 'auth' };
    }
    // Outside the try: a storage failure is not the endpoint's fault and must not read as one.
    await this.#save(parsed);
    this.#models = models;
    return { type: 'saved', modelCount: models.length };
  }

  /** Saves without asking the endpoint (it may block GET /models yet serve chats). */
  async saveUnchecked(draft: SettingsDraft): Promise<SaveOutcome> {
    const parsed = this.#parse(draft);
    if ('type' in parsed) return parsed;
    await this.#save(parsed);
    return { type: 'saved', modelCount: 0 };
  }

  /** Refreshes the model suggestions quietly; a failure leaves the old list. */
  async refreshModels(): Promise<void> {
    const { apiKey, baseUrl, organization, project } = this.#settings;
    if (apiKey === null) return;
    try {
      const api = await this.#createApi({ apiKey, baseUrl, organization, project });
      this.#models = await api.listModels();
    } catch {
      // Suggestions are a convenience: the Model box accepts any id without them.
    }
  }

  async forgetKey(): Promise<void> {
    await this.#put({ ...this.#settings, apiKey: null });
    this.#models = [];
  }

  async setLocale(locale: Locale | null): Promise<void> {
    await this.#put({ ...this.#settings, locale });
  }

  /** The preset new chats start from; null: they copy the current conversation's settings. */
  async setDefaultPreset(id: string | null): Promise<void> {
    await this.#put({ ...this.#settings, defaultPresetId: id });
  }

  #parse(draft: SettingsDraft): Connection | SaveOutcome {
    const baseUrl = normalizeBaseUrl(draft.baseUrl);
    const apiKey = draft.apiKey.trim() === '' ? (this.#settings.apiKey ?? '') : draft.apiKey.trim();
    const problem = keyProblem(apiKey);
    if (problem) return { type: 'invalid', field: 'apiKey', problem };
    if (baseUrl === null) return { type: 'invalid', field: 'baseUrl' };
    const optional = (text: string) => (text.trim() === '' ? null : text.trim());
    return {
      apiKey,
      baseUrl,
      organization: optional(draft.organization),
      project: optional(draft.project),
    };
  }

  async #save(connection: Connection): Promise<void> {
    await this.#put({ ...this.#settings, ...connection });
  }

  async #put(next: Settings): Promise<void> {
    await this.#store.putSettings(next);
    this.#settings = next;
  }
}
