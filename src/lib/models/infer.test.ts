import * as packageSpecs from 'gpt-tokenizer/models';
import type { ModelSpec } from 'gpt-tokenizer/modelTypes';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog';
import { baseId, canonicalId, inferFromId, stripProvider } from './infer';

describe('ids', () => {
  it('strips provider prefixes', () => {
    expect(stripProvider('openai/gpt-4o')).toBe('gpt-4o');
    expect(stripProvider('openrouter/openai/o3-mini')).toBe('o3-mini');
    expect(stripProvider('gpt-4o')).toBe('gpt-4o');
    expect(stripProvider('llama3.1:8b')).toBe('llama3.1:8b');
  });

  it('canonicalises spacing and case', () => {
    expect(canonicalId('  OpenAI/GPT-4o ')).toBe('gpt-4o');
  });

  it('drops dated suffixes only', () => {
    expect(baseId('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(baseId('gpt-4-32k-0613')).toBe('gpt-4-32k');
    expect(baseId('gpt-3.5-turbo-1106')).toBe('gpt-3.5-turbo');
    expect(baseId('gpt-3.5-turbo-16k')).toBe('gpt-3.5-turbo-16k');
    expect(baseId('gpt-4.1-mini')).toBe('gpt-4.1-mini');
    expect(baseId('o3')).toBe('o3');
  });
});

describe('inferFromId', () => {
  it.each([
    'o1',
    'o1-mini',
    'o3-mini',
    'o4-mini',
    'o3-2025-04-16',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5.2',
  ])('treats %s as a reasoning model', (id) => {
    const info = inferFromId(id);
    expect(info.isReasoning).toBe(true);
    expect(info.usesMaxCompletionTokens).toBe(true);
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

  it.each([
    'gpt-5-chat-latest',
    'gpt-5.1-chat-latest',
    'gpt-5-chat',
    'gpt-4o',
    'omni-moderation',
    'o',
  ])('treats %s as a classic model', (id) => {
    const info = inferFromId(id);
    expect(info.isReasoning).toBe(false);
    expect(info.usesMaxCompletionTokens).toBe(false);
    expect(info.unsupported).not.toContain('temperature');
  });

  it('sees through provider prefixes', () => {
    expect(inferFromId('openai/o4-mini').isReasoning).toBe(true);
    expect(inferFromId('openai/o4-mini').id).toBe('openai/o4-mini');
  });

  it('knows what o1-mini and o1-preview lack', () => {
    for (const id of ['o1-mini', 'o1-preview', 'o1-mini-2024-09-12']) {
      const info = inferFromId(id);
      expect(info.supportsReasoningEffort).toBe(false);
      expect(info.supportsSystemMessage).toBe(false);
      expect(info.supportsJsonObject).toBe(false);
      expect(info.unsupported).toEqual(
        expect.arrayContaining(['reasoning_effort', 'response_format']),
      );
    }
    expect(inferFromId('o1').supportsReasoningEffort).toBe(true);
    expect(inferFromId('o1').supportsSystemMessage).toBe(true);
  });

  it('gives an unknown model no limits and no price', () => {
    for (const id of ['llama3.1:8b', 'mistral-large']) {
      expect(inferFromId(id)).toMatchObject({
        id,
        contextWindow: null,
        maxOutputTokens: null,
        price: null,
        isReasoning: false,
        unsupported: ['reasoning_effort'],
        source: 'pattern',
      });
    }
  });
});

describe('inferFromId agrees with the catalog', () => {
  const specs = Object.entries(packageSpecs as unknown as Record<string, ModelSpec>);
  const chatIds = specs
    .filter(([, spec]) => spec.supported_endpoints.includes('chat_completions'))
    .map(([id]) => id);
  /** Codenames whose family the id does not show; the catalog knows them, the pattern cannot. */
  const codenames = ['daybreak-blue-latest', 'daybreak-red-latest'];

  it('has chat models to compare', () => {
    expect(chatIds.length).toBeGreaterThan(50);
  });

  it('on every chat model but the codenames', () => {
    const disagreeing = chatIds.filter(
      (id) => inferFromId(id).isReasoning !== catalog.lookup(id).isReasoning,
    );
    expect(disagreeing).toEqual(codenames);
  });

  it('on what each chat model accepts', () => {
    for (const id of chatIds.filter((id) => !codenames.includes(id))) {
      const { unsupported, supportsReasoningEffort, supportsSystemMessage } = catalog.lookup(id);
      expect({ id, unsupported, supportsReasoningEffort, supportsSystemMessage }).toEqual({
        id,
        unsupported: inferFromId(id).unsupported,
        supportsReasoningEffort: inferFromId(id).supportsReasoningEffort,
        supportsSystemMessage: inferFromId(id).supportsSystemMessage,
      });
    }
  });
});
