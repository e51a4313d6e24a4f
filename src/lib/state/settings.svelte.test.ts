import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MODELS,
  startTestServer,
  TEST_API_KEY,
  type TestServer,
} from '../../../tests/support/server';
import { createChatApi, type ApiConfig, type ChatApi } from '../api/client';
import { ApiError } from '../api/errors';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import type { Settings } from '../domain/types';
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
    const outcome = await state.verifyAndSave({
      ...BLANK,
      apiKey: '   ',
      baseUrl: 'http://localhost:11434/v1',
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
      baseUrl: 'https://example.com/v1',
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
