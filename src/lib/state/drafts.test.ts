import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { Draft } from '../domain/draft';
import { DRAFT_SAVE_DELAY_MS, Drafts, type DraftStore } from './drafts';

class FakeDrafts implements DraftStore {
  readonly records = new Map<string, Draft>();
  getDraft = vi.fn((id: string) => Promise.resolve(this.records.get(id)));
  listDrafts = vi.fn(() => Promise.resolve([...this.records.values()]));
  putDraft = vi.fn((draft: Draft) => {
    this.records.set(draft.conversationId, { ...draft });
    return Promise.resolve();
  });
  deleteDrafts = vi.fn((ids: string[]) => {
    for (const id of ids) this.records.delete(id);
    return Promise.resolve();
  });
}

let store: FakeDrafts;
let report: Mock<(error: unknown) => void>;
let drafts: Drafts;
let time: number;

beforeEach(() => {
  vi.useFakeTimers();
  store = new FakeDrafts();
  report = vi.fn<(error: unknown) => void>();
  time = 100;
  drafts = new Drafts(store, report, { now: () => time });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Drafts', () => {
  it('saves once typing pauses, not on every keystroke', async () => {
    drafts.save('c', 'H');
    drafts.save('c', 'He');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS - 1);
    drafts.save('c', 'Hello');
    expect(store.putDraft).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.putDraft).toHaveBeenCalledOnce();
    expect(store.records.get('c')).toEqual({ conversationId: 'c', text: 'Hello', updatedAt: 100 });
  });

  it('reads what was stored, or what waits to be, or nothing', async () => {
    store.records.set('c', { conversationId: 'c', text: 'Stored', updatedAt: 1 });
    expect(await drafts.read('c')).toBe('Stored');
    expect(await drafts.read('none')).toBe('');
    drafts.save('c', 'Typed just now');
    expect(await drafts.read('c')).toBe('Typed just now');
  });

  it('does not write text that is already stored', async () => {
    store.records.set('c', { conversationId: 'c', text: 'Same', updatedAt: 1 });
    await drafts.read('c');
    drafts.save('c', 'Same');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.putDraft).not.toHaveBeenCalled();
  });

  it('an emptied box deletes the draft', async () => {
    drafts.save('c', 'Text');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    drafts.save('c', '');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.records.has('c')).toBe(false);
  });

  it('clear deletes at once and cancels a waiting save', async () => {
    store.records.set('c', { conversationId: 'c', text: 'Old', updatedAt: 1 });
    drafts.save('c', 'Sent text');
    await drafts.clear('c');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS * 2);
    expect(store.records.has('c')).toBe(false);
    expect(store.putDraft).not.toHaveBeenCalled();
  });

  it('flush writes everything waiting now (the page is going away)', async () => {
    drafts.save('a', 'One');
    drafts.save('b', 'Two');
    await drafts.flush();
    expect([...store.records.keys()].sort()).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.putDraft).toHaveBeenCalledTimes(2);
  });

  it('forget drops a waiting save without writing', async () => {
    drafts.save('c', 'Of a deleted chat');
    drafts.forget('c');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.putDraft).not.toHaveBeenCalled();
  });

  it('reports a failed write, and tries again on the next save of the same text', async () => {
    const failure = new Error('quota');
    store.putDraft.mockRejectedValueOnce(failure);
    drafts.save('c', 'Text');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(report).toHaveBeenCalledWith(failure);
    drafts.save('c', 'Text');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(store.records.get('c')?.text).toBe('Text');
  });

  it('a failed read reads as no draft and is reported', async () => {
    store.getDraft.mockRejectedValueOnce(new Error('blocked'));
    expect(await drafts.read('c')).toBe('');
    expect(report).toHaveBeenCalled();
  });

  it('takeOrphan hands back the newest draft of a chat never stored, and deletes older ones', async () => {
    store.records.set('saved', { conversationId: 'saved', text: 'Keep', updatedAt: 9 });
    store.records.set('old-new-chat', { conversationId: 'old-new-chat', text: 'A', updatedAt: 1 });
    store.records.set('new-chat', { conversationId: 'new-chat', text: 'B', updatedAt: 5 });
    expect(await drafts.takeOrphan(new Set(['saved']))).toBe('new-chat');
    expect([...store.records.keys()].sort()).toEqual(['new-chat', 'saved']);
    expect(await drafts.takeOrphan(new Set(['saved', 'new-chat']))).toBeNull();
  });
});
