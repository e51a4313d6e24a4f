import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { ConversationsState } from './conversations.svelte';
import { storedConversation } from './testing/chat-setup';
import { FakeDb as FakeStore } from './testing/fake-db';

const conversation = (id: string, updatedAt: number, title = `Title ${id}`): Conversation =>
  storedConversation(id, { title, updatedAt });

function message(id: string, conversationId: string): Message {
  return {
    id,
    conversationId,
    parentId: null,
    role: 'user',
    content: id,
    status: 'complete',
    createdAt: 1,
    updatedAt: 1,
  };
}

async function loaded(...stored: Conversation[]) {
  const store = new FakeStore();
  for (const c of stored) store.conversations.set(c.id, c);
  let time = 10_000;
  const state = new ConversationsState(store, () => (time += 1));
  await state.load();
  return { store, state };
}

const ids = (list: readonly Conversation[]) => list.map((c) => c.id);

describe('ConversationsState.load', () => {
  it('sorts by last activity, newest first, and opens the most recent', async () => {
    const { state } = await loaded(
      conversation('a', 5),
      conversation('b', 30),
      conversation('c', 10),
    );
    expect(ids(state.list)).toEqual(['b', 'c', 'a']);
    expect(state.active?.id).toBe('b');
    expect(state.isActiveDraft).toBe(false);
  });

  it('opens a fresh draft when there is nothing stored, without storing it', async () => {
    const { state, store } = await loaded();
    expect(state.list).toEqual([]);
    expect(state.isActiveDraft).toBe(true);
    expect(state.active).toMatchObject({
      title: '',
      isTitleCustom: false,
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      params: DEFAULT_PARAMS,
      currentLeafId: null,
    });
    expect(store.updateConversation).not.toHaveBeenCalled();
  });
});

describe('ConversationsState.newChat', () => {
  it('reuses the unsaved draft instead of making another', async () => {
    const { state, store } = await loaded(conversation('a', 5));
    const first = state.newChat();
    const second = state.newChat();
    expect(second.id).toBe(first.id);
    expect(state.active?.id).toBe(first.id);
    expect(state.list.map((c) => c.id)).toEqual(['a']);
    expect(store.updateConversation).not.toHaveBeenCalled();
  });

  it('copies the template params and system prompt (not the same object)', async () => {
    const template = conversation('t', 1);
    template.params = { ...DEFAULT_PARAMS, model: 'gpt-4.1', temperature: 0.3, maxTokens: 100 };
    template.systemPrompt = 'Be brief.';
    const { state } = await loaded(template);
    const draft = state.newChat(template);
    expect(draft.params).toEqual(template.params);
    expect(draft.params).not.toBe(template.params);
    expect(draft.systemPrompt).toBe('Be brief.');
    expect(draft.id).not.toBe('t');
    expect(state.active?.id).toBe(draft.id);
  });

  it('without a template copies the open conversation’s settings', async () => {
    const open = conversation('o', 5);
    open.params = { ...DEFAULT_PARAMS, model: 'gpt-4.1', temperature: 0.2 };
    open.systemPrompt = 'Terse.';
    const { state } = await loaded(open);
    const draft = state.newChat();
    expect(draft.params).toEqual(open.params);
    expect(draft.systemPrompt).toBe('Terse.');
  });

  it('starts from the default preset template when there is one, even on first load', async () => {
    const store = new FakeStore();
    const template = {
      params: { ...DEFAULT_PARAMS, temperature: 0.2, maxTokens: 1024 },
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      presetId: 'builtin:precise',
    };
    const state = new ConversationsState(
      store,
      () => 1,
      () => template,
    );
    await state.load();
    expect(state.active).toMatchObject({ presetId: 'builtin:precise', params: template.params });
  });

  it('makes a new draft after the previous one was saved', async () => {
    const { state } = await loaded();
    const draft = state.newChat();
    await state.save({ ...draft, title: 'Now saved' });
    const next = state.newChat();
    expect(next.id).not.toBe(draft.id);
    expect(state.isActiveDraft).toBe(true);
  });
});

describe('ConversationsState.save and adopt', () => {
  it('racing changes never store a stale copy: each write stores the newest state', async () => {
    const { state, store } = await loaded(conversation('a', 5));
    const original = state.get('a');
    if (!original) throw new Error('missing');
    // A reply finishing (touching updatedAt) races a preset being applied.
    const touch = state.update('a', (c) => ({ ...c, updatedAt: 50 }));
    const preset = state.save({ ...original, params: { ...original.params, temperature: 0.7 } });
    await Promise.all([touch, preset]);
    expect(store.conversations.get('a')?.params.temperature).toBe(0.7);
    expect(state.get('a')?.params.temperature).toBe(0.7);
  });

  it('update changes the newest state, not an older copy', async () => {
    const { state, store } = await loaded(conversation('a', 5));
    await state.rename('a', 'Renamed');
    await state.update('a', (c) => ({ ...c, updatedAt: 60 }));
    expect(store.conversations.get('a')).toMatchObject({ title: 'Renamed', updatedAt: 60 });
  });

  it('save stores a draft and adopts it into the list', async () => {
    const { state, store } = await loaded(conversation('a', 5));
    const draft = state.newChat();
    const changed = { ...draft, systemPrompt: 'Changed', updatedAt: 99 };
    await state.save(changed);
    expect(store.conversations.get(draft.id)).toEqual(changed);
    expect(ids(state.list)).toEqual([draft.id, 'a']);
    expect(state.isActiveDraft).toBe(false);
    expect(state.active).toEqual(changed);
  });

  it('a failed save leaves the draft a draft', async () => {
    const { state, store } = await loaded();
    const draft = state.newChat();
    store.updateConversation.mockRejectedValueOnce(new Error('quota'));
    await expect(state.save({ ...draft, title: 'x' })).rejects.toThrow('quota');
    expect(state.list).toEqual([]);
    expect(state.isActiveDraft).toBe(true);
  });

  it('adopt replaces the stored copy and keeps the order by activity', async () => {
    const { state, store } = await loaded(conversation('a', 5), conversation('b', 30));
    state.adopt({ ...conversation('a', 50), title: 'Renamed' });
    expect(ids(state.list)).toEqual(['a', 'b']);
    expect(state.list[0]?.title).toBe('Renamed');
    expect(store.updateConversation).not.toHaveBeenCalled();
  });

  it('select ignores unknown ids', async () => {
    const { state } = await loaded(conversation('a', 5), conversation('b', 30));
    state.select('a');
    expect(state.active?.id).toBe('a');
    state.select('nope');
    expect(state.active?.id).toBe('a');
  });
});

describe('ConversationsState.rename', () => {
  it('sets the trimmed title and marks it custom', async () => {
    const { state, store } = await loaded(conversation('a', 5, 'Old'));
    await state.rename('a', '  New name  ');
    expect(state.list[0]).toMatchObject({ title: 'New name', isTitleCustom: true });
    expect(store.conversations.get('a')).toMatchObject({ title: 'New name', isTitleCustom: true });
  });

  it('ignores a blank title, the same title and an unknown id', async () => {
    const { state, store } = await loaded(conversation('a', 5, 'Old'));
    await state.rename('a', '   ');
    await state.rename('a', ' Old ');
    await state.rename('nope', 'Anything');
    expect(store.updateConversation).not.toHaveBeenCalled();
    expect(state.list[0]).toMatchObject({ title: 'Old', isTitleCustom: false });
  });
});

describe('ConversationsState.delete and undoDelete', () => {
  it('round-trips a conversation and its messages', async () => {
    const { state, store } = await loaded(conversation('a', 5), conversation('b', 30));
    store.messages.set('m1', message('m1', 'b'));
    store.messages.set('m2', message('m2', 'a'));

    await state.delete('b');
    expect(ids(state.list)).toEqual(['a']);
    expect(state.active?.id).toBe('a');
    expect(state.lastDeleted?.conversation.id).toBe('b');
    expect(state.lastDeleted?.messages.map((m) => m.id)).toEqual(['m1']);
    expect(store.conversations.has('b')).toBe(false);

    const restored = await state.undoDelete();
    expect(restored?.id).toBe('b');
    expect(store.restoreConversation).toHaveBeenCalledWith(expect.objectContaining({ id: 'b' }), [
      expect.objectContaining({ id: 'm1' }),
    ]);
    expect(ids(state.list)).toEqual(['b', 'a']);
    expect(state.active?.id).toBe('b');
    expect(state.lastDeleted).toBeNull();
    expect(store.messages.has('m1')).toBe(true);
    expect(await state.undoDelete()).toBeNull();
  });

  it('deleting a conversation that is not shown keeps the shown one', async () => {
    const { state } = await loaded(conversation('a', 5), conversation('b', 30));
    await state.delete('a');
    expect(state.active?.id).toBe('b');
  });

  it('deleting the last conversation opens a fresh draft', async () => {
    const { state } = await loaded(conversation('a', 5));
    await state.delete('a');
    expect(state.list).toEqual([]);
    expect(state.isActiveDraft).toBe(true);
  });

  it('dismissUndo forgets what can be undone', async () => {
    const { state } = await loaded(conversation('a', 5), conversation('b', 30));
    await state.delete('a');
    state.dismissUndo();
    expect(state.lastDeleted).toBeNull();
    expect(await state.undoDelete()).toBeNull();
  });

  it('a failed delete keeps the conversation in the list', async () => {
    const { state, store } = await loaded(conversation('a', 5));
    store.deleteConversation.mockRejectedValueOnce(new Error('blocked'));
    await expect(state.delete('a')).rejects.toThrow('blocked');
    expect(ids(state.list)).toEqual(['a']);
    expect(state.lastDeleted).toBeNull();
  });
});

describe('ConversationsState.filtered (search)', () => {
  async function titled() {
    return loaded(
      conversation('a', 1, 'Hello World'),
      conversation('b', 2, 'Recipes for dinner'),
      conversation('c', 3, 'ＧＰＴ tips'),
      conversation('d', 4, '周末计划'),
    );
  }

  it('shows everything for an empty or blank query', async () => {
    const { state } = await titled();
    expect(state.filtered).toHaveLength(4);
    state.query = '   ';
    expect(state.filtered).toHaveLength(4);
  });

  it('is case-insensitive and trims the query', async () => {
    const { state } = await titled();
    state.query = '  hello  ';
    expect(ids(state.filtered)).toEqual(['a']);
    state.query = 'WORLD';
    expect(ids(state.filtered)).toEqual(['a']);
  });

  it('is width-insensitive (NFKC) both ways', async () => {
    const { state } = await titled();
    state.query = 'ＨＥＬＬＯ';
    expect(ids(state.filtered)).toEqual(['a']);
    state.query = 'gpt';
    expect(ids(state.filtered)).toEqual(['c']);
  });

  it('matches CJK titles and finds nothing for a miss', async () => {
    const { state } = await titled();
    state.query = '计划';
    expect(ids(state.filtered)).toEqual(['d']);
    state.query = 'zebra';
    expect(state.filtered).toEqual([]);
  });

  it('follows the list as it changes', async () => {
    const { state } = await titled();
    state.query = 'hello';
    await state.rename('a', 'Goodbye');
    expect(state.filtered).toEqual([]);
  });
});

describe('two tabs sharing one store', () => {
  async function twoTabs(...stored: Conversation[]) {
    const store = new FakeStore();
    for (const c of stored) store.conversations.set(c.id, structuredClone(c));
    const a = new ConversationsState(store, () => 1_000);
    const b = new ConversationsState(store, () => 1_000);
    await Promise.all([a.load(), b.load()]);
    return { store, a, b };
  }

  it('a change in one tab never puts back a field the other changed meanwhile', async () => {
    const { store, a, b } = await twoTabs(conversation('x', 5, 'Old'));
    await b.rename('x', 'Renamed in B');
    // A has not heard of the rename yet: its copy still says "Old".
    expect(a.get('x')?.title).toBe('Old');
    await a.update('x', (c) => ({ ...c, params: { ...c.params, temperature: 0.1 } }));
    expect(store.conversations.get('x')).toMatchObject({
      title: 'Renamed in B',
      isTitleCustom: true,
      params: { temperature: 0.1 },
    });
    // A's own write brought the rename back with it.
    expect(a.get('x')?.title).toBe('Renamed in B');
  });

  it('two parameters changed in two tabs both land', async () => {
    const { store, a, b } = await twoTabs(conversation('x', 5));
    await b.update('x', (c) => ({ ...c, params: { ...c.params, model: 'gpt-4.1' } }));
    await a.update('x', (c) => ({ ...c, params: { ...c.params, temperature: 0.1 } }));
    expect(store.conversations.get('x')?.params).toMatchObject({
      model: 'gpt-4.1',
      temperature: 0.1,
    });
  });

  it('refresh shows what another tab stored', async () => {
    const { a, b } = await twoTabs(conversation('x', 5, 'Old'), conversation('y', 6));
    await b.rename('x', 'New');
    await b.update('x', (c) => ({ ...c, updatedAt: 50 }));
    expect(await a.refresh('x')).toBe('changed');
    expect(a.get('x')).toMatchObject({ title: 'New', updatedAt: 50 });
    expect(ids(a.list)).toEqual(['x', 'y']);
    expect(await a.refresh('x')).toBe('unchanged');
  });

  it('refresh keeps this tab’s own change that is not stored yet on top', async () => {
    const { store, a, b } = await twoTabs(conversation('x', 5, 'Old'));
    await b.update('x', (c) => ({ ...c, systemPrompt: 'From B' }));
    // A's write of a new title is slow: it has not reached storage when A refreshes.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const realUpdate = store.updateConversation.getMockImplementation();
    store.updateConversation.mockImplementationOnce(async (id, change) => {
      await gate;
      return realUpdate?.(id, change);
    });
    const renaming = a.rename('x', 'From A');
    const refreshing = a.refresh('x');
    // The refresh waits for A's own write, so it cannot read a copy older than it.
    release();
    await Promise.all([renaming, refreshing]);
    expect(a.get('x')).toMatchObject({ title: 'From A', systemPrompt: 'From B' });
    expect(store.conversations.get('x')).toMatchObject({ title: 'From A', systemPrompt: 'From B' });
  });

  it('keeps a shown change on top of a stored copy read while a message write is under way', async () => {
    const { a, b } = await twoTabs(conversation('x', 5));
    // ChatState shows the new branch before its message transaction commits.
    const shown = a.get('x');
    if (!shown) throw new Error('missing');
    a.adopt({ ...shown, currentLeafId: 'reply', updatedAt: 70 });
    await b.update('x', (c) => ({ ...c, systemPrompt: 'From B' }));
    await a.refresh('x');
    expect(a.get('x')).toMatchObject({
      currentLeafId: 'reply',
      updatedAt: 70,
      systemPrompt: 'From B',
    });
  });

  it('refresh finds a conversation deleted in another tab and moves on', async () => {
    const { a, b } = await twoTabs(conversation('x', 5), conversation('y', 9));
    a.select('y');
    await b.delete('y');
    expect(await a.refresh('y')).toBe('deleted');
    expect(ids(a.list)).toEqual(['x']);
    expect(a.active?.id).toBe('x');
    expect(await a.refresh('y')).toBe('unchanged');
  });

  it('a late write for a conversation deleted in another tab does not bring it back', async () => {
    const { store, a, b } = await twoTabs(conversation('x', 5));
    await b.delete('x');
    await a.rename('x', 'Too late');
    expect(store.conversations.has('x')).toBe(false);
    expect(a.list).toEqual([]);
    expect(a.isActiveDraft).toBe(true);
  });

  it('refresh adds a conversation another tab created; refreshAll names the deleted ones', async () => {
    const { a, b } = await twoTabs(conversation('x', 5), conversation('y', 6));
    const draft = b.newChat();
    await b.save({ ...draft, title: 'Made in B', updatedAt: 80 });
    await b.delete('x');
    expect(await a.refreshAll()).toEqual(['x']);
    expect(ids(a.list)).toEqual([draft.id, 'y']);
    expect(a.get(draft.id)?.title).toBe('Made in B');
  });

  it('a draft here is not touched by refreshes', async () => {
    const { a } = await twoTabs(conversation('x', 5));
    const draft = a.newChat();
    expect(await a.refresh(draft.id)).toBe('unchanged');
    expect(await a.refreshAll()).toEqual([]);
    expect(a.isActiveDraft).toBe(true);
    expect(a.active?.id).toBe(draft.id);
  });

  it('never moves updatedAt back', async () => {
    const { store, a, b } = await twoTabs(conversation('x', 5));
    await b.update('x', (c) => ({ ...c, updatedAt: 90 }));
    await a.update('x', (c) => ({ ...c, updatedAt: 60 }));
    expect(store.conversations.get('x')?.updatedAt).toBe(90);
  });
});

describe('ConversationsState createId', () => {
  it('names new chats with the injected ids', async () => {
    const names = ['kept-from-last-time', 'fresh'];
    const state = new ConversationsState(
      new FakeStore(),
      () => 1,
      () => null,
      () => names.shift() ?? 'none',
    );
    await state.load();
    expect(state.active?.id).toBe('kept-from-last-time');
  });
});

describe('ConversationsState writes under way', () => {
  it('lists each change with its messages until its write has landed', async () => {
    const { store, state } = await loaded(conversation('a', 1));
    let land = () => {};
    const write = store.updateConversation.getMockImplementation();
    store.updateConversation.mockImplementationOnce(
      (...args) =>
        new Promise((resolve) => {
          land = () => void write?.(...args).then(resolve);
        }),
    );
    expect(state.writingPatches()).toEqual([]);
    const shown = state.get('a');
    if (!shown) throw new Error('no conversation');
    const question = message('q', 'a');
    const saving = state.save(
      { ...shown, params: { ...shown.params, temperature: 0.4 } },
      { put: [question] },
    );
    await vi.waitFor(() => expect(store.updateConversation).toHaveBeenCalled());
    const [pending] = state.writingPatches();
    expect(pending?.id).toBe('a');
    expect(pending?.whole).toBeNull();
    expect(pending?.patch?.nested.params?.set).toEqual({ temperature: 0.4 });
    expect(pending?.messages.put).toEqual([question]);
    land();
    await saving;
    expect(state.writingPatches()).toEqual([]);
  });
});
