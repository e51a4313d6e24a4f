import { describe, expect, it } from 'vitest';
import { branchTo, childrenByParent, latestLeaf, titleFromText } from './conversation';
import type { Message } from './types';

function message(id: string, parentId: string | null, createdAt = 0): Message {
  return {
    id,
    conversationId: 'c1',
    parentId,
    role: parentId === null ? 'user' : 'assistant',
    content: `text of ${id}`,
    status: 'complete',
    createdAt,
    updatedAt: createdAt,
  };
}

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describe('branchTo', () => {
  // a ─ b ─ c
  //   └ b2
  const tree = [
    message('a', null, 1),
    message('b', 'a', 2),
    message('c', 'b', 3),
    message('b2', 'a', 4),
  ];

  it('walks from the root down to the leaf, whatever the input order', () => {
    expect(ids(branchTo(tree, 'c'))).toEqual(['a', 'b', 'c']);
    expect(ids(branchTo(tree, 'b2'))).toEqual(['a', 'b2']);
    expect(ids(branchTo([...tree].reverse(), 'c'))).toEqual(['a', 'b', 'c']);
  });

  it('stops at an inner message when that is the leaf asked for', () => {
    expect(ids(branchTo(tree, 'b'))).toEqual(['a', 'b']);
  });

  it('is empty for a null leaf, an unknown leaf and no messages', () => {
    expect(branchTo(tree, null)).toEqual([]);
    expect(branchTo(tree, 'nope')).toEqual([]);
    expect(branchTo([], 'a')).toEqual([]);
  });

  it('ends the walk at a missing parent, keeping what it found', () => {
    const orphaned = [message('b', 'deleted', 2), message('c', 'b', 3)];
    expect(ids(branchTo(orphaned, 'c'))).toEqual(['b', 'c']);
  });

  it('terminates on cycles and lists each message once', () => {
    const cycle = [message('x', 'y', 1), message('y', 'x', 2)];
    expect(ids(branchTo(cycle, 'x'))).toEqual(['y', 'x']);
    const self = [message('s', 's', 1)];
    expect(ids(branchTo(self, 's'))).toEqual(['s']);
    const lasso = [message('r', 'q', 1), message('q', 'p', 2), message('p', 'q', 3)];
    expect(ids(branchTo(lasso, 'r'))).toEqual(['p', 'q', 'r']);
  });

  it('does not change its input', () => {
    const input = [...tree];
    branchTo(input, 'c');
    expect(input).toEqual(tree);
  });
});

describe('latestLeaf', () => {
  it('is null without messages', () => {
    expect(latestLeaf([])).toBeNull();
  });

  it('is the most recently created message, whatever the order', () => {
    const messages = [message('a', null, 1), message('c', 'a', 9), message('b', 'a', 5)];
    expect(latestLeaf(messages)).toBe('c');
  });

  it('takes the later one in the list on equal createdAt (a reply in the same millisecond)', () => {
    const messages = [message('question', null, 7), message('reply', 'question', 7)];
    expect(latestLeaf(messages)).toBe('reply');
  });
});

describe('titleFromText', () => {
  it('keeps a short first line as it is', () => {
    expect(titleFromText('Hello world')).toBe('Hello world');
  });

  it('takes the first non-blank line and folds its whitespace', () => {
    expect(titleFromText('  \n\n  How do I \t sort   an\u00a0array?\nSecond line')).toBe(
      'How do I sort an array?',
    );
    expect(titleFromText('Windows line\r\nnext')).toBe('Windows line');
  });

  it('is empty for blank text', () => {
    expect(titleFromText('')).toBe('');
    expect(titleFromText(' \n\t \n')).toBe('');
  });

  it('keeps a line of exactly 60 characters whole, without an ellipsis', () => {
    const sixty = 'abcd '.repeat(12).trimEnd() + 'x'; // 59 + 1
    expect(sixty).toHaveLength(60);
    expect(titleFromText(sixty)).toBe(sixty);
  });

  it('cuts a long line at a word boundary and adds an ellipsis', () => {
    const line =
      'Please explain how the JavaScript event loop schedules microtasks and macrotasks in browsers';
    const title = titleFromText(line);
    expect(title.endsWith('…')).toBe(true);
    const kept = title.slice(0, -1);
    expect(kept.length).toBeLessThanOrEqual(60);
    expect(kept.length).toBeGreaterThan(30);
    expect(line.startsWith(kept)).toBe(true);
    // The cut falls between words: the next character of the line is a space.
    expect(line[kept.length]).toBe(' ');
    expect(kept).toBe('Please explain how the JavaScript event loop schedules');
  });

  it('cuts hard at 60 when the only space is early (one long word)', () => {
    const line = `Hi ${'x'.repeat(100)}`;
    expect(titleFromText(line)).toBe(`${line.slice(0, 60)}…`);
  });

  it('cuts CJK text without spaces at 60 characters', () => {
    const line = '请帮我把这段很长的中文文字总结一下并且给出三个要点和一个结论'.repeat(4);
    expect(line.length).toBeGreaterThan(60);
    const title = titleFromText(line);
    expect(title).toBe(`${line.slice(0, 60)}…`);
    expect(title).toHaveLength(61); // all in the BMP: code units are characters
  });

  it('never splits a character made of two UTF-16 code units', () => {
    const line = `a${'🙂'.repeat(40)}`;
    const title = titleFromText(line);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(title).not.toMatch(loneSurrogate);
  });
});

describe('childrenByParent', () => {
  it('groups children under their parent (roots under null), oldest first as given', () => {
    const messages = [
      message('a', null, 1),
      message('b', 'a', 2),
      message('b2', 'a', 3),
      message('r2', null, 4),
    ];
    const children = childrenByParent(messages);
    expect(ids(children.get(null) ?? [])).toEqual(['a', 'r2']);
    expect(ids(children.get('a') ?? [])).toEqual(['b', 'b2']);
    expect(children.has('b')).toBe(false);
  });
});
