import * as packageSpecs from 'gpt-tokenizer/models';
import type { ModelSpec } from 'gpt-tokenizer/modelTypes';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog';
import {
  LEGACY_CHAT_MODELS,
  MANUAL_ALIASES,
  MANUAL_FACTS,
  NOT_CHAT_MODELS,
  WRONG_PACKAGE_PRICES,
  MANUAL_PRICES,
} from './manual';

const specs = packageSpecs as unknown as Record<string, ModelSpec | undefined>;

describe('the brief’s models', () => {
  it.each([
    ['gpt-3.5-turbo', 4_096],
    ['gpt-3.5-turbo-16k', 16_385],
    ['gpt-3.5-turbo-1106', 16_385],
    ['gpt-4', 8_192],
    ['gpt-4-32k', 32_768],
    ['gpt-4-turbo', 128_000],
    ['gpt-4-turbo-preview', 128_000],
  ])('%s has a %i-token window', (id, window) => {
    expect(catalog.knows(id)).toBe(true);
    expect(catalog.lookup(id)).toMatchObject({ id, contextWindow: window, isReasoning: false });
    expect(catalog.lookup(id).maxOutputTokens).toBeGreaterThan(0);
  });

  it('are all suggested', () => {
    expect(catalog.chatModelIds()).toEqual(expect.arrayContaining([...LEGACY_CHAT_MODELS]));
  });
});

describe('package facts', () => {
  it.each([
    ['gpt-4o', 128_000, 16_384],
    ['gpt-4o-mini', 128_000, 16_384],
    ['gpt-4.1', 1_047_576, 32_768],
  ])('%s: window %i, output %i', (id, window, output) => {
    expect(catalog.lookup(id)).toMatchObject({
      id,
      contextWindow: window,
      maxOutputTokens: output,
      source: 'catalog',
    });
  });

  it('keeps an input cap only where it binds', () => {
    expect(catalog.lookup('gpt-5')).toMatchObject({
      contextWindow: 400_000,
      maxInputTokens: 272_000,
    });
    // The package gives gpt-5-chat-latest a 272,000 input cap inside a 128,000 window.
    expect(catalog.lookup('gpt-5-chat-latest').maxInputTokens).toBeNull();
  });

  it('resolves dated snapshots, undated bases and provider prefixes', () => {
    expect(catalog.lookup('gpt-4o-2024-08-06')).toMatchObject({ contextWindow: 128_000 });
    expect(catalog.lookup('gpt-4o-2099-01-01')).toMatchObject({
      id: 'gpt-4o',
      contextWindow: 128_000,
    });
    expect(catalog.lookup('gpt-4-32k-0613')).toMatchObject({
      id: 'gpt-4-32k',
      contextWindow: 32_768,
    });
    expect(catalog.lookup('gpt-3.5-turbo-0301')).toMatchObject({ contextWindow: 4_096 });
    expect(catalog.lookup('openai/gpt-4o')).toMatchObject({ id: 'gpt-4o', contextWindow: 128_000 });
    expect(catalog.lookup(' OpenAI/GPT-4o-mini ')).toMatchObject({ id: 'gpt-4o-mini' });
    expect(catalog.knows('openai/gpt-4.1-mini-2025-04-14')).toBe(true);
  });

  it('infers unknown ids from their name', () => {
    for (const id of ['llama3.1:8b', 'mistral-large', 'constructor', '']) {
      expect(catalog.knows(id)).toBe(false);
      expect(catalog.lookup(id)).toMatchObject({
        contextWindow: null,
        maxOutputTokens: null,
        price: null,
        isReasoning: false,
        source: 'pattern',
      });
    }
    expect(catalog.lookup('openai/o9-preview')).toMatchObject({
      isReasoning: true,
      source: 'pattern',
    });
  });
});

describe('reasoning models', () => {
  it.each(['o1', 'o1-mini', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini'])('%s is one', (id) => {
    const info = catalog.lookup(id);
    expect(info).toMatchObject({
      isReasoning: true,
      usesMaxCompletionTokens: true,
      source: 'catalog',
    });
    expect(info.unsupported).toEqual(
      expect.arrayContaining([
        'temperature',
        'top_p',
        'presence_penalty',
        'frequency_penalty',
        'logprobs',
      ]),
    );
  });

  it.each(['gpt-5-chat-latest', 'gpt-4o', 'gpt-4.1', 'gpt-3.5-turbo'])('%s is not', (id) => {
    const info = catalog.lookup(id);
    expect(info).toMatchObject({
      isReasoning: false,
      usesMaxCompletionTokens: false,
      supportsReasoningEffort: false,
    });
    expect(info.unsupported).toEqual(['reasoning_effort']);
  });

  it('take reasoning_effort except the first two', () => {
    for (const id of ['o1', 'o3', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-nano', 'gpt-5.1']) {
      expect(catalog.lookup(id).supportsReasoningEffort).toBe(true);
    }
    for (const id of ['o1-mini', 'o1-preview']) {
      expect(catalog.lookup(id)).toMatchObject({
        supportsReasoningEffort: false,
        supportsSystemMessage: false,
        supportsJsonObject: false,
      });
    }
  });
});

describe('parameters', () => {
  it('withholds JSON mode from models that predate it', () => {
    for (const id of ['gpt-4', 'gpt-4-32k', 'gpt-3.5-turbo-16k']) {
      expect(catalog.lookup(id).supportsJsonObject).toBe(false);
      expect(catalog.lookup(id).unsupported).toContain('response_format');
    }
    for (const id of ['gpt-3.5-turbo', 'gpt-3.5-turbo-1106', 'gpt-4-turbo', 'gpt-4o', 'o3-mini']) {
      expect(catalog.lookup(id).supportsJsonObject).toBe(true);
    }
  });

  it('withholds sampling parameters from the search models', () => {
    expect(catalog.lookup('gpt-4o-search-preview').unsupported).toEqual([
      'temperature',
      'top_p',
      'presence_penalty',
      'frequency_penalty',
      'reasoning_effort',
    ]);
  });

  it('treats open-weight gpt-oss as a classic model', () => {
    expect(catalog.lookup('openai/gpt-oss-120b')).toMatchObject({
      isReasoning: false,
      contextWindow: 131_072,
      price: null,
      source: 'manual',
    });
  });
});

describe('prices', () => {
  it('come from the package', () => {
    expect(catalog.lookup('gpt-4-turbo').price).toEqual({ input: 10, output: 30 });
    expect(catalog.lookup('gpt-4').price).toEqual({ input: 30, output: 60 });
    expect(catalog.lookup('gpt-3.5-turbo').price).toEqual({ input: 0.5, output: 1.5 });
  });

  it('replace a package placeholder with the hand-written price, never the placeholder', () => {
    expect(specs['gpt-4o']?.price_data?.main).toMatchObject({ input: 10, output: 30 });
    expect(catalog.lookup('gpt-4o').price).toEqual(MANUAL_PRICES.get('gpt-4o'));
    expect(catalog.lookup('gpt-4o-2024-08-06').price).toEqual(MANUAL_PRICES.get('gpt-4o'));
    expect(catalog.lookup('gpt-5').price).toEqual(MANUAL_PRICES.get('gpt-5'));
    expect(catalog.lookup('gpt-4o-mini').price).toMatchObject({ input: 0.15, output: 0.6 });
  });

  it('list only entries that still describe the package, and drop their wrong price', () => {
    for (const [snapshot, wrong] of WRONG_PACKAGE_PRICES) {
      expect(specs[snapshot]?.price_data?.main, snapshot).toMatchObject(wrong);
      expect(
        catalog.lookup(snapshot).price ?? { input: -1, output: -1 },
        snapshot,
      ).not.toMatchObject(wrong);
    }
  });
});

describe('the manual supplement', () => {
  it('aliases only ids the package lacks, to ids it has', () => {
    for (const [alias, target] of MANUAL_ALIASES) {
      expect(specs[alias], alias).toBeUndefined();
      expect(specs[target], target).toBeDefined();
    }
  });

  it('overrides only what the package says differently', () => {
    for (const [id, facts] of MANUAL_FACTS) {
      const spec = specs[id];
      expect(spec, id).toBeDefined();
      if (facts.contextWindow !== undefined)
        expect(spec?.context_window).not.toBe(facts.contextWindow);
      if (facts.isReasoning !== undefined)
        expect(spec?.reasoning_tokens).not.toBe(facts.isReasoning);
    }
  });

  it('names only ids the package files as chat models', () => {
    for (const id of NOT_CHAT_MODELS) {
      expect(specs[id]?.supported_endpoints, id).toContain('chat_completions');
    }
  });
});

describe('chatModelIds', () => {
  const ids = catalog.chatModelIds();

  it('suggests current chat models, newest families first', () => {
    expect(ids).toEqual(
      expect.arrayContaining(['gpt-5', 'o3', 'o4-mini', 'gpt-4.1', 'gpt-4o', 'gpt-4o-mini']),
    );
    expect(ids.indexOf('gpt-5')).toBeLessThan(ids.indexOf('gpt-4o'));
    expect(ids.indexOf('gpt-4o')).toBeLessThan(ids.indexOf('gpt-3.5-turbo'));
  });

  it('leaves out models that do not chat in text, and dated snapshots', () => {
    const excluded =
      /embedding|tts|whisper|dall-e|image|realtime|audio|transcribe|moderation|sora|instruct|davinci|babbage/;
    expect(ids.filter((id) => excluded.test(id))).toEqual([]);
    expect(ids).not.toContain('gpt-4o-2024-08-06');
    expect(ids).not.toContain('gpt-3.5');
  });

  it('lists each id once and only ids the catalog knows', () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !catalog.knows(id))).toEqual([]);
  });

  it('hands out a copy', () => {
    catalog.chatModelIds().pop();
    expect(catalog.chatModelIds()).toEqual(ids);
  });
});
