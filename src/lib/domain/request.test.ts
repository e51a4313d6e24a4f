import { describe, expect, it } from 'vitest';
import { buildChatRequest, isSendable } from './request';
import type { ChatParams, Message, MessageStatus, Role } from './types';

const PARAMS: ChatParams = { model: 'gpt-4o-mini', temperature: 0.7, maxTokens: null };

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

describe('buildChatRequest', () => {
  it('puts the system prompt first, then the history in order', () => {
    const history = [message('user', 'Hi'), message('assistant', 'Hello!'), message('user', 'Bye')];
    expect(buildChatRequest('Be brief.', PARAMS, history).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('leaves the system message out when the prompt is blank', () => {
    const history = [message('user', 'Hi')];
    for (const prompt of ['', '   ', '\n\t']) {
      expect(buildChatRequest(prompt, PARAMS, history).messages).toEqual([
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
    };
    const body = buildChatRequest('', PARAMS, [message('user', 'Q'), reply]);
    for (const sent of body.messages) expect(Object.keys(sent).sort()).toEqual(['content', 'role']);
  });

  it('has max_tokens only when it is set', () => {
    const history = [message('user', 'Hi')];
    expect(buildChatRequest('', PARAMS, history)).not.toHaveProperty('max_tokens');
    expect(buildChatRequest('', { ...PARAMS, maxTokens: 256 }, history).max_tokens).toBe(256);
  });

  it('trims the model and passes the temperature through (0 included)', () => {
    const body = buildChatRequest('', { ...PARAMS, model: '  gpt-4o \n', temperature: 0 }, [
      message('user', 'Hi'),
    ]);
    expect(body.model).toBe('gpt-4o');
    expect(body.temperature).toBe(0);
  });

  it('always streams and always asks for usage', () => {
    const body = buildChatRequest('', { ...PARAMS, maxTokens: 5 }, [message('user', 'Hi')]);
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
    expect(buildChatRequest('', PARAMS, history).messages.map((m) => m.content)).toEqual([
      'First',
      'Half an ans',
      'Cut off',
      'Went wrong after',
      'Second',
    ]);
  });

  it('does not change the history it is given', () => {
    const history = [message('user', 'Hi')];
    const copy = structuredClone(history);
    buildChatRequest('sys', PARAMS, history);
    expect(history).toEqual(copy);
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
