/** normalizeMessage for what providers send besides the answer (issue 8): stored and imported. */
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from './normalize';
import { message } from './test-fixtures';

describe('normalizeMessage: reasoning, refusals, token details, error codes', () => {
  it('keeps a reply with reasoning, a refusal mark, token details and an error code as it is', () => {
    const reply = message({
      role: 'assistant',
      content: 'I can’t help with that.',
      reasoning: 'The request asks for something I must decline.',
      isRefusal: true,
      usage: {
        promptTokens: 12,
        completionTokens: 30,
        totalTokens: 42,
        reasoningTokens: 18,
        cachedTokens: 4,
      },
      error: { kind: 'bad_request', code: 'redirect' },
      status: 'error',
    });
    expect(normalizeMessage(reply)).toEqual(reply);
  });

  it('drops values of the wrong type instead of trusting them', () => {
    const normalized = normalizeMessage({
      ...message({ role: 'assistant' }),
      reasoning: 42,
      isRefusal: 'yes',
      usage: {
        promptTokens: 1,
        completionTokens: 2,
        totalTokens: 3,
        reasoningTokens: 'many',
        cachedTokens: -1,
      },
      error: { kind: 'bad_request', code: 7 },
    });
    expect(normalized).not.toHaveProperty('reasoning');
    expect(normalized).not.toHaveProperty('isRefusal');
    expect(normalized.usage).toEqual({ promptTokens: 1, completionTokens: 2, totalTokens: 3 });
    expect(normalized.error).toEqual({ kind: 'bad_request' });
  });

  it('an empty reasoning is no reasoning', () => {
    const normalized = normalizeMessage(message({ role: 'assistant', reasoning: '' }));
    expect(normalized).not.toHaveProperty('reasoning');
  });
});
