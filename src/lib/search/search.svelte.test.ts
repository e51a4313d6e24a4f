import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, Message } from '../domain/types';
import type { StoreChange } from '../storage';
import type { ChangeOrigin } from '../state/sync';
import { conversation, message } from '../storage/test-fixtures';
import { connectSearch } from './connect';
import type { SearchHit } from './engine';
import type { FromWorker, ToWorker } from './protocol';
import { SearchState, type SearchWorker } from './search.svelte';

/** A worker that records what it is sent and answers when told to. */
class FakeWorker implements SearchWorker {
  sent: ToWorker[] = [];
  #listener: ((event: MessageEvent<FromWorker>) => void) | null = null;
  postMessage(message: ToWorker): void {
    this.sent.push(message);
  }
  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.#listener = listener as (event: MessageEvent<FromWorker>) => void;
  }
  answer(message: FromWorker): void {
    this.#listener?.({ data: message } as MessageEvent<FromWorker>);
  }
  get searches(): Extract<ToWorker, { type: 'search' }>[] {
    return this.sent.filter((m): m is Extract<ToWorker, { type: 'search' }> => m.type === 'search');
  }
}

function hit(overrides: Partial<SearchHit> = {}): SearchHit {
  return {
    conversationId: 'c1',
    conversationTitle: 'Chat',
    messageId: 'm1',
    role: 'user',
    pieces: [{ text: 'word', isMatch: true }],
    at: 1,
    ...overrides,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SearchState', () => {
  function setup() {
    const worker = new FakeWorker();
    const startWorker = vi.fn(() => worker);
    const open = vi.fn(() => Promise.resolve());
    const report = vi.fn();
    const state = new SearchState({
      startWorker,
      listedByTitle: () => ['listed'],
      open,
      report,
      sendIntervalMs: 50,
    });
    return { state, worker, startWorker, open, report };
  }

  it('starts no worker until something is searched', () => {
    const { state, startWorker } = setup();
    state.notify({ type: 'messages', conversationId: 'c1' });
    expect(startWorker).not.toHaveBeenCalled();
    state.query = '  ';
    expect(startWorker).not.toHaveBeenCalled();
    // At the first keystroke: it loads while one types.
    state.query = 'a';
    expect(startWorker).toHaveBeenCalledOnce();
    state.query = 'ab';
    vi.advanceTimersByTime(50);
    expect(startWorker).toHaveBeenCalledOnce();
  });

  it('sends a query at once, with the conversations listed by title', () => {
    const { state, worker } = setup();
    state.query = 'hello';
    expect(worker.searches).toEqual([
      { type: 'search', id: 1, text: 'hello', exclude: ['listed'] },
    ]);
    expect(state.isPending).toBe(true);
  });

  it('sends keys typed in a burst as one query, the newest text, when the interval ends', () => {
    const { state, worker } = setup();
    state.query = 'h';
    vi.advanceTimersByTime(20);
    state.query = 'he';
    vi.advanceTimersByTime(20);
    state.query = 'hello';
    expect(worker.searches.map((m) => m.text)).toEqual(['h']);
    vi.advanceTimersByTime(9);
    expect(worker.searches.map((m) => m.text)).toEqual(['h']);
    vi.advanceTimersByTime(1);
    expect(worker.searches.map((m) => m.text)).toEqual(['h', 'hello']);
    // A key after a pause longer than the interval goes at once again.
    vi.advanceTimersByTime(200);
    state.query = 'hello!';
    expect(worker.searches.map((m) => m.text)).toEqual(['h', 'hello', 'hello!']);
    expect(worker.searches.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('sends nothing for a box cleared before its interval ends', () => {
    const { state, worker } = setup();
    state.query = 'a';
    state.query = 'ab';
    state.query = '';
    vi.advanceTimersByTime(100);
    expect(worker.searches.map((m) => m.text)).toEqual(['a']);
  });

  it('shows only the answer to the newest query', () => {
    const { state, worker } = setup();
    state.query = 'one';
    vi.advanceTimersByTime(50);
    state.query = 'two';
    vi.advanceTimersByTime(50);
    worker.answer({ type: 'results', id: 1, hits: [hit({ messageId: 'old' })] });
    expect(state.results).toEqual([]);
    worker.answer({ type: 'results', id: 2, hits: [hit({ messageId: 'new' })] });
    expect(state.results.map((h) => h.messageId)).toEqual(['new']);
    expect(state.isPending).toBe(false);
  });

  it('clearing the box clears the results at once', () => {
    const { state, worker } = setup();
    state.query = 'word';
    vi.advanceTimersByTime(50);
    worker.answer({ type: 'results', id: 1, hits: [hit()] });
    state.query = '';
    expect(state.results).toEqual([]);
    expect(state.isActive).toBe(false);
  });

  it('forwards writes to the worker and asks the shown query again', () => {
    const { state, worker } = setup();
    state.query = 'word';
    vi.advanceTimersByTime(50);
    state.notify({ type: 'messages', conversationId: 'c7' });
    state.notify({ type: 'imported' });
    state.notify({ type: 'settings' });
    expect(worker.sent.filter((m) => m.type === 'changed')).toEqual([
      { type: 'changed', ids: ['c7'] },
      { type: 'changed', ids: 'all' },
    ]);
    // The first write asks again at once; the second, within the interval, when it ends.
    expect(worker.searches.map((m) => m.text)).toEqual(['word', 'word']);
    vi.advanceTimersByTime(50);
    expect(worker.searches.map((m) => m.text)).toEqual(['word', 'word', 'word']);
  });

  it('moves through the results with the arrow keys and opens the chosen one', async () => {
    const { state, worker, open } = setup();
    state.query = 'word';
    vi.advanceTimersByTime(50);
    worker.answer({
      type: 'results',
      id: 1,
      hits: [hit({ messageId: 'a' }), hit({ messageId: 'b' })],
    });
    expect(state.move(1)).toBe(0);
    expect(state.move(1)).toBe(1);
    expect(state.move(1)).toBe(1);
    expect(state.move(-1)).toBe(0);
    expect(state.move(-1)).toBe(-1);
    await state.choose(1);
    expect(open).toHaveBeenCalledWith(expect.objectContaining({ messageId: 'b' }));
  });

  it('says so when the worker fails', () => {
    const { state, worker, report } = setup();
    state.query = 'word';
    vi.advanceTimersByTime(50);
    worker.answer({ type: 'failed', id: 1, message: 'disk gone' });
    expect(state.hasFailed).toBe(true);
    expect(report).toHaveBeenCalledOnce();
  });
});

describe('connectSearch', () => {
  function setup(messages: Message[], shown: Conversation) {
    const listeners: ((change: StoreChange, origin: ChangeOrigin) => void)[] = [];
    const recorded: [string[], number][] = [];
    let current = shown;
    const conversations = {
      filtered: [] as { id: string }[],
      query: '',
      get: (id: string) => (id === current.id ? current : null),
      select: vi.fn(),
      update: vi.fn((_id: string, change: (c: Conversation) => Conversation) => {
        current = change(current);
        return Promise.resolve();
      }),
    };
    const worker = new FakeWorker();
    const parts = connectSearch({
      feed: {
        subscribe: (listener) => {
          listeners.push(listener);
          return () => undefined;
        },
      },
      conversations,
      store: { listMessages: () => Promise.resolve(messages) },
      report: vi.fn(),
      startWorker: () => worker,
      recordChanges: (ids, at) => {
        recorded.push([ids, at]);
        return Promise.resolve();
      },
      now: () => 42,
    });
    const emit = (change: StoreChange, origin: ChangeOrigin) => {
      for (const listener of listeners) listener(change, origin);
    };
    return { parts, emit, recorded, conversations, worker, current: () => current };
  }

  it('loads the search state at first use; writes before then only wait in the record', async () => {
    const { parts, emit, recorded, worker } = setup([], conversation());
    expect(parts.search.current).toBeNull();
    emit({ type: 'messages', conversationId: 'c1' }, 'local');
    await Promise.resolve();
    expect(recorded).toEqual([[['c1'], 42]]);

    const search = await parts.search.load();
    expect(parts.search.current).toBe(search);
    vi.useFakeTimers();
    search.query = 'hello';
    vi.runAllTimers();
    vi.useRealTimers();
    emit({ type: 'messages', conversationId: 'c2' }, 'remote');
    expect(worker.sent).toEqual([
      { type: 'search', id: 1, text: 'hello', exclude: [] },
      { type: 'changed', ids: ['c2'] },
    ]);
  });

  it('records this tab’s writes (one batch per moment), never other tabs’', async () => {
    const { emit, recorded } = setup([], conversation());
    emit({ type: 'conversation', id: 'c1' }, 'local');
    emit({ type: 'messages', conversationId: 'c1' }, 'local');
    emit({ type: 'messages', conversationId: 'c2' }, 'local');
    emit({ type: 'messages', conversationId: 'c3' }, 'remote');
    emit({ type: 'presets' }, 'local');
    await Promise.resolve();
    expect(recorded).toEqual([[['c1', 'c2'], 42]]);
    emit({ type: 'imported' }, 'local');
    await Promise.resolve();
    expect(recorded.at(-1)).toEqual([['*'], 42]);
  });

  it('opens a hit on the branch holding its message and asks the transcript to mark it', async () => {
    const messages = [
      message({ id: 'q', parentId: null, createdAt: 1 }),
      message({ id: 'old', parentId: 'q', createdAt: 2 }),
      message({ id: 'new', parentId: 'q', createdAt: 3 }),
    ];
    const { parts, conversations, current } = setup(
      messages,
      conversation({ id: 'c1', currentLeafId: 'new' }),
    );
    await parts.open(hit({ conversationId: 'c1', messageId: 'old' }));
    expect(current().currentLeafId).toBe('old');
    expect(conversations.select).toHaveBeenCalledWith('c1');
    expect(parts.reveal.target).toMatchObject({ conversationId: 'c1', messageId: 'old' });

    // Already on the branch: the person's place is kept.
    await parts.open(hit({ conversationId: 'c1', messageId: 'q' }));
    expect(conversations.update).toHaveBeenCalledOnce();
    expect(parts.reveal.target).toMatchObject({ messageId: 'q', nonce: 2 });
  });
});
