import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from './defaults';
import { conversationMarkdown, markdownFileName } from './markdown-export';
import type { Conversation, Message } from './types';

const conversation: Conversation = {
  id: 'c-12345678-abcdef',
  title: 'Trip\nto Kyoto',
  isTitleCustom: true,
  systemPrompt: 'Answer briefly.\n\nUse metric units.',
  params: { ...DEFAULT_PARAMS, model: 'gpt-4o' },
  createdAt: Date.UTC(2024, 4, 1, 10, 0),
  updatedAt: Date.UTC(2024, 4, 1, 10, 5),
  currentLeafId: 'a',
  presetId: null,
};

function message(overrides: Partial<Message>): Message {
  return {
    id: 'q',
    conversationId: conversation.id,
    parentId: null,
    role: 'user',
    content: 'How do I get to Kinkaku-ji?',
    status: 'complete',
    createdAt: Date.UTC(2024, 4, 1, 10, 1),
    updatedAt: Date.UTC(2024, 4, 1, 10, 1),
    ...overrides,
  };
}

describe('conversationMarkdown', () => {
  it('writes the title, system prompt and each message with role, model and time', () => {
    const branch = [
      message({}),
      message({
        id: 'a',
        parentId: 'q',
        role: 'assistant',
        content: 'Take **bus 205**.',
        model: 'gpt-4o-2024-08-06',
        reasoning: 'Bus is simplest.',
        createdAt: Date.UTC(2024, 4, 1, 10, 2),
      }),
    ];
    expect(conversationMarkdown(conversation, branch)).toBe(
      [
        '# Trip to Kyoto',
        '_Created 2024-05-01 10:00 UTC · gpt-4o_',
        '## System prompt',
        '> Answer briefly.\n>\n> Use metric units.',
        '---',
        '### User · 2024-05-01 10:01 UTC',
        'How do I get to Kinkaku-ji?',
        '---',
        '### Assistant · gpt-4o-2024-08-06 · 2024-05-01 10:02 UTC',
        '**Reasoning**',
        '> Bus is simplest.',
        'Take **bus 205**.',
      ].join('\n\n') + '\n',
    );
  });

  it('names an untitled conversation and leaves out an empty system prompt', () => {
    const text = conversationMarkdown({ ...conversation, title: '', systemPrompt: '' }, []);
    expect(text.startsWith('# Untitled conversation\n')).toBe(true);
    expect(text).not.toContain('System prompt');
  });

  it('uses the labels given (the person’s language)', () => {
    const text = conversationMarkdown(conversation, [message({})], {
      roles: { system: '系统', user: '用户', assistant: '助手' },
      systemPrompt: '系统提示词',
      reasoning: '推理',
      untitled: '未命名对话',
      created: '创建于 {date}',
    });
    expect(text).toContain('### 用户 · 2024-05-01 10:01 UTC');
    expect(text).toContain('## 系统提示词');
  });
});

describe('markdownFileName', () => {
  it('is dated, readable, unique by id and safe on every file system', () => {
    expect(markdownFileName({ ...conversation, title: 'a/b: c?' })).toBe(
      '2024-05-01 a-b- c- (78abcdef).md',
    );
    expect(markdownFileName({ ...conversation, title: '...' })).toBe(
      '2024-05-01 conversation (78abcdef).md',
    );
  });
});
