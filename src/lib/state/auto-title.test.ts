import { describe, expect, it } from 'vitest';
import type { ChatApi } from '../api/client';
import type { StreamResult } from '../api/stream';
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { ChatRequestBody } from '../domain/request';
import type { Conversation } from '../domain/types';
import { AutoTitler, cleanTitle } from './auto-title';
import { ConversationsState } from './conversations.svelte';
import { FakeDb } from './testing/fake-db';

function stored(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    title: 'How do I bake bread',
    isTitleCustom: false,
    systemPrompt: '',
    params: { ...DEFAULT_PARAMS, model: 'gpt-4o' },
    createdAt: 1,
    updatedAt: 2,
    currentLeafId: null,
    presetId: null,
    ...overrides,
  };
}

function reply(
  content: string,
  extra: Partial<StreamResult['choices'][number]> = {},
): StreamResult {
  return {
    choices: [{ index: 0, content, finishReason: 'stop', ...extra }],
    model: 'gpt-4o',
    usage: undefined,
  };
}

async function setup(
  answer: (body: ChatRequestBody) => Promise<StreamResult>,
  settings = { isAutoTitleOn: true, titleModel: null as string | null },
  conversation = stored('c1'),
) {
  const store = new FakeDb();
  store.conversations.set(conversation.id, conversation);
  const conversations = new ConversationsState(store, () => 10);
  await conversations.load();
  const bodies: ChatRequestBody[] = [];
  const api: Pick<ChatApi, 'streamChat'> = {
    streamChat: (body) => {
      bodies.push(body);
      return answer(body);
    },
  };
  const titler = new AutoTitler({
    getApi: () => Promise.resolve(api),
    conversations,
    settings: () => settings,
  });
  return { store, conversations, titler, bodies };
}

describe('AutoTitler.suggest', () => {
  it('asks the conversation model for a title in its language and stores it', async () => {
    const { titler, conversations, store, bodies } = await setup(() =>
      Promise.resolve(reply('"Baking Bread at Home."')),
    );
    await titler.suggest(stored('c1'), 'How do I bake bread?', 'Mix flour, water…');
    expect(conversations.get('c1')?.title).toBe('Baking Bread at Home');
    expect(store.conversations.get('c1')?.title).toBe('Baking Bread at Home');
    // Still not the person's own title: a later rename replaces it, nothing overwrites a rename.
    expect(conversations.get('c1')?.isTitleCustom).toBe(false);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.model).toBe('gpt-4o');
    expect(bodies[0]?.messages[0]?.content).toMatch(/language the conversation is written in/);
    expect(bodies[0]?.messages[1]?.content).toContain('How do I bake bread?');
    expect(bodies[0]?.max_tokens).toBe(32);
  });

  it('uses the chosen Title model, and no max_tokens for a reasoning model', async () => {
    const { titler, bodies } = await setup(() => Promise.resolve(reply('面包')), {
      isAutoTitleOn: true,
      titleModel: 'o4-mini',
    });
    await titler.suggest(stored('c1'), '怎么烤面包？', '先和面……');
    expect(bodies[0]?.model).toBe('o4-mini');
    expect(bodies[0]).not.toHaveProperty('max_tokens');
  });

  it('does nothing when switched off or when the title is custom', async () => {
    const off = await setup(() => Promise.resolve(reply('X')), {
      isAutoTitleOn: false,
      titleModel: null,
    });
    await off.titler.suggest(stored('c1'), 'Hi', 'Hello');
    expect(off.bodies).toHaveLength(0);

    const custom = stored('c1', { title: 'Mine', isTitleCustom: true });
    const named = await setup(() => Promise.resolve(reply('X')), undefined, custom);
    await named.titler.suggest(custom, 'Hi', 'Hello');
    expect(named.bodies).toHaveLength(0);
  });

  it('keeps a rename made while the request was running', async () => {
    let release: (result: StreamResult) => void = () => undefined;
    const { titler, conversations } = await setup(
      () => new Promise<StreamResult>((resolve) => (release = resolve)),
    );
    const pending = titler.suggest(stored('c1'), 'Hi', 'Hello');
    await Promise.resolve();
    await conversations.rename('c1', 'Chosen by me');
    release(reply('Greeting'));
    await pending;
    expect(conversations.get('c1')?.title).toBe('Chosen by me');
  });

  it('never rejects, and asks once per conversation', async () => {
    const { titler, conversations, bodies } = await setup(() =>
      Promise.reject(new Error('network down')),
    );
    await expect(titler.suggest(stored('c1'), 'Hi', 'Hello')).resolves.toBeUndefined();
    await titler.suggest(stored('c1'), 'Hi', 'Hello');
    expect(bodies).toHaveLength(1);
    expect(conversations.get('c1')?.title).toBe('How do I bake bread');
  });

  it('ignores refusals and empty answers', async () => {
    const refused = await setup(() =>
      Promise.resolve(reply('I cannot help', { refusal: 'I cannot help' })),
    );
    await refused.titler.suggest(stored('c1'), 'Hi', 'Hello');
    expect(refused.conversations.get('c1')?.title).toBe('How do I bake bread');
    const empty = await setup(() => Promise.resolve(reply('  \n ')));
    await empty.titler.suggest(stored('c1'), 'Hi', 'Hello');
    expect(empty.conversations.get('c1')?.title).toBe('How do I bake bread');
  });
});

describe('cleanTitle', () => {
  it.each([
    ['Title: Weekend in Kyoto', 'Weekend in Kyoto'],
    ['“京都周末游”。', '京都周末游'],
    ['**Parsing JSON**\nMore text', 'Parsing JSON'],
    ['  spaced   out  ', 'spaced out'],
  ])('%j becomes %j', (answer, title) => {
    expect(cleanTitle(answer)).toBe(title);
  });

  it('shortens a long answer', () => {
    expect(cleanTitle('word '.repeat(40)).length).toBeLessThanOrEqual(80);
  });
});
