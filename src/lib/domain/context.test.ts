import { describe, expect, it } from 'vitest';
import {
  ALL_MESSAGES,
  approxMessageTokens,
  approxTokens,
  parseLastCount,
  planRequest,
  promptLimit,
  readContextChoice,
  selectContext,
  type ContextChoice,
} from './context';
import { CHAT_INFO } from '../models/testing/infos';
import { DEFAULT_PARAMS } from './defaults';
import type { Role } from './types';

/** A branch of roles, each message costing `tokens` (10 unless given). */
function branch(roles: Role[], tokens: number[] = roles.map(() => 10)) {
  return { messages: roles.map((role) => ({ role })), tokens };
}

const LAST_2: ContextChoice = { mode: 'last', lastCount: 2 };
const FIT: ContextChoice = { mode: 'fit', lastCount: 10 };

describe('selectContext', () => {
  it('sends every message with All messages, and says whether they fit', () => {
    const input = branch(['user', 'assistant', 'user']);
    const fitting = selectContext({ ...input, fixedTokens: 5, limit: 35, choice: ALL_MESSAGES });
    expect(fitting).toEqual({ sent: [0, 1, 2], omitted: 0, tokens: 35, fits: true });
    const over = selectContext({ ...input, fixedTokens: 5, limit: 34, choice: ALL_MESSAGES });
    expect(over).toMatchObject({ sent: [0, 1, 2], omitted: 0, fits: false });
  });

  it('keeps the last N user and assistant messages and every system message', () => {
    const input = branch(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    const selection = selectContext({ ...input, fixedTokens: 0, limit: null, choice: LAST_2 });
    expect(selection).toEqual({ sent: [0, 4, 5], omitted: 3, tokens: 30, fits: true });
  });

  it('sends everything when the branch is shorter than N', () => {
    const input = branch(['user', 'assistant']);
    const selection = selectContext({
      ...input,
      fixedTokens: 0,
      limit: null,
      choice: { mode: 'last', lastCount: 5 },
    });
    expect(selection.sent).toEqual([0, 1]);
    expect(selection.omitted).toBe(0);
  });

  it('fits the most recent messages into what the window leaves, the system prompt first', () => {
    // 20 for the system prompt, 100 allowed: four messages of 20 fit, the fifth from the end not.
    const input = branch(
      ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user'],
      [20, 20, 20, 20, 20, 20, 20],
    );
    const selection = selectContext({ ...input, fixedTokens: 20, limit: 100, choice: FIT });
    expect(selection).toEqual({ sent: [3, 4, 5, 6], omitted: 3, tokens: 100, fits: true });
  });

  it('stops at the first message that does not fit, so what is sent is one recent stretch', () => {
    // The big message (index 1) does not fit; the small one before it would, but is not sent.
    const input = branch(['user', 'assistant', 'user'], [5, 500, 10]);
    const selection = selectContext({ ...input, fixedTokens: 0, limit: 50, choice: FIT });
    expect(selection.sent).toEqual([2]);
    expect(selection.omitted).toBe(2);
  });

  it('always sends the newest message, even when it alone does not fit', () => {
    const input = branch(['user', 'assistant', 'user'], [5, 5, 500]);
    const selection = selectContext({ ...input, fixedTokens: 0, limit: 50, choice: FIT });
    expect(selection).toEqual({ sent: [2], omitted: 2, tokens: 500, fits: false });
  });

  it('keeps system messages of the branch wherever they are when fitting', () => {
    const input = branch(['user', 'system', 'user', 'assistant', 'user'], [30, 10, 30, 30, 30]);
    const selection = selectContext({ ...input, fixedTokens: 0, limit: 75, choice: FIT });
    expect(selection.sent).toEqual([1, 3, 4]);
    expect(selection.omitted).toBe(2);
  });

  it('leaves nothing out to fit an unknown window', () => {
    const input = branch(['user', 'assistant', 'user'], [1e6, 1e6, 1e6]);
    const selection = selectContext({ ...input, fixedTokens: 0, limit: null, choice: FIT });
    expect(selection).toMatchObject({ sent: [0, 1, 2], omitted: 0, fits: true });
  });

  it('sends nothing but the system prompt for an empty branch', () => {
    const selection = selectContext({
      messages: [],
      tokens: [],
      fixedTokens: 7,
      limit: 5,
      choice: FIT,
    });
    expect(selection).toEqual({ sent: [], omitted: 0, tokens: 7, fits: false });
  });
});

describe('promptLimit', () => {
  it('is the window less the reply and its priming, capped by the model input limit', () => {
    expect(promptLimit(null, 100)).toBeNull();
    expect(promptLimit(1000, null)).toBe(997);
    expect(promptLimit(1000, 200)).toBe(797);
    expect(promptLimit(400_000, 128_000, 272_000)).toBe(271_997);
    expect(promptLimit(10_000, 100, 5_000)).toBe(5_000);
  });
});

describe('approxTokens', () => {
  it('counts about four characters a token, and one a character for CJK text', () => {
    expect(approxTokens('')).toBe(0);
    expect(approxTokens('abcd')).toBe(1);
    expect(approxTokens('abcde')).toBe(2);
    expect(approxTokens('你好世界')).toBe(4);
    expect(approxTokens('hi 你好')).toBe(3);
  });

  it('adds the per-message overhead and the role', () => {
    expect(approxMessageTokens({ role: 'user', content: 'abcdefgh' })).toBe(3 + 1 + 2);
  });
});

describe('readContextChoice', () => {
  it('reads a stored choice and turns anything else into none (all messages)', () => {
    expect(readContextChoice({ mode: 'last', lastCount: 4 })).toEqual({
      mode: 'last',
      lastCount: 4,
    });
    expect(readContextChoice({ mode: 'fit' })).toEqual({ mode: 'fit', lastCount: 10 });
    expect(readContextChoice({ mode: 'last', lastCount: -3 })).toEqual({
      mode: 'last',
      lastCount: 10,
    });
    expect(readContextChoice({ mode: 'last', lastCount: 2.5 })).toEqual({
      mode: 'last',
      lastCount: 10,
    });
    expect(readContextChoice({ mode: 'some' })).toBeUndefined();
    expect(readContextChoice('fit')).toBeUndefined();
    expect(readContextChoice(null)).toBeUndefined();
    expect(readContextChoice(undefined)).toBeUndefined();
  });
});

describe('parseLastCount', () => {
  it('takes a whole number from 1 and refuses anything else', () => {
    expect(parseLastCount('2')).toBe(2);
    expect(parseLastCount(' 12 ')).toBe(12);
    expect(parseLastCount('0')).toBeNull();
    expect(parseLastCount('')).toBeNull();
    expect(parseLastCount('1.5')).toBeNull();
    expect(parseLastCount('-1')).toBeNull();
    expect(parseLastCount('1e3')).toBeNull();
  });
});

describe('planRequest', () => {
  const history = [
    { id: 'a', role: 'user' as const, content: 'x'.repeat(40) },
    { id: 'b', role: 'assistant' as const, content: '' },
    { id: 'c', role: 'assistant' as const, content: 'y'.repeat(40) },
    { role: 'user' as const, content: 'draft' },
  ];
  const base = { systemPrompt: 'Be brief.', history, info: CHAT_INFO };

  it('builds the body from what the choice keeps, the system prompt first, empty replies out', () => {
    const plan = planRequest({
      ...base,
      params: { ...DEFAULT_PARAMS },
      choice: { mode: 'last', lastCount: 2 },
    });
    expect(plan.body.messages.map((m) => m.role)).toEqual(['system', 'assistant', 'user']);
    expect(plan).toMatchObject({
      omitted: 1,
      firstSentId: 'c',
      limit: 128_000 - 3,
    });
  });

  it('says where the sent part begins is the draft (null) when only it is sent', () => {
    const plan = planRequest({
      ...base,
      params: { ...DEFAULT_PARAMS },
      choice: { mode: 'last', lastCount: 1 },
    });
    expect(plan).toMatchObject({ omitted: 2, firstSentId: null });
  });

  it('takes the Context window the person set over the model’s, less the reply’s max tokens', () => {
    const plan = planRequest({
      ...base,
      params: { ...DEFAULT_PARAMS, contextWindow: 40, maxTokens: 10 },
      choice: ALL_MESSAGES,
    });
    expect(plan.limit).toBe(27);
    expect(plan.fits).toBe(false);
    expect(plan.omitted).toBe(0);
    expect(plan.firstSentId).toBeNull();
  });
});
