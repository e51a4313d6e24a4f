/** Every way a reply can end gets words; none is an empty bubble. */
import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';
import { errorTextKey, finishNote, usageNotes, type FinishSource } from './finish-note';

function reply(fields: Partial<FinishSource> = {}): FinishSource {
  return { status: 'complete', content: 'Some answer.', finishReason: 'stop', ...fields };
}

describe('finishNote', () => {
  it('says nothing for a plain stop with text, or while the reply is not complete', () => {
    expect(finishNote(reply())).toBeNull();
    expect(finishNote(reply({ finishReason: null }))).toBeNull();
    expect(finishNote(reply({ status: 'streaming', content: '' }))).toBeNull();
    expect(finishNote(reply({ status: 'error', content: '' }))).toBeNull();
  });

  it('never leaves an empty reply without words', () => {
    expect(finishNote(reply({ content: '' }))).toEqual({ key: 'message.empty' });
    expect(finishNote(reply({ content: '  \n', finishReason: null }))).toEqual({
      key: 'message.empty',
    });
    expect(finishNote(reply({ content: '', reasoning: 'Thinking…' }))).toEqual({
      key: 'message.emptyReasoningOnly',
    });
  });

  it('marks a refusal', () => {
    expect(finishNote(reply({ content: 'I can’t help.', isRefusal: true }))).toEqual({
      key: 'message.refusal',
    });
  });

  it.each(['tool_calls', 'function_call'])('%s: the model asked for a tool', (reason) => {
    expect(finishNote(reply({ content: '', finishReason: reason }))).toEqual({
      key: 'message.finish.toolCalls',
      values: { reason },
    });
  });

  it('content_filter, with and without text', () => {
    expect(finishNote(reply({ finishReason: 'content_filter' }))?.key).toBe(
      'message.finish.content_filter',
    );
    expect(finishNote(reply({ content: '', finishReason: 'content_filter' }))?.key).toBe(
      'message.finish.contentFilterEmpty',
    );
  });

  it('length: a reasoning model that spent every token thinking is told to raise Max tokens', () => {
    expect(finishNote(reply({ finishReason: 'length' }))?.key).toBe('message.finish.length');
    expect(finishNote(reply({ content: '', reasoning: 'Hmm', finishReason: 'length' }))?.key).toBe(
      'message.finish.lengthReasoning',
    );
  });

  it('finish reasons of providers’ own', () => {
    expect(finishNote(reply({ finishReason: 'error' }))?.key).toBe('message.finish.error');
    expect(finishNote(reply({ finishReason: 'insufficient_system_resource' }))?.key).toBe(
      'message.finish.resources',
    );
    expect(finishNote(reply({ finishReason: 'end_turn' }))).toBeNull();
    expect(finishNote(reply({ finishReason: 'max_tokens' }))?.key).toBe('message.finish.length');
    expect(finishNote(reply({ finishReason: 'weird' }))).toEqual({
      key: 'message.finish.other',
      values: { reason: 'weird' },
    });
    expect(finishNote(reply({ content: '', finishReason: 'weird' }))).toEqual({
      key: 'message.finish.otherEmpty',
      values: { reason: 'weird' },
    });
  });

  it('names the stop sequence that ended the reply, or those that may have', () => {
    expect(finishNote(reply({ matchedStop: '\n\n' }))).toEqual({
      key: 'message.stopSequence',
      values: { sequence: '\\n\\n' },
    });
    expect(finishNote(reply({ stopSequences: ['END', '\t'] }))).toEqual({
      key: 'message.stopMaybe',
      values: { sequences: '“END”, “\\t”' },
    });
  });
});

describe('usageNotes', () => {
  const format = (value: number) => value.toLocaleString('en');

  it('adds reasoning and cached tokens only where reported', () => {
    expect(
      usageNotes({ promptTokens: 1200, completionTokens: 30, totalTokens: 1230 }, format),
    ).toEqual([
      { key: 'message.usage', values: { prompt: '1,200', completion: '30', total: '1,230' } },
    ]);
    const notes = usageNotes(
      {
        promptTokens: 12,
        completionTokens: 30,
        totalTokens: 42,
        reasoningTokens: 18,
        cachedTokens: 4,
      },
      format,
    );
    expect(notes.slice(1)).toEqual([
      { key: 'message.usageReasoning', values: { reasoning: '18' } },
      { key: 'message.usageCached', values: { cached: '4' } },
    ]);
  });
});

describe('errorTextKey', () => {
  it('words by kind, and a refused redirect by its code', () => {
    expect(errorTextKey({ kind: 'server' })).toBe('error.server');
    expect(errorTextKey({ kind: 'bad_request' })).toBe('error.bad_request');
    expect(errorTextKey({ kind: 'bad_request', code: 'redirect' })).toBe('error.redirect');
  });
});

describe('catalogs', () => {
  it('every key a note can give is worded in both languages', () => {
    const keys = [
      'message.refusal',
      'message.empty',
      'message.emptyReasoningOnly',
      'message.finish.lengthReasoning',
      'message.finish.contentFilterEmpty',
      'message.finish.toolCalls',
      'message.finish.error',
      'message.finish.resources',
      'message.finish.otherEmpty',
      'message.usageReasoning',
      'message.usageCached',
      'error.redirect',
      'reasoning.label',
    ] as const;
    for (const key of keys) {
      expect(en[key]).not.toBe('');
      expect(zhCN[key]).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
