import { describe, expect, it } from 'vitest';
import { draftFromParams, parseParams, type ParamsDraft } from './params';

const VALID: ParamsDraft = { model: 'gpt-4o-mini', temperature: '1', maxTokens: '' };

function parse(patch: Partial<ParamsDraft>) {
  return parseParams({ ...VALID, ...patch });
}

describe('parseParams: temperature', () => {
  it.each([
    ['0', 0],
    ['2', 2],
    ['0.7', 0.7],
    ['1.', 1],
    ['.5', 0.5],
    [' 1.25 ', 1.25],
    ['2.00', 2],
  ])('accepts %j as %d', (text, value) => {
    expect(parse({ temperature: text })).toEqual({
      ok: true,
      params: { model: 'gpt-4o-mini', temperature: value, maxTokens: null },
    });
  });

  it.each(['2.01', '-0.1', '', '   ', 'abc', '1e1', '1e-1', '0x1', 'Infinity', 'NaN', '1,5', '+1'])(
    'rejects %j',
    (text) => {
      expect(parse({ temperature: text })).toEqual({ ok: false, errors: { temperature: true } });
    },
  );
});

describe('parseParams: max tokens', () => {
  it('leaves max tokens out when the field is empty or blank', () => {
    expect(parse({ maxTokens: '' })).toMatchObject({ ok: true, params: { maxTokens: null } });
    expect(parse({ maxTokens: '  ' })).toMatchObject({ ok: true, params: { maxTokens: null } });
  });

  it.each([
    ['1', 1],
    ['4096', 4096],
    [' 128 ', 128],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('accepts %j as %d', (text, value) => {
    expect(parse({ maxTokens: text })).toMatchObject({ ok: true, params: { maxTokens: value } });
  });

  it.each(['0', '-3', '1.5', '1e3', 'abc', '9007199254740993', '1'.repeat(40)])(
    'rejects %j',
    (text) => {
      expect(parse({ maxTokens: text })).toEqual({ ok: false, errors: { maxTokens: true } });
    },
  );
});

describe('parseParams: model', () => {
  it('trims the model', () => {
    expect(parse({ model: '  gpt-4o  ' })).toMatchObject({ ok: true, params: { model: 'gpt-4o' } });
  });

  it('accepts ids with slashes, colons and dots (compatible servers)', () => {
    for (const model of ['meta-llama/Llama-3.1-8B', 'llama3.2:1b', 'ft:gpt-4o-mini:org::abc']) {
      expect(parse({ model })).toMatchObject({ ok: true, params: { model } });
    }
  });

  it.each(['', '   ', 'gpt 4o', 'gpt-4o\tmini', 'a\nb'])('rejects %j', (model) => {
    expect(parse({ model })).toEqual({ ok: false, errors: { model: true } });
  });
});

describe('parseParams: several problems', () => {
  it('names every field that is wrong at once', () => {
    expect(parseParams({ model: '', temperature: '3', maxTokens: '0' })).toEqual({
      ok: false,
      errors: { model: true, temperature: true, maxTokens: true },
    });
  });
});

describe('draftFromParams', () => {
  it('writes params as the form shows them and parses back to the same params', () => {
    const params = { model: 'gpt-4.1', temperature: 0.2, maxTokens: 512 };
    const draft = draftFromParams(params);
    expect(draft).toEqual({ model: 'gpt-4.1', temperature: '0.2', maxTokens: '512' });
    expect(parseParams(draft)).toEqual({ ok: true, params });
  });

  it('shows no max tokens as an empty field', () => {
    const draft = draftFromParams({ model: 'm', temperature: 1, maxTokens: null });
    expect(draft.maxTokens).toBe('');
    expect(parseParams(draft)).toEqual({
      ok: true,
      params: { model: 'm', temperature: 1, maxTokens: null },
    });
  });
});
