import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it, vi } from 'vitest';
import { chatTokens, encodingFor, TokenEstimator, type CountTexts } from './tokens';
import { countAll } from './tokens-serve';

/** The real encodings, in-process (the browser runs the same code in a worker). */
const inProcess: CountTexts = (encoding, texts) =>
  Promise.resolve(countAll(encoding === 'o200k_base' ? o200k : cl100k, texts));

describe('encodingFor', () => {
  it.each([
    ['gpt-4o', 'o200k_base', false],
    ['gpt-4o-mini-2024-07-18', 'o200k_base', false],
    ['openai/gpt-4.1', 'o200k_base', false],
    ['gpt-5-mini', 'o200k_base', false],
    ['o3-mini', 'o200k_base', false],
    ['o1', 'o200k_base', false],
    ['gpt-4', 'cl100k_base', false],
    ['gpt-4-turbo', 'cl100k_base', false],
    ['gpt-3.5-turbo-0125', 'cl100k_base', false],
    ['llama3.2', 'o200k_base', true],
    ['deepseek-chat', 'o200k_base', true],
  ] as const)('%s uses %s (approximate: %s)', (model, encoding, isApproximate) => {
    expect(encodingFor(model)).toEqual({ encoding, isApproximate });
  });
});

describe('counting a request as OpenAI does', () => {
  // OpenAI's API reference example: this request reports usage.prompt_tokens 19.
  const example = [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Hello!' },
  ];

  it('matches the prompt_tokens OpenAI reports, in both encodings', async () => {
    const estimator = new TokenEstimator(inProcess);
    expect(await estimator.estimate(example, 'gpt-4o')).toEqual({
      tokens: 19,
      isApproximate: false,
      encoding: 'o200k_base',
    });
    expect((await estimator.estimate(example, 'gpt-3.5-turbo')).tokens).toBe(19);
  });

  it('tells the encodings apart where they differ', async () => {
    const estimator = new TokenEstimator(inProcess);
    const chinese = [{ role: 'user', content: '请用简体中文回答这个问题，谢谢你的帮助。' }];
    const modern = await estimator.estimate(chinese, 'gpt-4o');
    const older = await estimator.estimate(chinese, 'gpt-4');
    expect(modern.tokens).toBe(chatTokens(chinese, (text) => o200k(text)));
    expect(older.tokens).toBe(chatTokens(chinese, (text) => cl100k(text)));
    expect(modern.tokens).toBeLessThan(older.tokens);
  });

  it('counts special-token text as plain text instead of throwing', async () => {
    const estimator = new TokenEstimator(inProcess);
    const tricky = [{ role: 'user', content: 'say <|endoftext|> please' }];
    expect((await estimator.estimate(tricky, 'gpt-4o')).tokens).toBeGreaterThan(7);
  });

  it('sends nothing for an empty request', async () => {
    expect((await new TokenEstimator(inProcess).estimate([], 'gpt-4o')).tokens).toBe(0);
  });
});

describe('the cache', () => {
  it('sends only texts it has not counted before', async () => {
    const counter = vi.fn(inProcess);
    const estimator = new TokenEstimator(counter);
    const history = Array.from({ length: 1_000 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `Message number ${i} with some words in it.`,
    }));
    await estimator.estimate([...history, { role: 'user', content: 'H' }], 'gpt-4o');
    counter.mockClear();
    const next = await estimator.estimate([...history, { role: 'user', content: 'He' }], 'gpt-4o');
    expect(counter).toHaveBeenCalledTimes(1);
    expect(counter.mock.calls[0]?.[1]).toEqual(['He']);
    const fresh = await new TokenEstimator(inProcess).estimate(
      [...history, { role: 'user', content: 'He' }],
      'gpt-4o',
    );
    expect(next.tokens).toBe(fresh.tokens);
  });

  it('stays bounded while a draft changes on every keystroke', async () => {
    const counter = vi.fn(inProcess);
    const estimator = new TokenEstimator(counter);
    const history = [{ role: 'user', content: 'Hello' }];
    let draft = '';
    for (let i = 0; i < 300; i += 1) {
      draft += 'a';
      await estimator.estimate([...history, { role: 'user', content: draft }], 'gpt-4o');
    }
    counter.mockClear();
    // The history survived every pruning: only the new draft is counted.
    await estimator.estimate([...history, { role: 'user', content: `${draft}b` }], 'gpt-4o');
    expect(counter.mock.calls[0]?.[1]).toEqual([`${draft}b`]);
  });
});
