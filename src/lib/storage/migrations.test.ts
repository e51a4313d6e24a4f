/**
 * Every schema version gets a test here that builds the database exactly as that version left it,
 * with the raw IndexedDB API and literal names and records (never today's constants, fixtures or
 * migration code), fills it, opens it with today's code and checks that every record survived.
 * For version n+1: add `buildVersionN1`, make the fresh-install test expect it, and copy the
 * newest upgrade test, starting from version n.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS } from '../domain/defaults';
import { DB_VERSION } from './schema';
import { openStore, usageRepository } from './store';
import { getAllRaw, openRaw, putRaw } from './test-fixtures';

const NAME = 'parley-migration-test';

/** The version-1 schema, frozen: what a database built by Parley 1 holds. */
function buildVersion1(db: IDBDatabase): void {
  db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updatedAt', 'updatedAt');
  db.createObjectStore('messages', { keyPath: 'id' }).createIndex(
    'by-conversation',
    'conversationId',
  );
  db.createObjectStore('settings');
}

/** The version-2 schema, frozen: version 1 plus the person's presets. */
function buildVersion2(db: IDBDatabase): void {
  buildVersion1(db);
  db.createObjectStore('presets', { keyPath: 'id' });
}

/** The version-3 schema, frozen: version 2 plus one draft per conversation. */
function buildVersion3(db: IDBDatabase): void {
  buildVersion2(db);
  db.createObjectStore('drafts', { keyPath: 'conversationId' });
}

/** The version-4 schema, frozen: version 3 plus a tombstone per deleted conversation. */
function buildVersion4(db: IDBDatabase): void {
  buildVersion3(db);
  db.createObjectStore('tombstones', { keyPath: 'id' });
}

/** The version-5 schema, frozen: version 4 plus usage records, day totals and usage prefs. */
function buildVersion5(db: IDBDatabase): void {
  buildVersion4(db);
  const usage = db.createObjectStore('usage', { keyPath: 'id' });
  usage.createIndex('by-time', 'time');
  usage.createIndex('by-conversation', 'conversationId');
  db.createObjectStore('usage-days', { keyPath: 'key' });
  db.createObjectStore('usage-prefs');
}

function describeSchema(db: IDBDatabase) {
  const names = [...db.objectStoreNames].sort();
  const tx = db.transaction(names);
  return names.map((name) => {
    const store = tx.objectStore(name);
    const indexes = [...store.indexNames].sort().map((index) => ({
      index,
      keyPath: store.index(index).keyPath,
    }));
    return { name, keyPath: store.keyPath, indexes };
  });
}

async function schemaOf(factory: IDBFactory) {
  const db = await openRaw(factory, NAME, 5);
  const schema = describeSchema(db);
  db.close();
  return schema;
}

/** Records exactly as Parley 1 wrote them: params held only model, temperature and maxTokens. */
const V1 = {
  conversations: [
    {
      id: 'full',
      title: 'Greetings',
      isTitleCustom: true,
      systemPrompt: 'Be brief.',
      params: { model: 'gpt-4o', temperature: 0.5, maxTokens: 256 },
      createdAt: 1,
      updatedAt: 3,
      currentLeafId: 'm2',
    },
    {
      id: 'no-limit',
      title: 'Open ended',
      isTitleCustom: false,
      systemPrompt: '',
      params: { model: 'gpt-4o-mini', temperature: 1, maxTokens: null },
      createdAt: 1,
      updatedAt: 2,
      currentLeafId: null,
    },
  ],
  messages: [
    {
      id: 'm1',
      conversationId: 'full',
      parentId: null,
      role: 'user',
      content: 'Hello',
      status: 'complete',
      createdAt: 1,
      updatedAt: 1,
    },
    {
      id: 'm2',
      conversationId: 'full',
      parentId: 'm1',
      role: 'assistant',
      content: 'Hi.',
      status: 'complete',
      createdAt: 2,
      updatedAt: 2,
      model: 'gpt-4o-2024-08-06',
      finishReason: 'length',
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    },
    {
      id: 'm3',
      conversationId: 'no-limit',
      parentId: null,
      role: 'assistant',
      content: '',
      status: 'error',
      createdAt: 2,
      updatedAt: 2,
      error: { kind: 'rate_limit', detail: 'Slow down', status: 429, retryAfterSeconds: 20 },
    },
  ],
  settings: { apiKey: 'sk-old', baseUrl: 'https://example.test/v1', locale: 'zh-CN' },
} as const;

describe('version 5', () => {
  it('is what a fresh install builds', async () => {
    const fresh = new IDBFactory();
    (await openStore({ name: NAME, indexedDB: fresh })).close();
    const byHand = new IDBFactory();
    (await openRaw(byHand, NAME, 5, buildVersion5)).close();

    expect(await schemaOf(fresh)).toEqual(await schemaOf(byHand));
  });

  it.each([
    [1, buildVersion1],
    [2, buildVersion2],
    [3, buildVersion3],
    [4, buildVersion4],
  ] as const)('is what an upgraded version-%i database has', async (version, build) => {
    const upgraded = new IDBFactory();
    (await openRaw(upgraded, NAME, version, build)).close();
    (await openStore({ name: NAME, indexedDB: upgraded })).close();
    const byHand = new IDBFactory();
    (await openRaw(byHand, NAME, 5, buildVersion5)).close();

    expect(await schemaOf(upgraded)).toEqual(await schemaOf(byHand));
  });
});

describe('version 1 → 2', () => {
  async function upgradedFromVersion1() {
    const factory = new IDBFactory();
    const db = await openRaw(factory, NAME, 1, buildVersion1);
    await putRaw(
      db,
      'conversations',
      V1.conversations.map((value) => ({ value })),
    );
    await putRaw(
      db,
      'messages',
      V1.messages.map((value) => ({ value })),
    );
    await putRaw(db, 'settings', [{ value: V1.settings, key: 'settings' }]);
    db.close();
    return { factory, store: await openStore({ name: NAME, indexedDB: factory }) };
  }

  it('reads every record intact, in today’s shape', async () => {
    const { store } = await upgradedFromVersion1();

    expect(await store.listConversations()).toEqual(
      V1.conversations.map((c) => ({
        ...c,
        params: { ...DEFAULT_PARAMS, ...c.params },
        presetId: null,
      })),
    );
    expect(await store.listMessages('full')).toEqual([V1.messages[0], V1.messages[1]]);
    expect(await store.listMessages('no-limit')).toEqual([V1.messages[2]]);
    expect(await store.getSettings()).toEqual({ ...DEFAULT_SETTINGS, ...V1.settings });
    store.close();
  });

  it('starts with an empty presets store that takes writes', async () => {
    const { store } = await upgradedFromVersion1();
    expect(await store.listPresets()).toEqual([]);
    const preset = {
      id: 'p',
      name: 'Mine',
      params: { temperature: 0 },
      createdAt: 1,
      updatedAt: 1,
    };
    await store.putPreset(preset);
    expect(await store.listPresets()).toEqual([preset]);
    store.close();
  });

  it('leaves the records on disk untouched (normalising happens on read)', async () => {
    const { factory, store } = await upgradedFromVersion1();
    store.close();
    const db = await openRaw(factory, NAME, 5);
    expect(await getAllRaw(db, 'conversations')).toEqual(V1.conversations);
    expect(await getAllRaw(db, 'messages')).toEqual(V1.messages);
    expect(await getAllRaw(db, 'settings')).toEqual([V1.settings]);
    db.close();
  });
});

/** Records exactly as Parley 2 wrote them: version 1's shapes plus full params and presets. */
const V2 = {
  conversation: {
    id: 'c2',
    title: 'With a preset',
    isTitleCustom: false,
    systemPrompt: 'Be brief.',
    params: {
      model: 'gpt-4o',
      temperature: 0.2,
      maxTokens: 100,
      topP: 0.9,
      n: 2,
      stop: ['END'],
      presencePenalty: 0.1,
      frequencyPenalty: -0.1,
      seed: 7,
      responseFormat: 'json_object',
      reasoningEffort: null,
      contextWindow: null,
    },
    createdAt: 10,
    updatedAt: 20,
    currentLeafId: 'r1',
    presetId: 'mine',
  },
  messages: [
    {
      id: 'q1',
      conversationId: 'c2',
      parentId: null,
      role: 'user',
      content: 'Question',
      status: 'complete',
      createdAt: 11,
      updatedAt: 11,
    },
    {
      id: 'r1',
      conversationId: 'c2',
      parentId: 'q1',
      role: 'assistant',
      content: 'Half an ans',
      status: 'streaming',
      createdAt: 12,
      updatedAt: 13,
      model: 'gpt-4o',
      choiceIndex: 0,
      choiceCount: 2,
      stopSequences: ['END'],
    },
  ],
  preset: {
    id: 'mine',
    name: 'Mine',
    params: { temperature: 0.2 },
    systemPrompt: 'Be brief.',
    createdAt: 5,
    updatedAt: 6,
  },
  settings: {
    apiKey: 'sk-two',
    baseUrl: 'https://example.test/v1',
    locale: null,
    organization: 'org-1',
    project: null,
    defaultPresetId: 'mine',
  },
} as const;

describe('version 2 → 3', () => {
  async function upgradedFromVersion2() {
    const factory = new IDBFactory();
    const db = await openRaw(factory, NAME, 2, buildVersion2);
    await putRaw(db, 'conversations', [{ value: V2.conversation }]);
    await putRaw(
      db,
      'messages',
      V2.messages.map((value) => ({ value })),
    );
    await putRaw(db, 'presets', [{ value: V2.preset }]);
    await putRaw(db, 'settings', [{ value: V2.settings, key: 'settings' }]);
    db.close();
    return { factory, store: await openStore({ name: NAME, indexedDB: factory }) };
  }

  it('reads every record intact, in today’s shape', async () => {
    const { store } = await upgradedFromVersion2();

    expect(await store.listConversations()).toEqual([V2.conversation]);
    // Still `streaming`: whether another tab is streaming it is for state to decide, not storage.
    expect(await store.listMessages('c2')).toEqual(V2.messages);
    expect(await store.listPresets()).toEqual([V2.preset]);
    expect(await store.getSettings()).toEqual({ ...DEFAULT_SETTINGS, ...V2.settings });
    store.close();
  });

  it('starts with no drafts, and the drafts store takes writes', async () => {
    const { store } = await upgradedFromVersion2();
    expect(await store.getDraft('c2')).toBeUndefined();
    expect(await store.listDrafts()).toEqual([]);
    await store.putDraft({ conversationId: 'c2', text: 'Unsent', updatedAt: 30 });
    expect(await store.getDraft('c2')).toEqual({
      conversationId: 'c2',
      text: 'Unsent',
      updatedAt: 30,
    });
    store.close();
  });

  it('leaves the records on disk untouched', async () => {
    const { factory, store } = await upgradedFromVersion2();
    store.close();
    const db = await openRaw(factory, NAME, 5);
    expect(await getAllRaw(db, 'conversations')).toEqual([V2.conversation]);
    expect(await getAllRaw(db, 'messages')).toEqual(V2.messages);
    expect(await getAllRaw(db, 'presets')).toEqual([V2.preset]);
    expect(await getAllRaw(db, 'settings')).toEqual([V2.settings]);
    db.close();
  });
});

/** Records exactly as Parley 3 wrote them: version 2's shapes plus a draft. */
const V3 = {
  conversation: { ...V2.conversation, id: 'c3', currentLeafId: 'q3' },
  message: { ...V2.messages[0], id: 'q3', conversationId: 'c3' },
  preset: V2.preset,
  draft: { conversationId: 'c3', text: 'Half a thought', updatedAt: 40 },
  settings: V2.settings,
} as const;

describe('version 3 → 4', () => {
  async function upgradedFromVersion3() {
    const factory = new IDBFactory();
    const db = await openRaw(factory, NAME, 3, buildVersion3);
    await putRaw(db, 'conversations', [{ value: V3.conversation }]);
    await putRaw(db, 'messages', [{ value: V3.message }]);
    await putRaw(db, 'presets', [{ value: V3.preset }]);
    await putRaw(db, 'drafts', [{ value: V3.draft }]);
    await putRaw(db, 'settings', [{ value: V3.settings, key: 'settings' }]);
    db.close();
    return { factory, store: await openStore({ name: NAME, indexedDB: factory }) };
  }

  it('reads every record intact', async () => {
    const { store } = await upgradedFromVersion3();
    expect(await store.listConversations()).toEqual([V3.conversation]);
    expect(await store.listMessages('c3')).toEqual([V3.message]);
    expect(await store.listPresets()).toEqual([V3.preset]);
    expect(await store.listDrafts()).toEqual([V3.draft]);
    expect(await store.getSettings()).toEqual({ ...DEFAULT_SETTINGS, ...V3.settings });
    store.close();
  });

  it('starts with no tombstones, and deleting a conversation leaves one', async () => {
    const { store } = await upgradedFromVersion3();
    expect(await store.listTombstones()).toEqual([]);
    await store.deleteConversation('c3', 50);
    expect(await store.listTombstones()).toEqual([{ id: 'c3', deletedAt: 50 }]);
    store.close();
  });

  it('leaves the records on disk untouched', async () => {
    const { factory, store } = await upgradedFromVersion3();
    store.close();
    const db = await openRaw(factory, NAME, 5);
    expect(await getAllRaw(db, 'conversations')).toEqual([V3.conversation]);
    expect(await getAllRaw(db, 'messages')).toEqual([V3.message]);
    expect(await getAllRaw(db, 'drafts')).toEqual([V3.draft]);
    expect(await getAllRaw(db, 'tombstones')).toEqual([]);
    db.close();
  });
});

/** Records exactly as Parley 4 wrote them: version 3's shapes plus a tombstone. */
const V4 = {
  ...V3,
  tombstone: { id: 'gone', deletedAt: 45 },
} as const;

describe('version 4 → 5', () => {
  async function upgradedFromVersion4() {
    const factory = new IDBFactory();
    const db = await openRaw(factory, NAME, 4, buildVersion4);
    await putRaw(db, 'conversations', [{ value: V4.conversation }]);
    await putRaw(db, 'messages', [{ value: V4.message }]);
    await putRaw(db, 'presets', [{ value: V4.preset }]);
    await putRaw(db, 'drafts', [{ value: V4.draft }]);
    await putRaw(db, 'tombstones', [{ value: V4.tombstone }]);
    await putRaw(db, 'settings', [{ value: V4.settings, key: 'settings' }]);
    db.close();
    const store = await openStore({ name: NAME, indexedDB: factory });
    return { factory, store, usage: await usageRepository(store) };
  }

  it('reads every record intact', async () => {
    const { store } = await upgradedFromVersion4();
    expect(await store.listConversations()).toEqual([V4.conversation]);
    expect(await store.listMessages('c3')).toEqual([V4.message]);
    expect(await store.listPresets()).toEqual([V4.preset]);
    expect(await store.listDrafts()).toEqual([V4.draft]);
    expect(await store.listTombstones()).toEqual([V4.tombstone]);
    expect(await store.getSettings()).toEqual({ ...DEFAULT_SETTINGS, ...V4.settings });
    store.close();
  });

  it('starts with no usage and no budget, and the usage stores take writes', async () => {
    const { store, usage } = await upgradedFromVersion4();
    expect(await usage.listUsage()).toEqual([]);
    expect(await usage.listUsageDays(null)).toEqual([]);
    expect((await usage.getUsagePrefs()).monthlyBudget).toBeNull();
    const record = {
      id: 'u1',
      time: new Date(2026, 11, 1, 12).getTime(),
      conversationId: 'c3',
      model: 'gpt-4o',
      endpoint: 'https://api.openai.com',
      promptTokens: 10,
      cachedTokens: 0,
      completionTokens: 5,
      reasoningTokens: 0,
      cost: 0.001,
      priceVersion: 'custom',
    };
    await usage.addUsage(record);
    expect(await usage.listUsage()).toEqual([record]);
    expect((await usage.conversationUsage('c3')).requests).toBe(1);
    store.close();
  });

  it('leaves the records on disk untouched', async () => {
    const { factory, store } = await upgradedFromVersion4();
    store.close();
    const db = await openRaw(factory, NAME, 5);
    expect(await getAllRaw(db, 'conversations')).toEqual([V4.conversation]);
    expect(await getAllRaw(db, 'tombstones')).toEqual([V4.tombstone]);
    expect(await getAllRaw(db, 'usage')).toEqual([]);
    expect(await getAllRaw(db, 'usage-days')).toEqual([]);
    db.close();
  });
});

it('DB_VERSION has a migration test above for every version', () => {
  expect(DB_VERSION).toBe(5);
});
