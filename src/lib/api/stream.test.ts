/** The accumulator against chunks as real servers send them (OpenAI, Azure, OpenRouter, …). */
import { describe, expect, it, vi } from 'vitest';
import { ChatStreamAccumulator, StreamErrorPayload } from './stream';

const MODEL = 'gpt-4o-mini-2024-07-18';

function chunk(choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: MODEL,
    system_fingerprint: 'fp_1',
    choices,
    usage: null,
    ...extra,
  };
}

function content(text: string | null, index = 0, finishReason: string | null = null) {
  return { index, delta: { content: text }, logprobs: null, finish_reason: finishReason };
}

const ROLE_CHUNK = chunk([
  {
    index: 0,
    delta: { role: 'assistant', content: '', refusal: null },
    logprobs: null,
    finish_reason: null,
  },
]);
const FINISH_CHUNK = chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
const USAGE_CHUNK = chunk([], {
  usage: {
    prompt_tokens: 12,
    completion_tokens: 5,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 0 },
  },
});

function feed(chunks: readonly unknown[]) {
  const accumulator = new ChatStreamAccumulator();
  const deltas: [number, string][] = [];
  for (const c of chunks) accumulator.push(c, (index, text) => deltas.push([index, text]));
  return { accumulator, deltas };
}

describe('ChatStreamAccumulator', () => {
  it('assembles a standard OpenAI stream', () => {
    const { accumulator, deltas } = feed([
      ROLE_CHUNK,
      chunk([content('Hel')]),
      chunk([content('lo')]),
      chunk([content(' world')]),
      FINISH_CHUNK,
      USAGE_CHUNK,
    ]);
    expect(accumulator.result()).toEqual({
      choices: [{ index: 0, content: 'Hello world', finishReason: 'stop' }],
      model: MODEL,
      usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 },
    });
    expect(deltas).toEqual([
      [0, 'Hel'],
      [0, 'lo'],
      [0, ' world'],
    ]);
    expect(accumulator.isFinished).toBe(true);
    expect(accumulator.hasContent).toBe(true);
  });

  it('reports no delta for the role-only first chunk with empty content', () => {
    const onDelta = vi.fn();
    const accumulator = new ChatStreamAccumulator();
    accumulator.push(ROLE_CHUNK, onDelta);
    expect(onDelta).not.toHaveBeenCalled();
    expect(accumulator.hasContent).toBe(false);
    expect(accumulator.isFinished).toBe(false);
  });

  it('skips `choices: []` chunks (Azure prompt filter) and `content: null` deltas', () => {
    const azure = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    };
    const { accumulator, deltas } = feed([
      azure,
      ROLE_CHUNK,
      chunk([content(null)]),
      chunk([content('Hi')]),
      chunk([]),
      FINISH_CHUNK,
    ]);
    expect(deltas).toEqual([[0, 'Hi']]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'Hi', finishReason: 'stop' },
    ]);
  });

  it('takes the model from the chunks and never overwrites it with an empty string', () => {
    const { accumulator } = feed([
      ROLE_CHUNK,
      chunk([content('a')], { model: '' }),
      chunk([content('b')], { model: undefined }),
      chunk([content('c')], { model: 42 }),
    ]);
    expect(accumulator.result().model).toBe(MODEL);
  });

  it('has no model or usage when the chunks carry none', () => {
    const { accumulator } = feed([{ choices: [{ delta: { content: 'x' } }] }]);
    expect(accumulator.result()).toEqual({
      choices: [{ index: 0, content: 'x', finishReason: null }],
      model: undefined,
      usage: undefined,
    });
  });

  it('keeps usage from the final usage-only chunk; `usage: null` never erases it', () => {
    const { accumulator } = feed([ROLE_CHUNK, USAGE_CHUNK, chunk([], { usage: null })]);
    expect(accumulator.result().usage).toEqual({
      promptTokens: 12,
      completionTokens: 5,
      totalTokens: 17,
    });
  });

  it('computes a missing total and ignores incomplete usage objects', () => {
    expect(
      feed([chunk([], { usage: { prompt_tokens: 3, completion_tokens: 4 } })]).accumulator.result()
        .usage,
    ).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    expect(
      feed([chunk([], { usage: { prompt_tokens: 3 } })]).accumulator.result().usage,
    ).toBeUndefined();
    expect(
      feed([
        chunk([], { usage: { prompt_tokens: '3', completion_tokens: 4 } }),
      ]).accumulator.result().usage,
    ).toBeUndefined();
  });

  it('ignores unknown fields at every level (OpenRouter extras)', () => {
    const { accumulator, deltas } = feed([
      {
        ...chunk([
          {
            index: 0,
            delta: { content: 'ok', reasoning: null, tool_calls: [] },
            native_finish_reason: null,
            finish_reason: null,
          },
        ]),
        provider: 'Quirky',
      },
      chunk([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'stop' }]),
      chunk([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0 } }),
    ]);
    expect(deltas).toEqual([[0, 'ok']]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'ok', finishReason: 'stop' },
    ]);
    expect(accumulator.result().usage?.totalTokens).toBe(2);
  });

  it('ignores garbage without throwing', () => {
    const onDelta = vi.fn();
    const accumulator = new ChatStreamAccumulator();
    const garbage: unknown[] = [
      null,
      undefined,
      'data: [DONE]',
      42,
      true,
      [],
      [content('array')],
      { choices: 'nope' },
      { choices: [null, 'x', 3, { delta: 'text' }, { delta: { content: 7 } }] },
    ];
    for (const value of garbage) {
      expect(() => {
        accumulator.push(value, onDelta);
      }).not.toThrow();
    }
    expect(onDelta).not.toHaveBeenCalled();
    expect(accumulator.hasContent).toBe(false);
  });

  it('keeps interleaved choices (n > 1) apart, sorted by index', () => {
    const { accumulator, deltas } = feed([
      chunk([content('', 1)]),
      chunk([content('', 0)]),
      chunk([content('B1', 1)]),
      chunk([content('A1', 0)]),
      chunk([content('A2', 0), content('B2', 1)]),
      chunk([{ index: 1, delta: {}, finish_reason: 'length' }]),
    ]);
    expect(deltas).toEqual([
      [1, 'B1'],
      [0, 'A1'],
      [0, 'A2'],
      [1, 'B2'],
    ]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'A1A2', finishReason: null },
      { index: 1, content: 'B1B2', finishReason: 'length' },
    ]);
    // One choice still open: the reply is not whole yet.
    expect(accumulator.isFinished).toBe(false);
    accumulator.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), () => undefined);
    expect(accumulator.isFinished).toBe(true);
    expect(accumulator.result().choices.map((c) => c.finishReason)).toEqual(['stop', 'length']);
  });

  it('takes finish_reason from the same chunk as the last text', () => {
    const { accumulator } = feed([chunk([content('end', 0, 'content_filter')])]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'end', finishReason: 'content_filter' },
    ]);
    expect(accumulator.isFinished).toBe(true);
  });

  it('a later `finish_reason: null` does not undo a finish', () => {
    const { accumulator } = feed([chunk([content('x', 0, 'stop')]), chunk([content(null)])]);
    expect(accumulator.isFinished).toBe(true);
    expect(accumulator.result().choices[0]?.finishReason).toBe('stop');
  });

  it('is neither finished nor has content before any choice', () => {
    const accumulator = new ChatStreamAccumulator();
    expect(accumulator.isFinished).toBe(false);
    expect(accumulator.hasContent).toBe(false);
    expect(accumulator.result()).toEqual({ choices: [], model: undefined, usage: undefined });
    accumulator.push(USAGE_CHUNK, () => undefined);
    expect(accumulator.isFinished).toBe(false);
  });

  it("takes the matched stop sequence from a provider's `stop_reason` (vLLM)", () => {
    const { accumulator } = feed([
      chunk([content('Hello', 0)]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop', stop_reason: '###' }]),
    ]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'Hello', finishReason: 'stop', matchedStop: '###' },
    ]);
  });

  it('keeps the matched stop sequence per choice', () => {
    const { accumulator } = feed([
      chunk([content('A', 0), content('B', 1)]),
      chunk([
        { index: 1, delta: {}, finish_reason: 'stop', stop_reason: '\n\n' },
        { index: 0, delta: {}, finish_reason: 'length', stop_reason: null },
      ]),
    ]);
    expect(accumulator.result().choices).toEqual([
      { index: 0, content: 'A', finishReason: 'length' },
      { index: 1, content: 'B', finishReason: 'stop', matchedStop: '\n\n' },
    ]);
  });

  it('has no matchedStop when `stop_reason` is null, a token id or absent (OpenAI)', () => {
    for (const stopReason of [null, 128001, undefined, { text: 'x' }]) {
      const { accumulator } = feed([
        chunk([
          { index: 0, delta: { content: 'x' }, finish_reason: 'stop', stop_reason: stopReason },
        ]),
      ]);
      const [choice] = accumulator.result().choices;
      expect(choice).toEqual({ index: 0, content: 'x', finishReason: 'stop' });
      expect(choice).not.toHaveProperty('matchedStop');
    }
  });

  it('a later chunk without `stop_reason` keeps the matched stop sequence', () => {
    const { accumulator } = feed([
      chunk([{ index: 0, delta: { content: 'x' }, finish_reason: 'stop', stop_reason: 'END' }]),
      chunk([{ index: 0, delta: {}, finish_reason: null, stop_reason: null }]),
    ]);
    expect(accumulator.result().choices[0]?.matchedStop).toBe('END');
  });

  it('a choice without an index counts as choice 0', () => {
    const { accumulator } = feed([
      { choices: [{ delta: { content: 'a' } }] },
      chunk([content('b')]),
    ]);
    expect(accumulator.result().choices).toEqual([{ index: 0, content: 'ab', finishReason: null }]);
  });
});

describe('what a reply carries besides its answer', () => {
  function delta(fields: Record<string, unknown>, finishReason: string | null = null) {
    return chunk([{ index: 0, delta: fields, logprobs: null, finish_reason: finishReason }]);
  }

  function fold(chunks: unknown[]) {
    const accumulator = new ChatStreamAccumulator();
    const onDelta = vi.fn();
    for (const item of chunks) accumulator.push(item, onDelta);
    return { result: accumulator.result(), calls: onDelta.mock.calls, accumulator };
  }

  it('a refusal is delivered as part refusal and kept as the choice’s text and refusal', () => {
    const { result, calls } = fold([
      delta({ role: 'assistant', content: null, refusal: '' }),
      delta({ refusal: 'I can’t ' }),
      delta({ refusal: 'help.' }),
      FINISH_CHUNK,
    ]);
    expect(calls).toEqual([
      [0, 'I can’t ', 'refusal'],
      [0, 'help.', 'refusal'],
    ]);
    expect(result.choices).toEqual([
      { index: 0, content: 'I can’t help.', refusal: 'I can’t help.', finishReason: 'stop' },
    ]);
  });

  it.each([
    ['reasoning_content (DeepSeek, Qwen)', { reasoning_content: 'Think.', content: null }],
    ['reasoning (OpenRouter, Groq)', { reasoning: 'Think.' }],
    [
      'reasoning_details text (OpenRouter)',
      { reasoning_details: [{ type: 'reasoning.text', text: 'Think.', index: 0 }] },
    ],
    [
      'reasoning_details summary (OpenRouter, OpenAI models)',
      { reasoning_details: [{ type: 'reasoning.summary', summary: 'Think.', index: 0 }] },
    ],
    [
      'thinking content parts (Mistral)',
      { content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Think.' }] }] },
    ],
  ])('%s is reasoning, never content', (_name, fields) => {
    const { result, calls } = fold([delta(fields), delta({ content: 'Answer.' }), FINISH_CHUNK]);
    expect(calls).toEqual([
      [0, 'Think.', 'reasoning'],
      [0, 'Answer.', 'content'],
    ]);
    expect(result.choices[0]).toMatchObject({ content: 'Answer.', reasoning: 'Think.' });
  });

  it('reasoning and reasoning_details with the same text in one delta count once', () => {
    const { result } = fold([
      delta({
        reasoning: 'Once.',
        reasoning_details: [{ type: 'reasoning.text', text: 'Once.', index: 0 }],
      }),
      delta({
        reasoning: null,
        reasoning_details: [{ type: 'reasoning.encrypted', data: 'b3BhcXVl', index: 0 }],
      }),
      FINISH_CHUNK,
    ]);
    expect(result.choices[0]?.reasoning).toBe('Once.');
  });

  it('content as an array of text parts is the answer', () => {
    const { result } = fold([
      delta({
        content: [
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'there' },
        ],
      }),
      FINISH_CHUNK,
    ]);
    expect(result.choices[0]?.content).toBe('Hello there');
  });

  it('reads reasoning and cached tokens; zeros are left out', () => {
    const usage = (details: Record<string, unknown>) =>
      fold([chunk([], { usage: { prompt_tokens: 10, completion_tokens: 5, ...details } })]).result
        .usage;
    expect(
      usage({
        completion_tokens_details: { reasoning_tokens: 3 },
        prompt_tokens_details: { cached_tokens: 8 },
      }),
    ).toEqual({
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      reasoningTokens: 3,
      cachedTokens: 8,
    });
    expect(
      usage({
        completion_tokens_details: { reasoning_tokens: 0 },
        prompt_tokens_details: { cached_tokens: 0 },
      }),
    ).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15 });
    expect(usage({ prompt_cache_hit_tokens: 6 })?.cachedTokens).toBe(6);
  });

  it('takes a whole chat.completion (a server that did not stream) like one delta', () => {
    const { result, calls, accumulator } = fold([
      {
        id: 'chatcmpl-2',
        object: 'chat.completion',
        model: MODEL,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: 'No.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      },
    ]);
    expect(calls).toEqual([[0, 'No.', 'refusal']]);
    expect(result.choices[0]).toMatchObject({ content: 'No.', refusal: 'No.' });
    expect(accumulator.isFinished).toBe(true);
  });

  it('throws a bare error chunk (vLLM’s {"object":"error"}) instead of skipping it', () => {
    const accumulator = new ChatStreamAccumulator();
    expect(() =>
      accumulator.push(
        { object: 'error', message: 'max_tokens is too large', type: 'BadRequestError', code: 400 },
        () => undefined,
      ),
    ).toThrow(StreamErrorPayload);
  });

  it('reasoning alone counts as content that arrived (a cut then is incomplete)', () => {
    const { accumulator } = fold([delta({ reasoning_content: 'Hmm' })]);
    expect(accumulator.hasContent).toBe(true);
  });
});
