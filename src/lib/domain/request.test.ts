import { describe, expect, it } from 'vitest';
import { inferFromId } from '../models/infer';
import type { ModelInfo } from '../models/types';
import { DEFAULT_PARAMS } from './defaults';
import { buildChatRequest, isSendable, requestProblem } from './request';
import type { ChatParams, Message, MessageStatus, Role } from './types';
import { CHAT_INFO, REASONING_INFO } from '../models/testing/infos';

const PARAMS: ChatParams = { ...DEFAULT_PARAMS, model: 'gpt-4o-mini', temperature: 0.7 };

/** o1-mini-like: like a reasoning model, and no system message, JSON mode or reasoning effort. */
const NO_SYSTEM_INFO: ModelInfo = {
  ...REASONING_INFO,
  id: 'o1-mini',
  unsupported: [...REASONING_INFO.unsupported, 'response_format', 'reasoning_effort'],
  supportsReasoningEffort: false,
  supportsJsonObject: false,
  supportsSystemMessage: false,
};

/** gpt-4 (0613): takes the sampling parameters but has no JSON mode. */
const NO_JSON_INFO: ModelInfo = {
  ...CHAT_INFO,
  id: 'gpt-4',
  contextWindow: 8192,
  maxOutputTokens: 8192,
  unsupported: ['response_format', 'reasoning_effort'],
  supportsJsonObject: false,
};

/** Every parameter set to a non-neutral value. */
const FULL: ChatParams = {
  model: 'gpt-4o-mini',
  temperature: 0.3,
  maxTokens: 500,
  topP: 0.9,
  n: 2,
  stop: ['END', '\n\n'],
  presencePenalty: 0.5,
  frequencyPenalty: -0.5,
  seed: 42,
  responseFormat: 'json_object',
  reasoningEffort: 'high',
  contextWindow: 8192,
};

let counter = 0;
function message(role: Role, content: string, status: MessageStatus = 'complete'): Message {
  counter += 1;
  return {
    id: `m${counter}`,
    conversationId: 'c1',
    parentId: null,
    role,
    content,
    status,
    createdAt: counter,
    updatedAt: counter,
  };
}

const STREAMING = { stream: true, stream_options: { include_usage: true } } as const;

describe('buildChatRequest', () => {
  it('puts the system prompt first, then the history in order', () => {
    const history = [message('user', 'Hi'), message('assistant', 'Hello!'), message('user', 'Bye')];
    expect(buildChatRequest('Be brief.', PARAMS, history, CHAT_INFO).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('leaves the system message out when the prompt is blank', () => {
    const history = [message('user', 'Hi')];
    for (const prompt of ['', '   ', '\n\t']) {
      expect(buildChatRequest(prompt, PARAMS, history, CHAT_INFO).messages).toEqual([
        { role: 'user', content: 'Hi' },
      ]);
    }
  });

  it('sends exactly role and content (no ids, statuses or usage)', () => {
    const reply: Message = {
      ...message('assistant', 'Answer'),
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      model: 'gpt-4o-mini-2024-07-18',
      finishReason: 'stop',
      stopSequences: ['END'],
      matchedStop: 'END',
      choiceIndex: 1,
      choiceCount: 2,
    };
    const body = buildChatRequest('', PARAMS, [message('user', 'Q'), reply], CHAT_INFO);
    for (const sent of body.messages) expect(Object.keys(sent).sort()).toEqual(['content', 'role']);
  });

  it('has max_tokens only when it is set', () => {
    const history = [message('user', 'Hi')];
    expect(buildChatRequest('', PARAMS, history, CHAT_INFO)).not.toHaveProperty('max_tokens');
    expect(buildChatRequest('', { ...PARAMS, maxTokens: 256 }, history, CHAT_INFO).max_tokens).toBe(
      256,
    );
  });

  it('trims the model and passes the temperature through (0 included)', () => {
    const body = buildChatRequest(
      '',
      { ...PARAMS, model: '  gpt-4o \n', temperature: 0 },
      [message('user', 'Hi')],
      CHAT_INFO,
    );
    expect(body.model).toBe('gpt-4o');
    expect(body.temperature).toBe(0);
  });

  it('always streams and always asks for usage', () => {
    const body = buildChatRequest('', { ...PARAMS, maxTokens: 5 }, [message('user', 'Hi')], {
      ...CHAT_INFO,
    });
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(Object.keys(body).sort()).toEqual(
      ['max_tokens', 'messages', 'model', 'stream', 'stream_options', 'temperature'].sort(),
    );
  });

  it('drops empty assistant replies but keeps stopped, interrupted and failed partial ones', () => {
    const history = [
      message('user', 'First'),
      message('assistant', '', 'error'),
      message('assistant', '', 'stopped'),
      message('assistant', 'Half an ans', 'stopped'),
      message('assistant', 'Cut off', 'interrupted'),
      message('assistant', 'Went wrong after', 'error'),
      message('user', 'Second'),
    ];
    expect(buildChatRequest('', PARAMS, history, CHAT_INFO).messages.map((m) => m.content)).toEqual(
      ['First', 'Half an ans', 'Cut off', 'Went wrong after', 'Second'],
    );
  });

  it('does not change the history or the params it is given', () => {
    const history = [message('user', 'Hi')];
    const copy = structuredClone(history);
    const params = structuredClone(FULL);
    buildChatRequest('sys', params, history, CHAT_INFO);
    expect(history).toEqual(copy);
    expect(params).toEqual(FULL);
  });
});

describe('buildChatRequest: parameters', () => {
  const history = [message('user', 'Reply in JSON, please.')];

  it('sends only model, messages and temperature for the default parameters', () => {
    expect(buildChatRequest('', { ...DEFAULT_PARAMS }, history, CHAT_INFO)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Reply in JSON, please.' }],
      temperature: 1,
      ...STREAMING,
    });
  });

  it('sends every parameter to a model that takes them all (exact body)', () => {
    expect(buildChatRequest('Be brief.', FULL, history, CHAT_INFO)).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Reply in JSON, please.' },
      ],
      temperature: 0.3,
      max_tokens: 500,
      top_p: 0.9,
      n: 2,
      stop: ['END', '\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 42,
      response_format: { type: 'json_object' },
      ...STREAMING,
    });
  });

  it('a reasoning model gets max_completion_tokens and reasoning_effort, no sampling (exact body)', () => {
    expect(
      buildChatRequest('Be brief.', { ...FULL, model: 'o3-mini' }, history, REASONING_INFO),
    ).toEqual({
      model: 'o3-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Reply in JSON, please.' },
      ],
      max_completion_tokens: 500,
      seed: 42,
      response_format: { type: 'json_object' },
      reasoning_effort: 'high',
      ...STREAMING,
    });
  });

  it('a model without system messages gets the system prompt as the first user message (exact body)', () => {
    expect(
      buildChatRequest('Be brief.', { ...FULL, model: 'o1-mini' }, history, NO_SYSTEM_INFO),
    ).toEqual({
      model: 'o1-mini',
      messages: [
        { role: 'user', content: 'Be brief.' },
        { role: 'user', content: 'Reply in JSON, please.' },
      ],
      max_completion_tokens: 500,
      seed: 42,
      ...STREAMING,
    });
  });

  it('supportsSystemMessage absent means a system message is accepted', () => {
    const info: ModelInfo = { ...CHAT_INFO };
    delete info.supportsSystemMessage;
    expect(buildChatRequest('Sys', PARAMS, history, info).messages[0]).toEqual({
      role: 'system',
      content: 'Sys',
    });
  });

  it('JSON mode is not sent to a model without JSON mode (exact body)', () => {
    const params: ChatParams = { ...DEFAULT_PARAMS, model: 'gpt-4', responseFormat: 'json_object' };
    expect(buildChatRequest('', params, history, NO_JSON_INFO)).toEqual({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'Reply in JSON, please.' }],
      temperature: 1,
      ...STREAMING,
    });
  });

  it('JSON mode is not sent when the info says no JSON mode even if not listed unsupported', () => {
    const info: ModelInfo = { ...CHAT_INFO, supportsJsonObject: false };
    const params: ChatParams = { ...PARAMS, responseFormat: 'json_object' };
    expect(buildChatRequest('', params, history, info)).not.toHaveProperty('response_format');
  });

  it('leaves out n = 1, an empty stop list, text format and a null reasoning effort', () => {
    const body = buildChatRequest(
      '',
      { ...FULL, n: 1, stop: [], responseFormat: 'text', reasoningEffort: null },
      history,
      REASONING_INFO,
    );
    for (const key of ['n', 'stop', 'response_format', 'reasoning_effort']) {
      expect(body).not.toHaveProperty(key);
    }
    const plain = buildChatRequest('', { ...PARAMS, n: 1, stop: [] }, history, CHAT_INFO);
    expect(plain).not.toHaveProperty('n');
    expect(plain).not.toHaveProperty('stop');
  });

  it('leaves out null parameters and never sends the context window', () => {
    const body = buildChatRequest('', { ...PARAMS, contextWindow: 4096 }, history, CHAT_INFO);
    expect(Object.keys(body).sort()).toEqual(
      ['messages', 'model', 'stream', 'stream_options', 'temperature'].sort(),
    );
  });

  it('sends explicit zeros (top_p 0, penalties 0, seed 0)', () => {
    const body = buildChatRequest(
      '',
      { ...PARAMS, topP: 0, presencePenalty: 0, frequencyPenalty: 0, seed: 0 },
      history,
      CHAT_INFO,
    );
    expect(body).toMatchObject({ top_p: 0, presence_penalty: 0, frequency_penalty: 0, seed: 0 });
  });

  it('reasoning effort is sent only to models that support it', () => {
    const params: ChatParams = { ...PARAMS, reasoningEffort: 'low' };
    expect(buildChatRequest('', params, history, CHAT_INFO)).not.toHaveProperty('reasoning_effort');
    expect(buildChatRequest('', params, history, REASONING_INFO).reasoning_effort).toBe('low');
  });

  it('drops exactly the parameters listed as unsupported', () => {
    const info: ModelInfo = { ...CHAT_INFO, unsupported: ['seed', 'stop', 'n'] };
    const body = buildChatRequest('', FULL, history, info);
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('stop');
    expect(body).not.toHaveProperty('n');
    expect(body).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      max_tokens: 500,
    });
  });
});

describe('buildChatRequest with infos inferred from the id (models/infer.ts)', () => {
  const history = [message('user', 'Reply in JSON, please.')];

  it('gpt-4o-mini takes every parameter', () => {
    expect(buildChatRequest('Sys', FULL, history, inferFromId('gpt-4o-mini'))).toEqual(
      buildChatRequest('Sys', FULL, history, CHAT_INFO),
    );
  });

  it('o3-mini gets the reasoning-model body', () => {
    const params = { ...FULL, model: 'o3-mini' };
    expect(buildChatRequest('Sys', params, history, inferFromId('o3-mini'))).toEqual(
      buildChatRequest('Sys', params, history, REASONING_INFO),
    );
  });

  it('o1-mini gets the system prompt as a user message and no JSON mode or effort', () => {
    const params = { ...FULL, model: 'o1-mini' };
    expect(buildChatRequest('Sys', params, history, inferFromId('o1-mini'))).toEqual(
      buildChatRequest('Sys', params, history, NO_SYSTEM_INFO),
    );
  });
});

describe('requestProblem', () => {
  function body(systemPrompt: string, text: string, params: Partial<ChatParams>, info = CHAT_INFO) {
    return buildChatRequest(systemPrompt, { ...PARAMS, ...params }, [message('user', text)], info);
  }

  it('JSON mode without the word json anywhere is a problem', () => {
    expect(
      requestProblem(body('Be brief.', 'List three colours', { responseFormat: 'json_object' })),
    ).toBe('json-word');
  });

  it('the word json in any message, in any case, is enough', () => {
    const json = { responseFormat: 'json_object' } as const;
    expect(requestProblem(body('Answer in JSON.', 'List three colours', json))).toBeNull();
    expect(requestProblem(body('', 'List three colours as Json', json))).toBeNull();
    expect(requestProblem(body('', 'a jsonl file', json))).toBeNull();
  });

  it('text mode is never a problem', () => {
    expect(requestProblem(body('', 'List three colours', {}))).toBeNull();
  });

  it('is no problem when the model does not get JSON mode at all', () => {
    expect(
      requestProblem(
        body('', 'List three colours', { responseFormat: 'json_object' }, NO_JSON_INFO),
      ),
    ).toBeNull();
  });

  it('counts a system prompt sent as a user message', () => {
    expect(
      requestProblem(
        body(
          'Reply with JSON.',
          'Colours',
          { responseFormat: 'json_object' },
          {
            ...NO_SYSTEM_INFO,
            unsupported: REASONING_INFO.unsupported,
            supportsJsonObject: true,
          },
        ),
      ),
    ).toBeNull();
  });
});

describe('isSendable', () => {
  it('is false only for an assistant message without text', () => {
    expect(isSendable(message('assistant', ''))).toBe(false);
    expect(isSendable(message('assistant', ' '))).toBe(true);
    expect(isSendable(message('user', 'x'))).toBe(true);
    expect(isSendable(message('assistant', 'partial', 'stopped'))).toBe(true);
  });
});
