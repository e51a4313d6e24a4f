import { describe, expect, it, vi } from 'vitest';
import type { ChatApi } from '../api/client';
import type { Message, Settings } from '../domain/types';
import { apiProvider, draftHandOver, firstExchange, watchPage } from './page';

function settingsWith(apiKey: string | null, baseUrl = 'https://api.openai.com/v1'): Settings {
  return { apiKey, baseUrl } as Settings;
}

function message(id: string, role: Message['role'], parentId: string | null, fields = {}): Message {
  return {
    id,
    conversationId: 'c1',
    parentId,
    role,
    content: `text ${id}`,
    status: 'complete',
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  };
}

describe('apiProvider', () => {
  it('builds one client per saved settings and a new one when they change', async () => {
    const state = { settings: settingsWith('sk-a') };
    const create = vi.fn(() => Promise.resolve({} as ChatApi));
    const get = apiProvider(state, create);
    await get();
    await get();
    expect(create).toHaveBeenCalledTimes(1);
    state.settings = settingsWith('sk-a', 'https://other.example/v1');
    await get();
    expect(create).toHaveBeenCalledTimes(2);
    expect(create).toHaveBeenLastCalledWith(
      expect.objectContaining({ apiKey: 'sk-a', baseUrl: 'https://other.example/v1' }),
    );
  });

  it('without a key rejects as an auth failure and builds nothing', async () => {
    const create = vi.fn();
    await expect(apiProvider({ settings: settingsWith(null) }, create)()).rejects.toMatchObject({
      kind: 'auth',
    });
    expect(create).not.toHaveBeenCalled();
  });
});

describe('draftHandOver', () => {
  it('the first new chat reuses the left-over draft id, later ones are new', () => {
    let n = 0;
    const ids = draftHandOver(() => `new${++n}`);
    ids.reuse('left-over');
    expect(ids.nextId()).toBe('left-over');
    expect(ids.nextId()).toBe('new1');
  });
});

describe('watchPage', () => {
  it('flushes on pagehide and on hiding, resumes when shown again, resyncs after the bfcache, asks persistence once', () => {
    const target = new EventTarget() as unknown as Window;
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' }) as unknown as {
      visibilityState: DocumentVisibilityState;
      addEventListener: Document['addEventListener'];
      dispatchEvent: (event: Event) => boolean;
    };
    const lifecycle = {
      flush: vi.fn(),
      resume: vi.fn(),
      resync: vi.fn(),
      askPersistence: vi.fn(),
    };
    watchPage(target, page, lifecycle);
    target.dispatchEvent(new Event('pagehide'));
    expect(lifecycle.flush).toHaveBeenCalledTimes(1);
    page.dispatchEvent(new Event('visibilitychange'));
    expect(lifecycle.flush).toHaveBeenCalledTimes(1);
    expect(lifecycle.resume).toHaveBeenCalledTimes(1);
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(lifecycle.flush).toHaveBeenCalledTimes(2);
    target.dispatchEvent(new Event('pageshow'));
    expect(lifecycle.resync).not.toHaveBeenCalled();
    const shown = Object.assign(new Event('pageshow'), { persisted: true });
    target.dispatchEvent(shown);
    expect(lifecycle.resync).toHaveBeenCalledTimes(1);
    expect(lifecycle.resume).toHaveBeenCalledTimes(2);
    target.dispatchEvent(new Event('keydown'));
    target.dispatchEvent(new Event('pointerdown'));
    expect(lifecycle.askPersistence).toHaveBeenCalledTimes(1);
  });
});

describe('firstExchange', () => {
  const question = message('u1', 'user', null);
  const answer = message('a1', 'assistant', 'u1');
  it('is the first question and its whole answer', () => {
    expect(firstExchange([question, answer], [answer])).toEqual({
      question: 'text u1',
      answer: 'text a1',
    });
  });
  it('is nothing for later replies, failures, refusals and empty answers', () => {
    const later = message('a2', 'assistant', 'u2');
    const branch = [question, answer, message('u2', 'user', 'a1'), later];
    expect(firstExchange(branch, [later])).toBeNull();
    expect(firstExchange([question, answer], [{ ...answer, status: 'error' }])).toBeNull();
    expect(firstExchange([question, answer], [{ ...answer, isRefusal: true }])).toBeNull();
    expect(firstExchange([question, answer], [{ ...answer, content: '' }])).toBeNull();
  });
});
