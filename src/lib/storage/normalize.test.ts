import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { Settings } from '../domain/types';
import {
  normalizeConversation,
  normalizeMessage,
  normalizePreset,
  normalizeSettings,
} from './normalize';
import { conversation, message, params, preset } from './test-fixtures';

describe('normalizeConversation', () => {
  it('leaves a complete record as it is', () => {
    const complete = conversation({ currentLeafId: 'm2', isTitleCustom: true });
    expect(normalizeConversation(complete)).toEqual(complete);
  });

  it('fills every missing field with its default', () => {
    expect(normalizeConversation({ id: 'old', title: 'Old', createdAt: 5 })).toEqual({
      id: 'old',
      title: 'Old',
      isTitleCustom: false,
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      params: DEFAULT_PARAMS,
      createdAt: 5,
      updatedAt: 5,
      currentLeafId: null,
      presetId: null,
    });
  });

  it('fills missing params fields and replaces mistyped ones', () => {
    const normalized = normalizeConversation({ id: 'c', params: { model: '', temperature: '1' } });
    expect(normalized.params).toEqual(DEFAULT_PARAMS);
    expect(normalizeConversation({ id: 'c', params: { model: 'o3' } }).params).toEqual({
      ...DEFAULT_PARAMS,
      model: 'o3',
    });
  });

  it('reads version-1 params (model, temperature, maxTokens only) with defaults for the rest', () => {
    const stored = { id: 'c', params: { model: 'gpt-4o', temperature: 0.3, maxTokens: 100 } };
    expect(normalizeConversation(stored).params).toEqual({
      ...DEFAULT_PARAMS,
      model: 'gpt-4o',
      temperature: 0.3,
      maxTokens: 100,
    });
  });

  it('replaces every mistyped parameter with its default', () => {
    const mistyped = {
      model: 7,
      temperature: Number.NaN,
      maxTokens: 1.5,
      topP: '0.9',
      n: 0,
      stop: ['END', 3],
      presencePenalty: Infinity,
      frequencyPenalty: {},
      seed: 0.5,
      responseFormat: 'yaml',
      reasoningEffort: 'extreme',
      contextWindow: -1,
    };
    expect(normalizeConversation({ id: 'c', params: mistyped }).params).toEqual(DEFAULT_PARAMS);
  });

  it('keeps null where a parameter may be left out of the request', () => {
    const nulls = params({
      maxTokens: null,
      topP: null,
      presencePenalty: null,
      frequencyPenalty: null,
      seed: null,
      reasoningEffort: null,
      contextWindow: null,
    });
    expect(normalizeConversation(conversation({ params: nulls })).params).toEqual(nulls);
  });

  it('never shares the default stop array between records', () => {
    const a = normalizeConversation({ id: 'a' });
    const b = normalizeConversation({ id: 'b' });
    expect(a.params.stop).not.toBe(b.params.stop);
    expect(a.params.stop).not.toBe(DEFAULT_PARAMS.stop);
  });

  it('keeps fields it does not know, at the top level and in params', () => {
    const stored = {
      ...conversation(),
      folder: 'work',
      params: { ...params(), logitBias: { 1: 2 } },
    };
    expect(normalizeConversation(stored)).toMatchObject({
      folder: 'work',
      params: { logitBias: { 1: 2 } },
    });
  });

  it('reads an empty or mistyped presetId as no preset', () => {
    expect(normalizeConversation({ ...conversation(), presetId: '' }).presetId).toBeNull();
    expect(normalizeConversation({ ...conversation(), presetId: 3 }).presetId).toBeNull();
  });

  it('dates a record without createdAt from its updatedAt', () => {
    const normalized = normalizeConversation({ id: 'c', updatedAt: 7 });
    expect([normalized.createdAt, normalized.updatedAt]).toEqual([7, 7]);
  });
});

describe('normalizeMessage', () => {
  it('leaves a complete record as it is', () => {
    const complete = message({
      role: 'assistant',
      model: 'gpt-4o',
      finishReason: null,
      stopSequences: ['END'],
      matchedStop: 'END',
      choiceIndex: 0,
      choiceCount: 2,
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      error: { kind: 'rate_limit', detail: 'slow down', status: 429 },
      status: 'error',
    });
    expect(normalizeMessage(complete)).toEqual(complete);
  });

  it('reads a message without status as complete and without updatedAt as createdAt', () => {
    const normalized = normalizeMessage({ id: 'm', conversationId: 'c', createdAt: 3 });
    expect(normalized).toEqual({
      id: 'm',
      conversationId: 'c',
      parentId: null,
      role: 'user',
      content: '',
      status: 'complete',
      createdAt: 3,
      updatedAt: 3,
    });
  });

  it('keeps absent optional fields absent and drops mistyped ones', () => {
    const normalized = normalizeMessage({
      ...message(),
      model: 42,
      stopSequences: 'END',
      matchedStop: null,
      choiceIndex: -1,
      choiceCount: 0,
      usage: 'lots',
      error: null,
    });
    for (const field of [
      'model',
      'finishReason',
      'stopSequences',
      'matchedStop',
      'choiceIndex',
      'choiceCount',
      'usage',
      'error',
    ]) {
      expect(normalized).not.toHaveProperty(field);
    }
  });

  it('leaves a streaming message streaming: only state knows whether it was abandoned', () => {
    expect(normalizeMessage(message({ status: 'streaming' })).status).toBe('streaming');
  });

  it('replaces an unknown status with complete and an unknown role with user', () => {
    const normalized = normalizeMessage({ ...message(), status: 'pending', role: 'tool' });
    expect([normalized.status, normalized.role]).toEqual(['complete', 'user']);
  });

  it('reads an error kind from a newer version as server, keeping its detail', () => {
    const normalized = normalizeMessage({
      ...message(),
      error: { kind: 'moderation', detail: 'no' },
    });
    expect(normalized.error).toEqual({ kind: 'server', detail: 'no' });
  });

  it('completes partial usage', () => {
    const normalized = normalizeMessage({
      ...message(),
      usage: { promptTokens: 2, completionTokens: 3 },
    });
    expect(normalized.usage).toEqual({ promptTokens: 2, completionTokens: 3, totalTokens: 5 });
  });

  it('keeps fields it does not know, at the top level and nested', () => {
    const stored = {
      ...message(),
      attachments: ['a.png'],
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, cachedTokens: 1 },
      error: { kind: 'server', requestId: 'req_1' },
    };
    expect(normalizeMessage(stored)).toMatchObject({
      attachments: ['a.png'],
      usage: { cachedTokens: 1 },
      error: { requestId: 'req_1' },
    });
  });
});

describe('normalizeSettings', () => {
  it('reads a fresh database (no record) as the defaults', () => {
    expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  });

  it('leaves complete settings as they are', () => {
    const complete: Settings = {
      apiKey: 'sk-test',
      baseUrl: 'http://localhost:1234/v1',
      provider: 'azure',
      azureApiVersion: '2025-04-01-preview',
      locale: 'zh-CN',
      organization: 'org-1',
      project: 'proj_1',
      defaultPresetId: 'builtin:precise',
      requestsPerMinute: null,
      tokensPerMinute: null,
      encryptedKey: null,
      theme: 'dark',
      isAutoTitleOn: true,
      titleModel: 'gpt-4o-mini',
    };
    expect(normalizeSettings(complete)).toEqual(complete);
  });

  it('reads version-1 settings with the new fields at their defaults', () => {
    const v1 = { apiKey: 'sk-test', baseUrl: 'http://localhost:1234/v1', locale: 'en' };
    expect(normalizeSettings(v1)).toEqual({ ...DEFAULT_SETTINGS, ...v1 });
  });

  it('replaces invalid values and keeps unknown fields', () => {
    const stored = {
      apiKey: 5,
      baseUrl: '',
      locale: 'fr',
      organization: '',
      project: 7,
      defaultPresetId: false,
      provider: 'bedrock',
      azureApiVersion: 20241021,
      theme: 'dark',
    };
    expect(normalizeSettings(stored)).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
    });
  });

  it('reads settings from before providers as OpenAI, with no Azure API version', () => {
    const before = { apiKey: 'sk-test', baseUrl: 'https://api.openai.com/v1' };
    expect(normalizeSettings(before)).toMatchObject({ provider: 'openai', azureApiVersion: null });
  });

  it.each([
    ['2024-10-21', '2024-10-21'],
    [' 2025-04-01-preview ', '2025-04-01-preview'],
    ['', null],
    ['latest', null],
    ['2024-13-01', null],
    [null, null],
  ])('reads the Azure API version %j as %j', (stored, expected) => {
    expect(normalizeSettings({ provider: 'azure', azureApiVersion: stored })).toMatchObject({
      provider: 'azure',
      azureApiVersion: expected,
    });
  });
});

describe('normalizePreset', () => {
  it('leaves a complete record as it is', () => {
    const complete = preset();
    expect(normalizePreset(complete)).toEqual(complete);
  });

  it('keeps only the parameters a preset sets, and no system prompt when it sets none', () => {
    const partial = {
      id: 'p',
      name: 'Cold',
      params: { temperature: 0.2, maxTokens: null },
      createdAt: 1,
      updatedAt: 2,
    };
    expect(normalizePreset(partial)).toEqual(partial);
  });

  it('drops mistyped parameters instead of filling in values the preset never set', () => {
    const normalized = normalizePreset({
      id: 'p',
      name: 'Odd',
      params: { temperature: 'hot', maxTokens: 0, stop: [1], topP: 0.5 },
      systemPrompt: 5,
    });
    expect(normalized.params).toEqual({ topP: 0.5 });
    expect(normalized).not.toHaveProperty('systemPrompt');
  });

  it('fills missing fields and keeps unknown ones, at the top level and in params', () => {
    const stored = { id: 'p', updatedAt: 4, params: 'x', icon: '🧊' };
    const normalized = normalizePreset(stored);
    expect(normalized).toEqual({
      id: 'p',
      name: '',
      params: {},
      createdAt: 4,
      updatedAt: 4,
      icon: '🧊',
    });
    const future = normalizePreset({ ...preset(), params: { verbosity: 'low' } });
    expect(future.params).toEqual({ verbosity: 'low' });
  });
});
