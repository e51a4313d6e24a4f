import { describe, expect, it } from 'vitest';
import { inferFromId } from '../models/infer';
import type { ModelInfo } from '../models/types';
import { DEFAULT_PARAMS } from './defaults';
import {
  draftFromParams,
  escapeStop,
  N_MAX,
  parseParams,
  STOP_SLOTS,
  unescapeStop,
  type ParamsDraft,
} from './params';
import type { ChatParams } from './types';
import { CHAT_INFO, REASONING_INFO } from '../models/testing/infos';

const VALID: ParamsDraft = {
  model: 'gpt-4o-mini',
  temperature: '1',
  maxTokens: '',
  topP: '',
  n: '1',
  stop: ['', '', '', ''],
  presencePenalty: '',
  frequencyPenalty: '',
  seed: '',
  responseFormat: 'text',
  reasoningEffort: '',
  contextWindow: '',
};

/** A model the catalog does not know (custom endpoint): no limits. */
const UNKNOWN_INFO: ModelInfo = {
  id: 'my-local-llama',
  contextWindow: null,
  maxOutputTokens: null,
  price: null,
  isReasoning: false,
  unsupported: ['reasoning_effort'],
  usesMaxCompletionTokens: false,
  supportsReasoningEffort: false,
  supportsJsonObject: true,
  source: 'pattern',
};

const VALID_PARAMS: ChatParams = { ...DEFAULT_PARAMS, model: 'gpt-4o-mini' };

function parse(patch: Partial<ParamsDraft>, info?: ModelInfo) {
  return parseParams({ ...VALID, ...patch }, info);
}

function params(patch: Partial<ChatParams>) {
  return { ok: true, params: { ...VALID_PARAMS, ...patch } };
}

describe('parseParams: the defaults', () => {
  it('parses the form of DEFAULT_PARAMS back to DEFAULT_PARAMS', () => {
    expect(parseParams(VALID)).toEqual({ ok: true, params: { ...DEFAULT_PARAMS } });
    expect(parseParams(VALID, CHAT_INFO)).toEqual({ ok: true, params: { ...DEFAULT_PARAMS } });
  });
});

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
    expect(parse({ temperature: text })).toEqual(params({ temperature: value }));
  });

  it.each(['2.01', '-0.1', '', '   ', 'abc', '1e1', '1e-1', '0x1', 'Infinity', 'NaN', '1,5', '+1'])(
    'rejects %j',
    (text) => {
      expect(parse({ temperature: text })).toEqual({
        ok: false,
        errors: { temperature: { code: 'range', min: 0, max: 2 } },
      });
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
      expect(parse({ maxTokens: text })).toEqual({
        ok: false,
        errors: {
          maxTokens: { code: 'integer-range', min: 1, max: Number.MAX_SAFE_INTEGER },
        },
      });
    },
  );

  it("is bounded by the model's output limit when the catalog knows it", () => {
    expect(parse({ maxTokens: '16384' }, CHAT_INFO)).toEqual(params({ maxTokens: 16_384 }));
    expect(parse({ maxTokens: '16385' }, CHAT_INFO)).toEqual({
      ok: false,
      errors: { maxTokens: { code: 'max-output', max: 16_384 } },
    });
  });

  it('the known output limit wins over a context window typed for the model', () => {
    expect(parse({ maxTokens: '16384', contextWindow: '1000' }, CHAT_INFO)).toEqual(
      params({ maxTokens: 16_384, contextWindow: 1000 }),
    );
  });

  it('falls back to the known context window when the output limit is unknown', () => {
    const info: ModelInfo = { ...CHAT_INFO, contextWindow: 8192, maxOutputTokens: null };
    expect(parse({ maxTokens: '8192' }, info)).toEqual(params({ maxTokens: 8192 }));
    expect(parse({ maxTokens: '8193' }, info)).toEqual({
      ok: false,
      errors: { maxTokens: { code: 'max-output', max: 8192 } },
    });
  });

  it('is bounded by the context window typed for a model the catalog does not know', () => {
    const model = 'my-local-llama';
    expect(parse({ model, maxTokens: '4096', contextWindow: '4096' }, UNKNOWN_INFO)).toEqual(
      params({ model, maxTokens: 4096, contextWindow: 4096 }),
    );
    expect(parse({ model, maxTokens: '4097', contextWindow: '4096' }, UNKNOWN_INFO)).toEqual({
      ok: false,
      errors: { maxTokens: { code: 'max-output', max: 4096 } },
    });
    // Without a context window, nothing bounds it.
    expect(parse({ model, maxTokens: '1000000' }, UNKNOWN_INFO)).toEqual(
      params({ model, maxTokens: 1_000_000 }),
    );
  });
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

  it.each(['', '   '])('requires a model (%j)', (model) => {
    expect(parse({ model })).toEqual({ ok: false, errors: { model: { code: 'required' } } });
  });

  it.each(['gpt 4o', 'gpt-4o\tmini', 'a\nb'])('rejects whitespace inside (%j)', (model) => {
    expect(parse({ model })).toEqual({ ok: false, errors: { model: { code: 'model' } } });
  });
});

describe('parseParams: top_p', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['0', 0],
    ['0.95', 0.95],
    ['1', 1],
  ])('accepts %j as %s', (text, value) => {
    expect(parse({ topP: text })).toEqual(params({ topP: value }));
  });

  it.each(['1.01', '-0.1', '2', 'abc', '1e-1'])('rejects %j', (text) => {
    expect(parse({ topP: text })).toEqual({
      ok: false,
      errors: { topP: { code: 'range', min: 0, max: 1 } },
    });
  });
});

describe('parseParams: n', () => {
  it.each([
    ['1', 1],
    ['3', 3],
    [' 8 ', 8],
  ])('accepts %j as %d', (text, value) => {
    expect(parse({ n: text })).toEqual(params({ n: value }));
  });

  it.each(['9', '0', '-1', '', '  ', '1.5', '2.0', 'two'])('rejects %j', (text) => {
    expect(parse({ n: text })).toEqual({
      ok: false,
      errors: { n: { code: 'integer-range', min: 1, max: N_MAX } },
    });
  });

  it('caps n at 8', () => {
    expect(N_MAX).toBe(8);
  });
});

describe('parseParams: penalties', () => {
  it.each(['presencePenalty', 'frequencyPenalty'] as const)('%s takes -2 to 2', (field) => {
    expect(parse({ [field]: '' })).toEqual(params({ [field]: null }));
    expect(parse({ [field]: '-2' })).toEqual(params({ [field]: -2 }));
    expect(parse({ [field]: '2' })).toEqual(params({ [field]: 2 }));
    expect(parse({ [field]: '0.5' })).toEqual(params({ [field]: 0.5 }));
    expect(parse({ [field]: '0' })).toEqual(params({ [field]: 0 }));
    for (const text of ['2.1', '-2.1', '3', 'x']) {
      expect(parse({ [field]: text })).toEqual({
        ok: false,
        errors: { [field]: { code: 'range', min: -2, max: 2 } },
      });
    }
  });
});

describe('parseParams: seed', () => {
  it.each([
    ['', null],
    ['42', 42],
    [' 42 ', 42],
    ['-7', -7],
    ['0', 0],
  ])('accepts %j as %s', (text, value) => {
    expect(parse({ seed: text })).toEqual(params({ seed: value }));
  });

  it.each(['1.5', 'abc', '1e3', '9007199254740993'])('rejects %j', (text) => {
    expect(parse({ seed: text })).toEqual({ ok: false, errors: { seed: { code: 'integer' } } });
  });
});

describe('parseParams: context window', () => {
  it.each([
    ['', null],
    ['8192', 8192],
    ['100000000', 100_000_000],
  ])('accepts %j as %s', (text, value) => {
    expect(parse({ contextWindow: text })).toEqual(params({ contextWindow: value }));
  });

  it.each(['0', '-1', '1.5', '100000001', 'big'])('rejects %j', (text) => {
    expect(parse({ contextWindow: text })).toEqual({
      ok: false,
      errors: { contextWindow: { code: 'integer-range', min: 1, max: 100_000_000 } },
    });
  });
});

describe('parseParams: response format and reasoning effort', () => {
  it('passes them through ("" effort is null)', () => {
    expect(parse({ responseFormat: 'json_object', reasoningEffort: 'low' })).toEqual(
      params({ responseFormat: 'json_object', reasoningEffort: 'low' }),
    );
    expect(parse({ reasoningEffort: '' })).toEqual(params({ reasoningEffort: null }));
  });
});

describe('parseParams: stop sequences', () => {
  it('drops empty slots and keeps the order of the rest', () => {
    expect(parse({ stop: ['', 'END', '', '###'] })).toEqual(params({ stop: ['END', '###'] }));
    expect(parse({ stop: ['', '', '', ''] })).toEqual(params({ stop: [] }));
  });

  it('turns typed \\n and \\t into a line break and a tab', () => {
    expect(parse({ stop: ['\\n\\n', 'a\\tb', '\\\\n', ''] })).toEqual(
      params({ stop: ['\n\n', 'a\tb', '\\n'] }),
    );
  });

  it('keeps at most four sequences', () => {
    expect(STOP_SLOTS).toBe(4);
    expect(parse({ stop: ['a', 'b', 'c', 'd', 'e'] })).toEqual(
      params({ stop: ['a', 'b', 'c', 'd'] }),
    );
  });
});

describe('escapeStop / unescapeStop', () => {
  it.each(['\n', '\n\n', '\t', 'END', 'a\\nb', '\\', 'C:\\temp\\new', '\\\\n', '\r\n', ''])(
    'round-trips %j',
    (sequence) => {
      expect(unescapeStop(escapeStop(sequence))).toBe(sequence);
    },
  );

  it('writes line breaks and tabs as \\n and \\t, and a backslash as \\\\', () => {
    expect(escapeStop('a\nb\tc\\d')).toBe('a\\nb\\tc\\\\d');
    expect(escapeStop('\n')).not.toContain('\n');
  });

  it('leaves unknown escapes and a lone trailing backslash as typed', () => {
    expect(unescapeStop('\\x')).toBe('\\x');
    expect(unescapeStop('end\\')).toBe('end\\');
  });
});

describe('parseParams: parameters the model does not take', () => {
  it('are not validated for a reasoning model; invalid values are dropped quietly', () => {
    expect(
      parse(
        {
          model: 'o3-mini',
          temperature: '5',
          topP: '7',
          presencePenalty: '9',
          frequencyPenalty: '-9',
        },
        REASONING_INFO,
      ),
    ).toEqual(params({ model: 'o3-mini', temperature: 1, topP: null }));
  });

  it('are not required (an empty temperature is fine when it is not sent)', () => {
    expect(parse({ model: 'o3-mini', temperature: '' }, REASONING_INFO)).toEqual(
      params({ model: 'o3-mini', temperature: 1 }),
    );
  });

  it('keep valid values for when the model changes back', () => {
    expect(
      parse(
        {
          model: 'o3-mini',
          temperature: '0.2',
          topP: '0.9',
          presencePenalty: '1',
          frequencyPenalty: '-1',
          n: '3',
          stop: ['END', '', '', ''],
        },
        REASONING_INFO,
      ),
    ).toEqual(
      params({
        model: 'o3-mini',
        temperature: 0.2,
        topP: 0.9,
        presencePenalty: 1,
        frequencyPenalty: -1,
        n: 3,
        stop: ['END'],
      }),
    );
  });

  it('the info inferred for o3-mini leaves its sampling parameters unchecked too', () => {
    expect(
      parse({ model: 'o3-mini', temperature: '9', topP: '9' }, inferFromId('o3-mini')),
    ).toEqual(params({ model: 'o3-mini', temperature: 1, topP: null }));
  });

  it('the same values are flagged for a model that takes them', () => {
    const result = parse(
      { temperature: '5', topP: '7', presencePenalty: '9', frequencyPenalty: '-9' },
      CHAT_INFO,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(
      ['frequencyPenalty', 'presencePenalty', 'temperature', 'topP'].sort(),
    );
  });

  it('n is not validated for a model that does not take it', () => {
    expect(parse({ model: 'o3-mini', n: '9' }, REASONING_INFO)).toEqual(
      params({ model: 'o3-mini', n: 1 }),
    );
    expect(parse({ model: 'o3-mini', n: '' }, REASONING_INFO)).toEqual(
      params({ model: 'o3-mini', n: 1 }),
    );
    // The same with the info Parley infers for o3-mini before the catalog has loaded.
    expect(parse({ model: 'o3-mini', n: '9' }, inferFromId('o3-mini'))).toEqual(
      params({ model: 'o3-mini', n: 1 }),
    );
  });

  it('seed is not validated for a model that does not take it', () => {
    const info: ModelInfo = { ...UNKNOWN_INFO, unsupported: ['seed'] };
    expect(parse({ seed: '1.5' }, info)).toEqual(params({ seed: null }));
  });
});

describe('parseParams: several problems', () => {
  it('names every field that is wrong at once', () => {
    expect(
      parseParams({
        ...VALID,
        model: '',
        temperature: '3',
        maxTokens: '0',
        topP: '1.01',
        n: '9',
        presencePenalty: '2.1',
        frequencyPenalty: '-2.1',
        seed: '1.5',
        contextWindow: '0',
      }),
    ).toEqual({
      ok: false,
      errors: {
        model: { code: 'required' },
        temperature: { code: 'range', min: 0, max: 2 },
        maxTokens: { code: 'integer-range', min: 1, max: Number.MAX_SAFE_INTEGER },
        topP: { code: 'range', min: 0, max: 1 },
        n: { code: 'integer-range', min: 1, max: 8 },
        presencePenalty: { code: 'range', min: -2, max: 2 },
        frequencyPenalty: { code: 'range', min: -2, max: 2 },
        seed: { code: 'integer' },
        contextWindow: { code: 'integer-range', min: 1, max: 100_000_000 },
      },
    });
  });
});

describe('draftFromParams', () => {
  it('writes params as the form shows them and parses back to the same params', () => {
    const full: ChatParams = {
      model: 'gpt-4.1',
      temperature: 0.2,
      maxTokens: 512,
      topP: 0.9,
      n: 3,
      stop: ['\n\n', 'END'],
      presencePenalty: -0.5,
      frequencyPenalty: 1.5,
      seed: -7,
      responseFormat: 'json_object',
      reasoningEffort: 'high',
      contextWindow: 32_000,
    };
    const draft = draftFromParams(full);
    expect(draft).toEqual({
      model: 'gpt-4.1',
      temperature: '0.2',
      maxTokens: '512',
      topP: '0.9',
      n: '3',
      stop: ['\\n\\n', 'END', '', ''],
      presencePenalty: '-0.5',
      frequencyPenalty: '1.5',
      seed: '-7',
      responseFormat: 'json_object',
      reasoningEffort: 'high',
      contextWindow: '32000',
    });
    expect(parseParams(draft)).toEqual({ ok: true, params: full });
  });

  it('shows unset parameters as empty fields', () => {
    const draft = draftFromParams({ ...DEFAULT_PARAMS, model: 'm' });
    expect(draft).toEqual({ ...VALID, model: 'm' });
    expect(parseParams(draft)).toEqual({ ok: true, params: { ...DEFAULT_PARAMS, model: 'm' } });
  });

  it('always has four stop slots', () => {
    expect(draftFromParams({ ...DEFAULT_PARAMS, stop: ['a'] }).stop).toEqual(['a', '', '', '']);
    expect(draftFromParams({ ...DEFAULT_PARAMS, stop: ['a', 'b', 'c', 'd'] }).stop).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});
