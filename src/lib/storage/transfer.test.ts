import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import { buildExport, ImportError, parseExport } from './transfer';
import type { ImportProblem } from './transfer';
import { conversation, message, preset } from './test-fixtures';

function problemOf(text: string): ImportProblem {
  try {
    parseExport(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as ImportError).problem;
  }
  throw new Error('parsed without a problem');
}

const exportOf = (fields: Record<string, unknown>) =>
  JSON.stringify({ format: 'parley-export', version: 1, conversations: [], ...fields });

describe('buildExport', () => {
  it('files messages under their conversation and leaves every key out of the settings', () => {
    const file = buildExport(
      [conversation({ id: 'a' }), conversation({ id: 'b' })],
      [
        message({ id: 'm', conversationId: 'b' }),
        message({ id: 'orphan', conversationId: 'gone' }),
      ],
      [preset()],
      {
        ...DEFAULT_SETTINGS,
        apiKey: 'sk-secret',
        encryptedKey: { ciphertext: 'x', iv: 'y', salt: 'z', iterations: 2 },
        keyMode: 'passphrase',
        locale: 'zh-CN',
        provider: 'azure',
        azureApiVersion: '2024-10-21',
      },
      0,
    );
    expect(file.conversations.map((c) => [c.id, c.messages.map((m) => m.id)])).toEqual([
      ['a', []],
      ['b', ['m']],
    ]);
    expect(file.settings).toEqual({
      baseUrl: DEFAULT_SETTINGS.baseUrl,
      provider: 'azure',
      azureApiVersion: '2024-10-21',
      locale: 'zh-CN',
      organization: null,
      project: null,
      defaultPresetId: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
      theme: 'system',
      isAutoTitleOn: false,
      titleModel: null,
    });
    expect(JSON.stringify(file)).not.toContain('sk-secret');
  });
});

describe('parseExport', () => {
  it('reads a valid file, normalising records like storage does', () => {
    const data = parseExport(
      exportOf({
        conversations: [
          {
            id: 'c',
            title: 'Old export',
            params: { model: 'gpt-4o' },
            futureField: 1,
            messages: [{ id: 'm', role: 'user', content: 'Hi', createdAt: 3 }],
          },
        ],
        presets: [{ id: 'p', name: 'Mine', params: { temperature: 'hot' } }],
      }),
    );
    expect(data.conversations).toEqual([
      {
        id: 'c',
        title: 'Old export',
        isTitleCustom: false,
        systemPrompt: DEFAULT_SYSTEM_PROMPT,
        params: { ...DEFAULT_PARAMS, model: 'gpt-4o' },
        createdAt: 0,
        updatedAt: 0,
        currentLeafId: null,
        presetId: null,
        futureField: 1,
        messages: [
          {
            id: 'm',
            conversationId: 'c',
            parentId: null,
            role: 'user',
            content: 'Hi',
            status: 'complete',
            createdAt: 3,
            updatedAt: 3,
          },
        ],
      },
    ]);
    expect(data.presets).toEqual([
      { id: 'p', name: 'Mine', params: {}, createdAt: 0, updatedAt: 0 },
    ]);
  });

  it('takes a file without presets', () => {
    expect(parseExport(exportOf({ presets: undefined })).presets).toEqual([]);
  });

  it('leaves out built-in presets (they are code, not records)', () => {
    const data = parseExport(exportOf({ presets: [{ id: 'builtin:precise', name: 'Precise' }] }));
    expect(data.presets).toEqual([]);
  });

  it.each([
    ['', 'not-json'],
    ['{"format": "parley-export",', 'not-json'],
    ['[1, 2]', 'not-export'],
    ['"parley-export"', 'not-export'],
    ['{"conversations": []}', 'not-export'],
    ['{"format": "other-app", "version": 1, "conversations": []}', 'not-export'],
  ])('%j is refused as %s', (text, kind) => {
    expect(problemOf(text).kind).toBe(kind);
  });

  it('refuses a file from a newer Parley, saying which version', () => {
    expect(problemOf(exportOf({ version: 2 }))).toEqual({ kind: 'newer-version', version: 2 });
  });

  it.each([
    [{ version: '1' }, 'version'],
    [{ version: 0 }, 'version'],
    [{ conversations: undefined }, 'conversations'],
    [{ conversations: {} }, 'conversations'],
    [{ conversations: [null] }, 'conversations[0]'],
    [{ conversations: [{ messages: [] }] }, 'conversations[0].id'],
    [{ conversations: [{ id: '', messages: [] }] }, 'conversations[0].id'],
    [{ conversations: [{ id: 7, messages: [] }] }, 'conversations[0].id'],
    [{ conversations: [{ id: 'c' }] }, 'conversations[0].messages'],
    [
      {
        conversations: [
          { id: 'c', messages: [] },
          { id: 'c', messages: [] },
        ],
      },
      'conversations[1].id',
    ],
    [{ conversations: [{ id: 'c', messages: ['text'] }] }, 'conversations[0].messages[0]'],
    [
      { conversations: [{ id: 'c', messages: [{ role: 'user' }] }] },
      'conversations[0].messages[0].id',
    ],
    [
      { conversations: [{ id: 'c', messages: [{ id: 'm', conversationId: 'other' }] }] },
      'conversations[0].messages[0].conversationId',
    ],
    [
      {
        conversations: [
          { id: 'a', messages: [{ id: 'm' }] },
          { id: 'b', messages: [{ id: 'm' }] },
        ],
      },
      'conversations[1].messages[0].id',
    ],
    [{ presets: 'none' }, 'presets'],
    [{ presets: [{ name: 'No id' }] }, 'presets[0].id'],
    [{ presets: [{ id: 'p' }, { id: 'p' }] }, 'presets[1].id'],
  ])('a bad record %j is refused, naming %s', (fields, path) => {
    expect(problemOf(exportOf(fields))).toEqual({ kind: 'invalid', path });
  });

  it('says what is wrong in its message too', () => {
    expect(() => parseExport('nope')).toThrow('not JSON');
  });
});
