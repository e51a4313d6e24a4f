import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from './defaults';
import type { Conversation } from './types';
import { applyPatch, diffConversation, isEmptyPatch } from './conversation-patch';

const base: Conversation = {
  id: 'c',
  title: 'Title',
  isTitleCustom: false,
  systemPrompt: 'Prompt',
  params: { ...DEFAULT_PARAMS },
  createdAt: 1,
  updatedAt: 10,
  currentLeafId: null,
  presetId: null,
};

describe('diffConversation', () => {
  it('is empty for equal copies', () => {
    expect(isEmptyPatch(diffConversation(base, structuredClone(base)))).toBe(true);
  });

  it('names changed fields, and changed parameters one by one', () => {
    const patch = diffConversation(base, {
      ...base,
      title: 'New',
      params: { ...base.params, temperature: 0.1, stop: ['END'] },
    });
    expect(patch).toEqual({
      set: { title: 'New' },
      unset: [],
      nested: { params: { set: { temperature: 0.1, stop: ['END'] }, unset: [], nested: {} } },
    });
  });

  it('notes removed fields', () => {
    const withExtra = { ...base, extra: 1 } as Conversation;
    expect(diffConversation(withExtra, base).unset).toEqual(['extra']);
  });
});

describe('applyPatch', () => {
  it('applies only what changed over a record changed elsewhere', () => {
    const mine = { ...base, params: { ...base.params, temperature: 0.1 } };
    const theirs = { ...base, title: 'Theirs', params: { ...base.params, model: 'gpt-4.1' } };
    expect(applyPatch(theirs, diffConversation(base, mine))).toEqual({
      ...base,
      title: 'Theirs',
      params: { ...base.params, model: 'gpt-4.1', temperature: 0.1 },
    });
  });

  it('removes removed fields and never moves updatedAt back', () => {
    const withExtra = { ...base, extra: 1, updatedAt: 30 } as Conversation;
    const patch = diffConversation(withExtra, { ...base, updatedAt: 20 });
    const result = applyPatch(withExtra, patch);
    expect(result).not.toHaveProperty('extra');
    expect(result.updatedAt).toBe(30);
  });

  it('does not change its inputs', () => {
    const stored = structuredClone(base);
    applyPatch(stored, diffConversation(base, { ...base, params: { ...base.params, n: 3 } }));
    expect(stored).toEqual(base);
  });
});
