import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AZURE_API_VERSION,
  DEFAULT_MODELS,
  startTestServer,
  TEST_API_KEY,
  type TestServer,
} from '../../../tests/support/server';
import { createChatApi, type ApiConfig, type ChatApi } from '../api/client';
import { ApiError } from '../api/errors';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import type { Settings } from '../domain/types';
import { VaultError } from '../crypto/vault';
import { SettingsState, type SettingsDraft, type SettingsStore } from './settings.svelte';

const SAVED_KEY = 'sk-saved-key-abcdefghij1234';

/** The optional fields of the connection form, left blank. */
const BLANK: Pick<SettingsDraft, 'organization' | 'project'> = { organization: '', project: '' };

class FakeSettingsStore implements SettingsStore {
  stored: Settings;

  constructor(initial: Partial<Settings> = {}) {
    this.stored = { ...DEFAULT_SETTINGS, ...initial };
  }

  getSettings = vi.fn((): Promise<Settings> => Promise.resolve(structuredClone(this.stored)));

  putSettings = vi.fn((settings: Settings): Promise<void> => {
    this.stored = structuredClone(settings);
    return Promise.resolve();
  });
}

/** A factory whose listModels answers `models` or throws `error`, recording the order of calls. */
function fakeFactory(outcome: { models?: string[]; error?: Error }, order: string[] = []) {
  const configs: ApiConfig[] = [];
  const factory = vi.fn((config: ApiConfig): Promise<ChatApi> => {
    configs.push(config);
    return Promise.resolve({
      listModels: () => {
        order.push('listModels');
        return outcome.error === undefined
          ? Promise.resolve(outcome.models ?? [])
          : Promise.reject(outcome.error);
      },
      streamChat: () => Promise.reject(new Error('not used')),
    });
  });
  return { factory, configs };
}

async function loaded(initial: Partial<Settings>, outcome: { models?: string[]; error?: Error }) {
  const order: string[] = [];
  const store = new FakeSettingsStore(initial);
  store.putSettings.mockImplementation((settings: Settings) => {
    order.push('putSettings');
    store.stored = structuredClone(settings);
    return Promise.resolve();
  });
  const { factory, configs } = fakeFactory(outcome, order);
  const state = new SettingsState(store, factory);
  await state.load();
  return { store, state, factory, configs, order };
}

describe('SettingsState.load', () => {
  it('reads the stored settings', async () => {
    const { state } = await loaded({ apiKey: SAVED_KEY, locale: 'zh-CN' }, {});
    expect(state.settings).toMatchObject({ apiKey: SAVED_KEY, locale: 'zh-CN' });
    expect(state.hasKey).toBe(true);
    expect(state.maskedKey).toBe('sk-…1234');
    expect(state.maskedKey).not.toContain('abcdefghij');
  });

  it('has no key on a fresh install', async () => {
    const { state } = await loaded({}, {});
    expect(state.hasKey).toBe(false);
    expect(state.maskedKey).toBeNull();
    expect(state.models).toEqual([]);
  });
});

describe('SettingsState.verifyAndSave (fake API)', () => {
  it('checks the key with listModels first and saves only after it succeeded', async () => {
    const { state, store, configs, order } = await loaded({}, { models: ['a', 'b'] });
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: '  sk-new-key-0123456789  ',
      baseUrl: 'https://example.com/v1/',
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: 2 });
    expect(order).toEqual(['listModels', 'putSettings']);
    expect(configs).toEqual([
      {
        apiKey: 'sk-new-key-0123456789',
        baseUrl: 'https://example.com/v1',
        provider: 'openai',
        azureApiVersion: null,
        organization: null,
        project: null,
      },
    ]);
    expect(store.stored).toMatchObject({
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://example.com/v1',
    });
    expect(state.settings.apiKey).toBe('sk-new-key-0123456789');
    expect(state.models).toEqual(['a', 'b']);
  });

  it('an empty key field keeps (and checks) the saved key', async () => {
    const { state, store, configs } = await loaded({ apiKey: SAVED_KEY }, { models: ['a'] });
    // Another origin, already agreed to (see "the saved key goes only where it was sent before").
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: '   ',
      baseUrl: 'http://localhost:11434/v1',
      confirmedOrigin: 'http://localhost:11434',
    });
    expect(outcome.type).toBe('saved');
    expect(configs[0]?.apiKey).toBe(SAVED_KEY);
    expect(store.stored).toMatchObject({ apiKey: SAVED_KEY, baseUrl: 'http://localhost:11434/v1' });
  });

  it('an empty key field without a saved key is invalid; nothing is called', async () => {
    const { state, factory, store } = await loaded({}, { models: [] });
    expect(
      await state.verifyAndSave({ ...BLANK, apiKey: '', baseUrl: 'https://example.com/v1' }),
    ).toEqual({
      type: 'invalid',
      field: 'apiKey',
      problem: 'required',
    });
    expect(factory).not.toHaveBeenCalled();
    expect(store.putSettings).not.toHaveBeenCalled();
  });

  it('a key with spaces inside is invalid', async () => {
    const { state } = await loaded({}, { models: [] });
    expect(
      await state.verifyAndSave({ ...BLANK, apiKey: 'sk-abc def', baseUrl: 'https://x.test' }),
    ).toEqual({
      type: 'invalid',
      field: 'apiKey',
      problem: 'spaces',
    });
  });

  it.each(['', 'example.com/v1', 'ftp://example.com', 'https://u:p@example.com/v1'])(
    'an invalid base URL (%j) is refused before any call',
    async (baseUrl) => {
      const { state, factory, store } = await loaded({}, { models: [] });
      expect(
        await state.verifyAndSave({ ...BLANK, apiKey: 'sk-fine-0123456789', baseUrl }),
      ).toEqual({
        type: 'invalid',
        field: 'baseUrl',
      });
      expect(factory).not.toHaveBeenCalled();
      expect(store.putSettings).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['auth', false],
    ['permission', true],
    ['not_found', true],
    ['network', true],
    ['server', true],
  ] as const)('a %s failure is not saved; canSaveAnyway is %s', async (kind, canSaveAnyway) => {
    const { state, store } = await loaded(
      { apiKey: SAVED_KEY },
      { error: new ApiError(kind, 'detail') },
    );
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: 'sk-other-key-0123456789',
      baseUrl: 'https://example.com/v1',
    });
    expect(outcome).toMatchObject({ type: 'failed', canSaveAnyway, error: { kind } });
    expect(store.putSettings).not.toHaveBeenCalled();
    expect(state.settings.apiKey).toBe(SAVED_KEY);
  });

  it('maps a raw failure (fetch TypeError) to an ApiError of kind network', async () => {
    const { state } = await loaded({}, { error: new TypeError('Failed to fetch') });
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://example.com/v1',
    });
    expect(outcome.type).toBe('failed');
    if (outcome.type !== 'failed') return;
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect(outcome.error.kind).toBe('network');
    expect(outcome.canSaveAnyway).toBe(true);
  });

  it('a storage failure while saving is not reported as an endpoint failure', async () => {
    const { state, store } = await loaded({}, { models: ['a'] });
    const quota = Object.assign(new Error('QuotaExceededError'), { kind: 'quota' });
    store.putSettings.mockRejectedValueOnce(quota);
    await expect(
      state.verifyAndSave({
        ...BLANK,
        apiKey: 'sk-new-key-0123456789',
        baseUrl: 'https://example.com/v1',
      }),
    ).rejects.toBe(quota);
  });
});

describe('SettingsState: the saved key goes only where it was sent before', () => {
  const ELSEWHERE = { ...BLANK, apiKey: '', baseUrl: 'https://api.example.com/v1' };

  it('asks before the saved key goes to another origin; nothing is sent or saved', async () => {
    const { state, store, factory } = await loaded({ apiKey: SAVED_KEY }, { models: ['a'] });
    for (const save of [
      (draft: SettingsDraft) => state.verifyAndSave(draft),
      (draft: SettingsDraft) => state.saveUnchecked(draft),
    ]) {
      expect(await save(ELSEWHERE)).toEqual({
        type: 'confirm_origin',
        origin: 'https://api.example.com',
        host: 'api.example.com',
      });
      // A yes to some other origin is no yes to this one.
      expect(await save({ ...ELSEWHERE, confirmedOrigin: 'https://api.openai.com' })).toMatchObject(
        { type: 'confirm_origin' },
      );
    }
    expect(factory).not.toHaveBeenCalled();
    expect(store.putSettings).not.toHaveBeenCalled();
    expect(state.settings.baseUrl).toBe(DEFAULT_SETTINGS.baseUrl);
  });

  it('once the person agreed, checks and saves with the saved key', async () => {
    const { state, store, configs } = await loaded({ apiKey: SAVED_KEY }, { models: ['a'] });
    const outcome = await state.verifyAndSave({
      ...ELSEWHERE,
      confirmedOrigin: 'https://api.example.com',
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: 1 });
    expect(configs[0]).toMatchObject({ apiKey: SAVED_KEY, baseUrl: 'https://api.example.com/v1' });
    expect(store.stored).toMatchObject({
      apiKey: SAVED_KEY,
      baseUrl: 'https://api.example.com/v1',
    });
  });

  it('Save anyway follows the same rule', async () => {
    const { state, store } = await loaded({ apiKey: SAVED_KEY }, {});
    const outcome = await state.saveUnchecked({
      ...ELSEWHERE,
      confirmedOrigin: 'https://api.example.com',
    });
    expect(outcome.type).toBe('saved');
    expect(store.stored.baseUrl).toBe('https://api.example.com/v1');
  });

  it('does not ask for a key typed into the field, or for a new path on the same origin', async () => {
    const { state } = await loaded({ apiKey: SAVED_KEY }, { models: [] });
    expect(
      await state.verifyAndSave({ ...ELSEWHERE, apiKey: 'sk-typed-for-example-0123' }),
    ).toMatchObject({ type: 'saved' });
    expect(
      await state.verifyAndSave({ ...BLANK, apiKey: '', baseUrl: 'https://api.example.com/v2' }),
    ).toMatchObject({ type: 'saved' });
  });

  it('a port or scheme of its own is another origin', async () => {
    const { state } = await loaded(
      { apiKey: SAVED_KEY, baseUrl: 'http://localhost:8080/v1' },
      { models: [] },
    );
    for (const baseUrl of ['http://localhost:8081/v1', 'http://127.0.0.1:8080/v1']) {
      expect(await state.verifyAndSave({ ...BLANK, apiKey: '', baseUrl })).toMatchObject({
        type: 'confirm_origin',
      });
    }
  });

  it('asks only once everything else is valid', async () => {
    const { state } = await loaded({ apiKey: SAVED_KEY }, {});
    expect(await state.verifyAndSave({ ...ELSEWHERE, baseUrl: 'ftp://example.com' })).toEqual({
      type: 'invalid',
      field: 'baseUrl',
    });
    expect(
      await state.verifyAndSave({ ...ELSEWHERE, keyMode: 'passphrase', passphrase: 'short' }),
    ).toMatchObject({ type: 'invalid', field: 'passphrase' });
  });

  it('a session-only key is dropped when another tab points the settings at another origin', async () => {
    const store = new FakeSettingsStore();
    const here = new SettingsState(store, fakeFactory({}).factory);
    await here.load();
    await here.verifyAndSave({
      ...BLANK,
      apiKey: 'sk-session-key-0123456789',
      baseUrl: 'https://api.openai.com/v1',
      keyMode: 'session',
    });
    expect(here.hasKey).toBe(true);
    // Another tab (with its own session key, or none) saves a new path: the origin is the same.
    store.stored = { ...store.stored, baseUrl: 'https://api.openai.com/v2' };
    await here.load();
    expect(here.settings.apiKey).toBe('sk-session-key-0123456789');
    // ...then another origin: this tab's key was never confirmed for it, so it is not kept.
    store.stored = { ...store.stored, baseUrl: 'https://api.example.com/v1' };
    await here.load();
    expect(here.hasKey).toBe(false);
    expect(here.settings.baseUrl).toBe('https://api.example.com/v1');
  });

  it('a key stored by another tab with its origin is used there (that tab asked)', async () => {
    const { state, store } = await loaded({ apiKey: SAVED_KEY }, {});
    store.stored = {
      ...store.stored,
      baseUrl: 'https://api.example.com/v1',
      apiKey: 'sk-other-0123456789',
    };
    await state.load();
    expect(state.settings).toMatchObject({
      apiKey: 'sk-other-0123456789',
      baseUrl: 'https://api.example.com/v1',
    });
  });
});

describe('SettingsState: organization and project', () => {
  it('saves them trimmed and hands them to the API factory', async () => {
    const { state, store, configs } = await loaded({}, { models: ['a'] });
    const outcome = await state.verifyAndSave({
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://example.com/v1',
      organization: '  org-abc123  ',
      project: ' proj_xyz ',
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: 1 });
    expect(configs).toEqual([
      {
        apiKey: 'sk-new-key-0123456789',
        baseUrl: 'https://example.com/v1',
        provider: 'openai',
        azureApiVersion: null,
        organization: 'org-abc123',
        project: 'proj_xyz',
      },
    ]);
    expect(store.stored).toEqual({
      ...DEFAULT_SETTINGS,
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://example.com/v1',
      organization: 'org-abc123',
      project: 'proj_xyz',
      keyMode: 'browser',
    });
    expect(state.settings).toMatchObject({ organization: 'org-abc123', project: 'proj_xyz' });
  });

  it('blank fields are saved as null, clearing what was saved before', async () => {
    const { state, store, configs } = await loaded(
      { apiKey: SAVED_KEY, organization: 'org-old', project: 'proj-old' },
      { models: [] },
    );
    await state.verifyAndSave({
      apiKey: '',
      baseUrl: 'https://api.openai.com/v1',
      organization: '   ',
      project: '',
    });
    expect(configs[0]).toMatchObject({ organization: null, project: null });
    expect(store.stored).toMatchObject({ apiKey: SAVED_KEY, organization: null, project: null });
    expect(state.settings).toMatchObject({ organization: null, project: null });
  });

  it('are checked with the key: a refusal saves neither', async () => {
    const { state, store, configs } = await loaded(
      { apiKey: SAVED_KEY },
      { error: new ApiError('permission', 'not a member of the organization') },
    );
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: '',
      baseUrl: DEFAULT_SETTINGS.baseUrl,
      organization: 'org-elsewhere',
    });
    expect(outcome).toMatchObject({ type: 'failed', error: { kind: 'permission' } });
    expect(configs[0]).toMatchObject({ organization: 'org-elsewhere', project: null });
    expect(store.putSettings).not.toHaveBeenCalled();
    expect(state.settings.organization).toBeNull();
  });

  it('saveUnchecked saves them too', async () => {
    const { state, store } = await loaded({}, {});
    await state.saveUnchecked({
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://x.test/v1',
      organization: 'org-1',
      project: '',
    });
    expect(store.stored).toMatchObject({ organization: 'org-1', project: null });
  });

  it('refreshModels uses the saved ones', async () => {
    const { state, factory } = await loaded(
      { apiKey: SAVED_KEY, organization: 'org-1', project: 'proj-1' },
      { models: ['m'] },
    );
    await state.refreshModels();
    expect(factory).toHaveBeenCalledWith({
      apiKey: SAVED_KEY,
      baseUrl: DEFAULT_SETTINGS.baseUrl,
      provider: 'openai',
      azureApiVersion: null,
      organization: 'org-1',
      project: 'proj-1',
    });
  });

  it('forgetKey and setLocale keep them', async () => {
    const { state, store } = await loaded(
      { apiKey: SAVED_KEY, organization: 'org-1', project: 'proj-1' },
      {},
    );
    await state.setLocale('en');
    await state.forgetKey();
    expect(store.stored).toMatchObject({ apiKey: null, organization: 'org-1', project: 'proj-1' });
  });
});

describe('SettingsState: Azure OpenAI', () => {
  /** The draft without an optional field (omitted: the saved value stays). */
  function without(draft: SettingsDraft, key: 'provider' | 'azureApiVersion'): SettingsDraft {
    return Object.fromEntries(
      Object.entries(draft).filter(([name]) => name !== key),
    ) as unknown as SettingsDraft;
  }

  const AZURE = {
    ...BLANK,
    apiKey: '0123456789abcdef0123456789abcdef',
    baseUrl: 'https://my-resource.openai.azure.com/',
    provider: 'azure',
    azureApiVersion: ' 2024-10-21 ',
  } as const satisfies SettingsDraft;

  it('checks and saves the provider, the endpoint and the trimmed API version', async () => {
    const { state, store, configs } = await loaded({}, { models: [] });
    const outcome = await state.verifyAndSave(AZURE);
    expect(outcome).toEqual({ type: 'saved', modelCount: 0 });
    expect(configs).toEqual([
      {
        apiKey: AZURE.apiKey,
        baseUrl: 'https://my-resource.openai.azure.com',
        provider: 'azure',
        azureApiVersion: '2024-10-21',
        organization: null,
        project: null,
      },
    ]);
    expect(store.stored).toMatchObject({
      apiKey: AZURE.apiKey,
      baseUrl: 'https://my-resource.openai.azure.com',
      provider: 'azure',
      azureApiVersion: '2024-10-21',
    });
    expect(state.provider).toBe('azure');
  });

  it('drops an /openai the endpoint was pasted with (the SDK adds it)', async () => {
    const { state, store } = await loaded({}, { models: [] });
    await state.verifyAndSave({
      ...AZURE,
      baseUrl: 'https://my-resource.openai.azure.com/openai/',
    });
    expect(store.stored.baseUrl).toBe('https://my-resource.openai.azure.com');
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['latest', 'format'],
    ['v1', 'format'],
    ['2024-10-21-beta', 'format'],
    ['2024-1-21', 'format'],
  ] as const)(
    'refuses the API version %j (%s) before calling anything',
    async (version, problem) => {
      const { state, store, factory } = await loaded({}, { models: [] });
      const outcome = await state.verifyAndSave({ ...AZURE, azureApiVersion: version });
      expect(outcome).toEqual({ type: 'invalid', field: 'azureApiVersion', problem });
      expect(factory).not.toHaveBeenCalled();
      expect(store.putSettings).not.toHaveBeenCalled();
    },
  );

  it('accepts a preview version, and without one in the draft uses the saved one', async () => {
    const { state, store } = await loaded(
      { provider: 'azure', azureApiVersion: '2025-04-01-preview' },
      { models: [] },
    );
    expect((await state.verifyAndSave(without(AZURE, 'azureApiVersion'))).type).toBe('saved');
    expect(store.stored.azureApiVersion).toBe('2025-04-01-preview');
  });

  it('without a version in the draft or saved, Azure needs one', async () => {
    const { state } = await loaded({}, { models: [] });
    expect(await state.verifyAndSave(without(AZURE, 'azureApiVersion'))).toEqual({
      type: 'invalid',
      field: 'azureApiVersion',
      problem: 'required',
    });
  });

  it('an omitted provider keeps the saved one', async () => {
    const { state, store, configs } = await loaded(
      { provider: 'azure', azureApiVersion: '2024-10-21' },
      { models: [] },
    );
    await state.verifyAndSave(without(AZURE, 'provider'));
    expect(configs[0]?.provider).toBe('azure');
    expect(store.stored.provider).toBe('azure');
  });

  it('back to OpenAI: the Base URL is checked as before and the Azure version is kept', async () => {
    const { state, store, configs } = await loaded(
      { provider: 'azure', azureApiVersion: '2024-10-21' },
      { models: ['m'] },
    );
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://api.openai.com/v1/openai',
      provider: 'openai',
      azureApiVersion: 'not a version',
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: 1 });
    expect(configs[0]).toMatchObject({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1/openai',
    });
    expect(store.stored).toMatchObject({ provider: 'openai', azureApiVersion: '2024-10-21' });
  });

  it('session only: the Azure key is never stored, the provider and version are', async () => {
    const { state, store } = await loaded({}, { models: [] });
    await state.verifyAndSave({ ...AZURE, keyMode: 'session' });
    expect(state.settings.apiKey).toBe(AZURE.apiKey);
    expect(store.stored).toMatchObject({
      apiKey: null,
      encryptedKey: null,
      keyMode: 'session',
      provider: 'azure',
      azureApiVersion: '2024-10-21',
    });
    for (const [written] of store.putSettings.mock.calls) {
      expect(JSON.stringify(written)).not.toContain(AZURE.apiKey);
    }
  });

  it('refreshModels uses the saved provider and version', async () => {
    const { state, configs } = await loaded(
      {
        apiKey: SAVED_KEY,
        baseUrl: 'https://r.openai.azure.com',
        provider: 'azure',
        azureApiVersion: '2024-10-21',
      },
      { models: [] },
    );
    await state.refreshModels();
    expect(configs[0]).toMatchObject({ provider: 'azure', azureApiVersion: '2024-10-21' });
  });
});

describe('SettingsState: other actions', () => {
  it('saveUnchecked saves without asking the endpoint', async () => {
    const { state, store, factory } = await loaded({}, { models: ['a'] });
    expect(
      await state.saveUnchecked({
        ...BLANK,
        apiKey: 'sk-new-key-0123456789',
        baseUrl: 'https://x.test/v1/',
      }),
    ).toEqual({ type: 'saved', modelCount: 0 });
    expect(factory).not.toHaveBeenCalled();
    expect(store.stored).toMatchObject({
      apiKey: 'sk-new-key-0123456789',
      baseUrl: 'https://x.test/v1',
    });
  });

  it('saveUnchecked still validates', async () => {
    const { state, store } = await loaded({}, {});
    expect(
      await state.saveUnchecked({ ...BLANK, apiKey: 'sk-x-0123456789', baseUrl: 'nope' }),
    ).toEqual({
      type: 'invalid',
      field: 'baseUrl',
    });
    expect(store.putSettings).not.toHaveBeenCalled();
  });

  it('forgetKey nulls the key, stored and in memory, and clears the models', async () => {
    const { state, store } = await loaded(
      { apiKey: SAVED_KEY, baseUrl: 'https://x.test/v1', locale: 'en' },
      { models: ['a'] },
    );
    await state.refreshModels();
    expect(state.models).toEqual(['a']);
    await state.forgetKey();
    expect(store.stored).toEqual({
      ...DEFAULT_SETTINGS,
      apiKey: null,
      baseUrl: 'https://x.test/v1',
      locale: 'en',
      keyMode: 'browser',
    });
    expect(state.hasKey).toBe(false);
    expect(state.maskedKey).toBeNull();
    expect(state.models).toEqual([]);
  });

  it('refreshModels keeps the old list on failure and does nothing without a key', async () => {
    const store = new FakeSettingsStore({ apiKey: SAVED_KEY });
    let fail = false;
    const factory = vi.fn(() =>
      Promise.resolve<ChatApi>({
        listModels: () => (fail ? Promise.reject(new Error('offline')) : Promise.resolve(['m1'])),
        streamChat: () => Promise.reject(new Error('not used')),
      }),
    );
    const state = new SettingsState(store, factory);
    await state.load();
    await state.refreshModels();
    expect(state.models).toEqual(['m1']);
    fail = true;
    await expect(state.refreshModels()).resolves.toBeUndefined();
    expect(state.models).toEqual(['m1']);
    expect(factory).toHaveBeenCalledWith({
      apiKey: SAVED_KEY,
      baseUrl: DEFAULT_SETTINGS.baseUrl,
      provider: 'openai',
      azureApiVersion: null,
      organization: null,
      project: null,
    });

    const { state: keyless, factory: unused } = await loaded({}, { models: ['x'] });
    await keyless.refreshModels();
    expect(unused).not.toHaveBeenCalled();
  });

  it('setLocale stores the choice (null follows the browser)', async () => {
    const { state, store } = await loaded({ apiKey: SAVED_KEY }, {});
    await state.setLocale('zh-CN');
    expect(store.stored).toMatchObject({ apiKey: SAVED_KEY, locale: 'zh-CN' });
    await state.setLocale(null);
    expect(state.settings.locale).toBeNull();
  });

  it('a failed write leaves the settings in memory unchanged', async () => {
    const { state, store } = await loaded({ apiKey: SAVED_KEY }, {});
    store.putSettings.mockRejectedValueOnce(new Error('quota'));
    await expect(state.forgetKey()).rejects.toThrow('quota');
    expect(state.settings.apiKey).toBe(SAVED_KEY);
  });
});

describe('SettingsState: how the key is kept', () => {
  const NEW_KEY = 'sk-new-key-0123456789';
  const PASSPHRASE = 'open sesame 42';
  const LOCKED = { ...BLANK, apiKey: NEW_KEY, baseUrl: 'https://example.com/v1' };

  /** Every settings object ever handed to storage, serialised. */
  function written(store: FakeSettingsStore): string[] {
    return store.putSettings.mock.calls.map(([settings]) => JSON.stringify(settings));
  }

  async function lockedStore() {
    const { state, store, factory } = await loaded({}, { models: ['a'] });
    const outcome = await state.verifyAndSave({
      ...LOCKED,
      keyMode: 'passphrase',
      passphrase: PASSPHRASE,
      passphraseRepeat: PASSPHRASE,
    });
    expect(outcome.type).toBe('saved');
    return { state, store, factory };
  }

  it('defaults to storing the key in this browser, as before', async () => {
    const { state, store } = await loaded({}, { models: [] });
    expect(state.keyMode).toBe('browser');
    await state.verifyAndSave(LOCKED);
    expect(store.stored).toMatchObject({ apiKey: NEW_KEY, encryptedKey: null, keyMode: 'browser' });
    expect(state.isLocked).toBe(false);
  });

  it('locked: stores only the encrypted key; the plaintext never reaches any putSettings', async () => {
    const { state, store } = await lockedStore();
    expect(store.stored.apiKey).toBeNull();
    expect(store.stored.keyMode).toBe('passphrase');
    expect(store.stored.encryptedKey).toMatchObject({ iterations: 600_000 });
    // In memory for this page: requests work, nothing asks to unlock.
    expect(state.settings.apiKey).toBe(NEW_KEY);
    expect(state.hasKey).toBe(true);
    expect(state.isLocked).toBe(false);
    expect(state.keyMode).toBe('passphrase');

    // Every later write keeps it out too.
    await state.setLocale('zh-CN');
    await state.setDefaultPreset('p1');
    await state.setRateLimits({ requestsPerMinute: 10, tokensPerMinute: null });
    await state.verifyAndSave({ ...BLANK, apiKey: '', baseUrl: 'https://example.com/v2' });
    expect(store.putSettings).toHaveBeenCalledTimes(5);
    for (const settings of written(store)) {
      expect(settings).not.toContain(NEW_KEY);
      expect(settings).not.toContain(PASSPHRASE);
    }
  });

  it('locked: saving other settings keeps the same encryption; a new passphrase re-encrypts', async () => {
    const { state, store } = await lockedStore();
    const first = store.stored.encryptedKey;
    await state.verifyAndSave({ ...BLANK, apiKey: '', baseUrl: 'https://example.com/v2' });
    expect(store.stored.encryptedKey).toEqual(first);
    expect(store.stored.baseUrl).toBe('https://example.com/v2');

    await state.verifyAndSave({
      ...BLANK,
      apiKey: '',
      baseUrl: 'https://example.com/v2',
      passphrase: 'another passphrase',
      passphraseRepeat: 'another passphrase',
    });
    expect(store.stored.encryptedKey?.ciphertext).not.toBe(first?.ciphertext);
    const reloaded = new SettingsState(store, fakeFactory({}).factory);
    await reloaded.load();
    expect(await reloaded.unlock(PASSPHRASE)).toBe('wrong_passphrase');
    expect(await reloaded.unlock('another passphrase')).toBe('unlocked');
    expect(reloaded.settings.apiKey).toBe(NEW_KEY);
  });

  it('locked: a new key needs a passphrase again', async () => {
    const { state, store } = await lockedStore();
    const before = store.putSettings.mock.calls.length;
    expect(await state.verifyAndSave({ ...LOCKED, apiKey: 'sk-other-key-0123456789' })).toEqual({
      type: 'invalid',
      field: 'passphrase',
      problem: 'required',
    });
    expect(store.putSettings).toHaveBeenCalledTimes(before);
  });

  it.each([
    ['', '', 'required'],
    ['short', 'short', 'short'],
    ['long enough', 'long enougH', 'mismatch'],
  ] as const)(
    'locking with passphrase %j / %j is refused (%s) before any call',
    async (passphrase, passphraseRepeat, problem) => {
      const { state, store, factory } = await loaded({ apiKey: SAVED_KEY }, { models: [] });
      expect(
        await state.verifyAndSave({
          ...LOCKED,
          keyMode: 'passphrase',
          passphrase,
          passphraseRepeat,
        }),
      ).toEqual({ type: 'invalid', field: 'passphrase', problem });
      expect(factory).not.toHaveBeenCalled();
      expect(store.putSettings).not.toHaveBeenCalled();
    },
  );

  it('locked, after a reload: isLocked until the right passphrase unlocks it', async () => {
    const { store } = await lockedStore();
    const { factory, configs } = fakeFactory({ models: ['m'] });
    const state = new SettingsState(store, factory);
    await state.load();
    expect(state.isLocked).toBe(true);
    expect(state.hasKey).toBe(false);
    expect(state.keyMode).toBe('passphrase');
    expect(state.maskedKey).toBeNull();
    await state.refreshModels();
    expect(factory).not.toHaveBeenCalled();

    expect(await state.unlock('wrong passphrase')).toBe('wrong_passphrase');
    expect(state.isLocked).toBe(true);
    expect(state.settings.apiKey).toBeNull();

    const writes = store.putSettings.mock.calls.length;
    expect(await state.unlock(PASSPHRASE)).toBe('unlocked');
    expect(state.isLocked).toBe(false);
    expect(state.hasKey).toBe(true);
    expect(state.settings.apiKey).toBe(NEW_KEY);
    // Unlocking writes nothing, and fetches the model suggestions with the unlocked key.
    expect(store.putSettings).toHaveBeenCalledTimes(writes);
    await vi.waitFor(() => expect(configs[0]?.apiKey).toBe(NEW_KEY));

    // A reload from storage (another tab saved something) keeps it unlocked.
    await state.load();
    expect(state.settings.apiKey).toBe(NEW_KEY);
  });

  it('locked: a different encrypted key on disk (another tab re-locked) asks again', async () => {
    const { store } = await lockedStore();
    const state = new SettingsState(store, fakeFactory({}).factory);
    await state.load();
    await state.unlock(PASSPHRASE);
    const other = await lockedStore();
    store.stored = other.store.stored;
    await state.load();
    expect(state.isLocked).toBe(true);
  });

  it('Forget key removes the encrypted key too', async () => {
    const { store } = await lockedStore();
    const state = new SettingsState(store, fakeFactory({}).factory);
    await state.load();
    await state.forgetKey();
    expect(store.stored).toMatchObject({ apiKey: null, encryptedKey: null });
    expect(state.isLocked).toBe(false);
    expect(state.hasKey).toBe(false);
    // The choice itself is remembered for the next key.
    expect(state.keyMode).toBe('passphrase');
  });

  it('switching from locked back to this browser stores the key and drops the encryption', async () => {
    const { state, store } = await lockedStore();
    await state.verifyAndSave({
      ...BLANK,
      apiKey: '',
      baseUrl: 'https://example.com/v1',
      keyMode: 'browser',
    });
    expect(store.stored).toMatchObject({ apiKey: NEW_KEY, encryptedKey: null, keyMode: 'browser' });
  });

  it('session only: nothing stored but the choice; gone after a reload, Base URL kept', async () => {
    const { state, store } = await loaded({ apiKey: SAVED_KEY }, { models: ['a'] });
    await state.verifyAndSave({ ...LOCKED, keyMode: 'session' });
    expect(store.stored).toMatchObject({
      apiKey: null,
      encryptedKey: null,
      keyMode: 'session',
      baseUrl: 'https://example.com/v1',
    });
    expect(state.settings.apiKey).toBe(NEW_KEY);
    expect(state.hasKey).toBe(true);
    await state.setLocale('en');
    for (const settings of written(store)) {
      expect(settings).not.toContain(NEW_KEY);
      // Choosing session-only also removed the key stored before.
      expect(settings).not.toContain(SAVED_KEY);
    }
    // This tab re-reading storage keeps its key.
    await state.load();
    expect(state.settings.apiKey).toBe(NEW_KEY);

    const reloaded = new SettingsState(store, fakeFactory({}).factory);
    await reloaded.load();
    expect(reloaded.hasKey).toBe(false);
    expect(reloaded.isLocked).toBe(false);
    expect(reloaded.keyMode).toBe('session');
    expect(reloaded.settings.baseUrl).toBe('https://example.com/v1');
  });

  it('a record holding both a key and an encrypted key is read as locked and cleaned on write', async () => {
    const { store } = await lockedStore();
    store.stored = { ...store.stored, apiKey: 'sk-leftover-0123456789', keyMode: 'browser' };
    const state = new SettingsState(store, fakeFactory({}).factory);
    await state.load();
    expect(state.isLocked).toBe(true);
    expect(state.keyMode).toBe('passphrase');
    await state.setLocale('en');
    expect(store.stored.apiKey).toBeNull();
  });

  it('an unreadable or missing encrypted key unlocks as damaged', async () => {
    const { state } = await loaded({}, {});
    expect(await state.unlock('whatever passphrase')).toBe('damaged');
    const { store } = await lockedStore();
    store.stored = {
      ...store.stored,
      encryptedKey: { ciphertext: 'AAAA', iv: 'AAAA', salt: 'AAAA', iterations: 600_000 },
    };
    const damaged = new SettingsState(store, fakeFactory({}).factory);
    await damaged.load();
    expect(await damaged.unlock(PASSPHRASE)).toBe('damaged');
    expect(damaged.isLocked).toBe(true);
  });

  it('without WebCrypto (an insecure page) unlocking is unavailable', async () => {
    const { store } = await lockedStore();
    const state = new SettingsState(store, fakeFactory({}).factory);
    await state.load();
    vi.stubGlobal('crypto', {});
    try {
      expect(await state.unlock(PASSPHRASE)).toBe('insecure_context');
      await expect(
        state.verifyAndSave({
          ...LOCKED,
          keyMode: 'passphrase',
          passphrase: 'a new passphrase',
          passphraseRepeat: 'a new passphrase',
        }),
      ).rejects.toBeInstanceOf(VaultError);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('SettingsState.verifyAndSave against the test server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  function real() {
    const store = new FakeSettingsStore();
    return { store, state: new SettingsState(store, createChatApi) };
  }

  it('saves a key the endpoint accepts and keeps its model list', async () => {
    const { state, store } = real();
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: TEST_API_KEY,
      baseUrl: `${server.url}/`,
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: DEFAULT_MODELS.length });
    expect(store.stored).toMatchObject({ apiKey: TEST_API_KEY, baseUrl: server.url });
    expect(state.models).toContain('gpt-4o-mini');
  });

  it('the real client sends the saved organization and project as headers', async () => {
    const { state, store } = real();
    const before = server.requests.length;
    const outcome = await state.verifyAndSave({
      apiKey: TEST_API_KEY,
      baseUrl: server.url,
      organization: 'org-parley',
      project: 'proj_parley',
    });
    expect(outcome.type).toBe('saved');
    expect(store.stored).toMatchObject({ organization: 'org-parley', project: 'proj_parley' });
    const check = server.requests.slice(before).find((r) => r.method === 'GET');
    expect(check?.headers).toMatchObject({
      'openai-organization': 'org-parley',
      'openai-project': 'proj_parley',
    });

    await state.refreshModels();
    const refresh = server.requests.at(-1);
    expect(refresh?.method).toBe('GET');
    expect(refresh?.headers).toMatchObject({
      'openai-organization': 'org-parley',
      'openai-project': 'proj_parley',
    });
  });

  it('the real client sends neither header when both are blank', async () => {
    const { state } = real();
    const before = server.requests.length;
    await state.verifyAndSave({ ...BLANK, apiKey: TEST_API_KEY, baseUrl: server.url });
    const sent = server.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(request.headers).not.toHaveProperty('openai-organization');
      expect(request.headers).not.toHaveProperty('openai-project');
    }
  });

  it('a rejected key is not saved and cannot be saved anyway', async () => {
    const { state, store } = real();
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: 'sk-wrong-0123456789abcdef',
      baseUrl: server.url,
    });
    expect(outcome).toMatchObject({
      type: 'failed',
      canSaveAnyway: false,
      error: { kind: 'auth' },
    });
    expect(store.putSettings).not.toHaveBeenCalled();
  });

  it('Azure: checks the key with GET /openai/models (api-key header) and saves', async () => {
    const { state, store } = real();
    const before = server.requests.length;
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: TEST_API_KEY,
      baseUrl: server.origin,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION,
    });
    expect(outcome).toEqual({ type: 'saved', modelCount: 0 });
    expect(store.stored).toMatchObject({ provider: 'azure', baseUrl: server.origin });
    const [check] = server.requests.slice(before);
    expect(check).toMatchObject({ method: 'GET', path: '/openai/models' });
    expect(check?.headers['api-key']).toBe('***');
  });

  it('Azure: a rejected key is not saved and cannot be saved anyway', async () => {
    const { state, store } = real();
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: 'ffffffffffffffffffffffffffffffff',
      baseUrl: server.origin,
      provider: 'azure',
      azureApiVersion: AZURE_API_VERSION,
    });
    expect(outcome).toMatchObject({
      type: 'failed',
      canSaveAnyway: false,
      error: { kind: 'auth' },
    });
    expect(store.putSettings).not.toHaveBeenCalled();
  });

  it('an unreachable endpoint is not saved but can be saved anyway', async () => {
    const gone = await startTestServer();
    const url = gone.url;
    await gone.close();
    const { state, store } = real();
    const outcome = await state.verifyAndSave({ ...BLANK, apiKey: TEST_API_KEY, baseUrl: url });
    expect(outcome).toMatchObject({
      type: 'failed',
      canSaveAnyway: true,
      error: { kind: 'network' },
    });
    expect(store.putSettings).not.toHaveBeenCalled();
  });
});
