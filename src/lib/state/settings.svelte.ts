/**
 * Connection settings and language: load, check a key against the endpoint, save, forget.
 * Storage and the API come in through the constructor so tests can hand in fakes.
 *
 * The key has three ways of being kept (KeyMode). In every one, `settings.apiKey` is the key in
 * THIS TAB'S MEMORY, the one requests use; what reaches storage is decided in one place,
 * `stored()`: 'browser' writes the key, 'passphrase' writes only `encryptedKey` (the plaintext is
 * never handed to `putSettings`), 'session' writes neither. So a locked key is unlocked once per
 * page load, and a session-only key is gone on reload.
 *
 * The saved key goes only to an origin the person chose for it. A save that changes the Base
 * URL's origin while leaving the key field empty (so the saved key would be reused) answers
 * `confirm_origin` and changes nothing, before any request is made, until the draft comes back
 * with `confirmedOrigin` set to that origin (the person said yes). Settings another tab saved
 * are safe by the same rule: that tab asked, and a key it stored is the key it asked about. The
 * one key another tab cannot have asked about is this tab's session-only key (never stored), so
 * `load()` drops it when the stored origin is no longer the one it was entered for.
 */
import { DEFAULT_SETTINGS } from '../domain/defaults';
import {
  maskKey,
  sameOrigin,
  type ApiVersionProblem,
  type KeyProblem,
  type PassphraseProblem,
} from '../domain/settings';
import type { Limits } from '../domain/rate-limiter';
import type { EncryptedKey, KeyMode, Locale, Provider, Settings, Theme } from '../domain/types';
import type { ApiError } from '../api/errors';
import type { ChatApiFactory } from '../api/client';
import { isVaultAvailable, VaultError } from '../crypto/vault-errors';
import type { Connection, KeyPlan, ParsedDraft } from './settings-draft';

/** The vault is needed only to lock or unlock a key, so it loads then, not with the page. */
const vault = () => import('../crypto/vault');
import { assertNever } from '../utils/assert-never';

export interface SettingsStore {
  getSettings(): Promise<Settings>;
  putSettings(settings: Settings): Promise<void>;
}

export interface SettingsDraft {
  /** Empty keeps the saved key (the field never shows it). */
  apiKey: string;
  /** For Azure: the resource endpoint. */
  baseUrl: string;
  /** Omitted keeps the current provider. */
  provider?: Provider;
  /**
   * Azure's api-version, required when the provider is Azure. Omitted, or not Azure and not a
   * valid version: the saved one stays.
   */
  azureApiVersion?: string;
  /** Optional OpenAI-Organization / OpenAI-Project; blank sends none. */
  organization: string;
  project: string;
  /** How to keep the key; omitted keeps the current way. */
  keyMode?: KeyMode;
  /**
   * For 'passphrase': the new passphrase, typed twice. Both empty keep the current lock when the
   * key is already locked and unchanged.
   */
  passphrase?: string;
  passphraseRepeat?: string;
  /**
   * The origin the person agreed to send the saved key to, after a `confirm_origin` outcome.
   * Anything else (or omitted) leaves the question standing.
   */
  confirmedOrigin?: string;
}

export type SaveOutcome =
  | { type: 'saved'; modelCount: number }
  | { type: 'invalid'; field: 'apiKey'; problem: KeyProblem }
  | { type: 'invalid'; field: 'baseUrl' }
  | { type: 'invalid'; field: 'azureApiVersion'; problem: ApiVersionProblem }
  | { type: 'invalid'; field: 'passphrase'; problem: PassphraseProblem }
  /**
   * The saved key would go to `origin`, which it has not been sent to before: nothing was sent
   * or saved. Ask the person (naming `host`); saving again with `confirmedOrigin: origin` goes on.
   */
  | { type: 'confirm_origin'; origin: string; host: string }
  /** Checked and refused: not saved. `canSaveAnyway` when the endpoint might still work. */
  | { type: 'failed'; error: ApiError; canSaveAnyway: boolean };

/**
 * `damaged`: the stored record cannot be read; `insecure_context`: no WebCrypto on this (insecure)
 * page. Both leave Forget key as the way on.
 */
export type UnlockOutcome = 'unlocked' | 'wrong_passphrase' | 'damaged' | 'insecure_context';

export class SettingsState {
  /** As stored, except `apiKey`: the key in this tab's memory (see the header). */
  #settings = $state.raw<Settings>({ ...DEFAULT_SETTINGS, keyMode: 'browser' });
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
  /** A key is in memory: requests can be made. */
  get hasKey(): boolean {
    return this.#settings.apiKey !== null;
  }
  /** An encrypted key is stored and not unlocked yet in this tab: ask for the passphrase. */
  get isLocked(): boolean {
    return this.#settings.apiKey === null && this.#settings.encryptedKey !== null;
  }
  get provider(): Provider {
    return this.#settings.provider;
  }
  get keyMode(): KeyMode {
    return this.#settings.keyMode ?? 'browser';
  }
  /** The stored key is encrypted (unlocked or not): a save may keep that encryption. */
  get hasEncryptedKey(): boolean {
    return this.#settings.encryptedKey !== null;
  }
  /** WebCrypto is there: 'passphrase' can be chosen. Not on plain-http pages. */
  get canEncrypt(): boolean {
    return isVaultAvailable();
  }
  get maskedKey(): string | null {
    return this.#settings.apiKey === null ? null : maskKey(this.#settings.apiKey);
  }
  /** Model ids the endpoint listed on the last successful check or refresh. */
  get models(): readonly string[] {
    return this.#models;
  }

  /** Reads the stored settings. A key already in memory survives if it still belongs there. */
  async load(): Promise<void> {
    const stored = await this.#store.getSettings();
    const previous = this.#settings;
    const keyMode = storedMode(stored);
    let apiKey: string | null;
    if (keyMode === 'passphrase') {
      // Unlocked here before and locked with the same record since: no need to ask again.
      apiKey = sameEncryption(previous.encryptedKey, stored.encryptedKey) ? previous.apiKey : null;
    } else if (keyMode === 'session') {
      // Another tab pointed the settings at another origin: this key was never confirmed there.
      apiKey =
        previous.keyMode === 'session' && sameOrigin(previous.baseUrl, stored.baseUrl)
          ? previous.apiKey
          : null;
    } else {
      apiKey = stored.apiKey;
    }
    // A record holding both (damaged, or written by hand) keeps only the encrypted key.
    this.#settings = {
      ...stored,
      apiKey,
      encryptedKey: keyMode === 'passphrase' ? stored.encryptedKey : null,
      keyMode,
    };
  }

  /**
   * Opens the stored encrypted key with `passphrase` for this page's lifetime. What the vault
   * refuses is an outcome the unlock screen words; anything else throws.
   */
  async unlock(passphrase: string): Promise<UnlockOutcome> {
    const encrypted = this.#settings.encryptedKey;
    if (encrypted === null) return 'damaged';
    let apiKey: string;
    try {
      apiKey = await (await vault()).decryptKey(encrypted, passphrase);
    } catch (error) {
      if (error instanceof VaultError) return error.kind;
      throw error;
    }
    // Forgotten or re-locked meanwhile (another tab): this key is no longer the one to use.
    if (!sameEncryption(this.#settings.encryptedKey, encrypted)) return 'wrong_passphrase';
    this.#settings = { ...this.#settings, apiKey };
    void this.refreshModels();
    return 'unlocked';
  }

  /** Validates the draft, checks the key with `GET /models`, and saves only if that worked. */
  async verifyAndSave(draft: SettingsDraft, signal?: AbortSignal): Promise<SaveOutcome> {
    const parsed = await this.#parse(draft);
    if ('type' in parsed) return parsed;
    const { connection } = parsed;
    let models: string[];
    try {
      const api = await this.#createApi(connection);
      models = await api.listModels(signal);
    } catch (thrown) {
      // The error module loads only when something failed: it is not first-load code.
      const { toApiError } = await import('../api/errors');
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
    const parsed = await this.#parse(draft);
    if ('type' in parsed) return parsed;
    await this.#save(parsed);
    return { type: 'saved', modelCount: 0 };
  }

  /** Refreshes the model suggestions quietly; a failure leaves the old list. */
  async refreshModels(): Promise<void> {
    const { apiKey, baseUrl, provider, azureApiVersion, organization, project } = this.#settings;
    if (apiKey === null) return;
    try {
      const api = await this.#createApi({
        apiKey,
        baseUrl,
        provider,
        azureApiVersion,
        organization,
        project,
      });
      this.#models = await api.listModels();
    } catch {
      // Suggestions are a convenience: the Model box accepts any id without them.
    }
  }

  /** Removes the key everywhere: memory, storage, and the encrypted copy. The mode stays chosen. */
  async forgetKey(): Promise<void> {
    await this.#put({ ...this.#settings, apiKey: null, encryptedKey: null });
    this.#models = [];
  }

  async setLocale(locale: Locale | null): Promise<void> {
    await this.#put({ ...this.#settings, locale });
  }

  /** Light, dark, or following the device; index.html reads a copy of it before first paint. */
  async setTheme(theme: Theme): Promise<void> {
    await this.#put({ ...this.#settings, theme });
  }

  /** Titles written by the model: on or off, and which model (blank: the conversation's own). */
  async setAutoTitle(isOn: boolean, titleModel: string): Promise<void> {
    const model = titleModel.trim();
    await this.#put({
      ...this.#settings,
      isAutoTitleOn: isOn,
      titleModel: model === '' ? null : model,
    });
  }

  /** The preset new chats start from; null: they copy the current conversation's settings. */
  async setDefaultPreset(id: string | null): Promise<void> {
    await this.#put({ ...this.#settings, defaultPresetId: id });
  }

  /** Client-side rate limits (null: none); requests queue to stay under them. */
  async setRateLimits(limits: Limits): Promise<void> {
    await this.#put({ ...this.#settings, ...limits });
  }

  /** The draft checked (settings-draft.ts, loaded with the first save: not first-load code). */
  async #parse(draft: SettingsDraft): Promise<ParsedDraft | SaveOutcome> {
    const { parseDraft } = await import('./settings-draft');
    return parseDraft(this.#settings, { provider: this.provider, keyMode: this.keyMode }, draft);
  }

  async #save({
    connection,
    keyMode,
    plan,
  }: {
    connection: Connection;
    keyMode: KeyMode;
    plan: KeyPlan;
  }): Promise<void> {
    let encryptedKey: EncryptedKey | null = null;
    if (plan.type === 'encrypt')
      encryptedKey = await (await vault()).encryptKey(connection.apiKey, plan.passphrase);
    else if (plan.type === 'keep') encryptedKey = plan.encryptedKey;
    await this.#put({ ...this.#settings, ...connection, keyMode, encryptedKey });
  }

  /** Every write goes through here, so what a mode keeps out of storage stays out. */
  async #put(next: Settings): Promise<void> {
    await this.#store.putSettings(stored(next));
    this.#settings = next;
  }
}

/** What storage gets for the settings in memory: the key only in 'browser' mode. */
function stored(settings: Settings): Settings {
  const keyMode = settings.keyMode ?? 'browser';
  switch (keyMode) {
    case 'browser':
      return { ...settings, keyMode, encryptedKey: null };
    case 'passphrase':
      return { ...settings, keyMode, apiKey: null };
    case 'session':
      return { ...settings, keyMode, apiKey: null, encryptedKey: null };
    default:
      return assertNever(keyMode);
  }
}

/** The mode stored settings are in. An encrypted key means 'passphrase' whatever else is there. */
function storedMode(settings: Settings): KeyMode {
  if (settings.encryptedKey !== null) return 'passphrase';
  if (settings.apiKey !== null) return 'browser';
  const chosen = settings.keyMode;
  return chosen === 'session' || chosen === 'passphrase' ? chosen : 'browser';
}

function sameEncryption(a: EncryptedKey | null, b: EncryptedKey | null): boolean {
  return (
    a !== null && b !== null && a.ciphertext === b.ciphertext && a.iv === b.iv && a.salt === b.salt
  );
}
