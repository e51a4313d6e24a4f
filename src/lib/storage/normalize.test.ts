import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { Settings } from '../domain/types';
import { normalizeConversation, normalizeMessage, normalizeSettings } from './normalize';
import { conversation, message } from './test-fixtures';

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
    });
  });

  it('fills missing params fields and replaces mistyped ones', () => {
    const normalized = normalizeConversation({ id: 'c', params: { model: '', temperature: '1' } });
    expect(normalized.params).toEqual(DEFAULT_PARAMS);
    expect(normalizeConversation({ id: 'c', params: { model: 'o3' } }).params.model).toBe('o3');
  });

  it('keeps fields it does not know, at the top level and in params', () => {
    const stored = { ...conversation(), folder: 'work', params: { ...DEFAULT_PARAMS, topP: 0.9 } };
    expect(normalizeConversation(stored)).toMatchObject({ folder: 'work', params: { topP: 0.9 } });
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
    const normalized = normalizeMessage({ ...message(), model: 42, usage: 'lots', error: null });
    for (const field of ['model', 'finishReason', 'usage', 'error']) {
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
      locale: 'zh-CN',
    };
    expect(normalizeSettings(complete)).toEqual(complete);
  });

  it('replaces invalid values and keeps unknown fields', () => {
    const stored = { apiKey: 5, baseUrl: '', locale: 'fr', theme: 'dark' };
    expect(normalizeSettings(stored)).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
    });
  });
});
