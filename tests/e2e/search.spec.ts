import type { Page } from '@playwright/test';
import { TEST_API_KEY, type TestServer } from '../support/server';
import { expect, replies, send, sidebar, test, transcript } from './fixtures';

/**
 * Opens Parley with its settings already stored (key and Base URL of this test's server), as a
 * returning person's browser has them. Search has nothing to do with the first-run form.
 */
async function open(page: Page, server: TestServer): Promise<void> {
  await page.goto('./');
  await expect(page.getByLabel('API key', { exact: true })).toBeVisible();
  await page.evaluate(
    async ({ apiKey, baseUrl }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('open failed'));
      });
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put({ apiKey, baseUrl, keyMode: 'browser' }, 'settings');
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    },
    { apiKey: TEST_API_KEY, baseUrl: server.url },
  );
  await page.reload();
  // The first start after first run loads the chat's chunks: slow on a busy machine.
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible({
    timeout: 30_000,
  });
}

interface SeedMessage {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  createdAt: number;
}

interface SeedConversation {
  id: string;
  title: string;
  updatedAt: number;
  currentLeafId: string | null;
  messages: SeedMessage[];
}

/** Writes conversations straight into IndexedDB, as a browser with a long history holds them. */
async function seed(page: Page, conversations: SeedConversation[]): Promise<void> {
  await page.evaluate(async (records) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    const tx = db.transaction(['conversations', 'messages'], 'readwrite');
    for (const { messages, ...conversation } of records) {
      tx.objectStore('conversations').put({
        ...conversation,
        isTitleCustom: true,
        systemPrompt: '',
        params: { model: 'gpt-4o-mini', temperature: 1, maxTokens: null },
        createdAt: conversation.updatedAt - 1_000_000,
        presetId: null,
      });
      for (const message of messages) {
        tx.objectStore('messages').put({
          ...message,
          conversationId: conversation.id,
          status: 'complete',
          updatedAt: message.createdAt,
        });
      }
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, conversations);
}

/** A chain of `count` messages; `special` puts chosen text at some positions. */
function chain(prefix: string, count: number, special: Record<number, string>): SeedMessage[] {
  const start = Date.now() - 10_000_000;
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-m${index}`,
    parentId: index === 0 ? null : `${prefix}-m${index - 1}`,
    role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: special[index] ?? `Ordinary message number ${index} about nothing in particular.`,
    createdAt: start + index * 1000,
  }));
}

function searchBox(page: Page) {
  return sidebar(page).getByRole('searchbox', { name: 'Search conversations', exact: true });
}

function results(page: Page) {
  return sidebar(page).getByRole('list', { name: 'Search results', exact: true });
}

test.describe('full-text search', () => {
  // This machine may be slow; nothing below waits on time, only on what the page shows.
  test.describe.configure({ timeout: 120_000 });
  test('finds a word deep in a conversation and opens it there, marked', async ({
    page,
    server,
  }) => {
    await open(page, server);
    const now = Date.now();
    const long = chain('long', 150, {
      4: 'We talked about the Xylophone quartet that played on Friday.',
    });
    await seed(page, [
      {
        id: 'long',
        title: 'Long history',
        updatedAt: now - 5_000,
        currentLeafId: 'long-m149',
        messages: long,
      },
      {
        id: 'recent',
        title: 'Something recent',
        updatedAt: now,
        currentLeafId: 'recent-m1',
        messages: chain('recent', 2, {}),
      },
    ]);
    await page.reload();
    await expect(sidebar(page).getByRole('button', { name: 'Something recent' })).toBeVisible();

    // Lower case, as people type it.
    await searchBox(page).fill('xylophone');
    const result = results(page).getByRole('listitem');
    await expect(result).toHaveCount(1);
    await expect(result).toContainText('Long history');
    await expect(result.locator('mark')).toHaveText('Xylophone');

    // Keyboard: down to the result, Enter opens it.
    await searchBox(page).press('ArrowDown');
    await expect(result.getByRole('button')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Long history', exact: true })).toBeAttached();
    const found = transcript(page).getByRole('group', { name: 'Found by search', exact: true });
    await expect(found).toContainText('Xylophone quartet');
    await expect(found).toBeInViewport();
  });

  test('opens the branch that holds the message', async ({ page, server }) => {
    await open(page, server);
    const start = Date.now() - 100_000;
    await seed(page, [
      {
        id: 'forked',
        title: 'Forked chat',
        updatedAt: Date.now(),
        // The newer answer is shown; the older version holds the word.
        currentLeafId: 'new-answer',
        messages: [
          { id: 'q', parentId: null, role: 'user', content: 'Tell me a story', createdAt: start },
          {
            id: 'old-answer',
            parentId: 'q',
            role: 'assistant',
            content: 'Once upon a time a marmalade cat sailed away.',
            createdAt: start + 1,
          },
          {
            id: 'new-answer',
            parentId: 'q',
            role: 'assistant',
            content: 'A dragon slept under the hill.',
            createdAt: start + 2,
          },
        ],
      },
    ]);
    await page.reload();
    await expect(replies(page).last()).toContainText('A dragon slept');
    await searchBox(page).fill('marmalade');
    await results(page).getByRole('button').click();
    const found = transcript(page).getByRole('group', { name: 'Found by search', exact: true });
    await expect(found).toContainText('marmalade cat');
    await expect(replies(page)).toHaveCount(1);
    await expect(replies(page).last()).toContainText('marmalade');
  });

  test('finds a Chinese word inside a longer run of characters', async ({ page, server }) => {
    await open(page, server);
    await seed(page, [
      {
        id: 'zh',
        title: '周末计划',
        updatedAt: Date.now(),
        currentLeafId: 'zh-m2',
        messages: chain('zh', 3, { 1: '我们明天去长城旅游，然后吃北京烤鸭。' }),
      },
    ]);
    await page.reload();
    await searchBox(page).fill('长城');
    const result = results(page).getByRole('listitem');
    await expect(result).toHaveCount(1);
    await expect(result).toContainText('周末计划');
    await expect(result.locator('mark')).toHaveText('长城');
  });

  test('results follow new messages', async ({ page, server }) => {
    await open(page, server);
    await send(page, 'First topic');
    await expect(replies(page).last()).toContainText('You said: First topic');
    await searchBox(page).fill('zebra');
    await expect(sidebar(page).getByText('No conversation matches “zebra”.')).toBeVisible();

    await send(page, 'What about a zebra crossing?');
    await expect(replies(page).last()).toContainText('You said: What about a zebra');
    const items = results(page).getByRole('listitem');
    // The question and the reply that repeats it.
    await expect(items).toHaveCount(2);
    await expect(items.first()).toContainText('First topic');
    await expect(items.locator('mark').first()).toHaveText('zebra');
  });
});

test.describe('long conversations', () => {
  test('the newest messages show at once, the rest of the first 60 right after, earlier ones on request', async ({
    page,
    server,
  }) => {
    await open(page, server);
    await seed(page, [
      {
        id: 'long',
        title: 'A long one',
        updatedAt: Date.now(),
        currentLeafId: 'long-m199',
        messages: chain('long', 200, { 199: 'The newest answer.' }),
      },
    ]);
    await page.reload();
    await sidebar(page).getByRole('button', { name: 'A long one', exact: true }).click();
    const log = transcript(page);
    await expect(log.getByRole('article').last()).toContainText('The newest answer.');
    // Drawn a slice at a time: the first 60 are all there soon after, and no more.
    await expect(log.getByRole('article')).toHaveCount(60);
    await expect(log.getByRole('article').first()).toContainText('number 140 ');
    // Still at the bottom: the slices drawn above did not move the newest message away.
    await expect(log.getByRole('article').last()).toBeInViewport();
    const earlier = log.getByRole('button', { name: 'Show earlier messages (140)', exact: true });
    await earlier.click();
    await expect(log.getByRole('article')).toHaveCount(180);
    await expect(
      log.getByRole('button', { name: 'Show earlier messages (20)', exact: true }),
    ).toBeVisible();
  });

  test('switching at the bottom to a long version draws its newest messages first, the rest right after', async ({
    page,
    server,
  }) => {
    await open(page, server);
    const messages = chain('long', 60, { 59: 'The newest answer.' });
    const start = Date.now();
    await seed(page, [
      {
        id: 'long',
        title: 'Two versions',
        updatedAt: start,
        currentLeafId: 'long-alt19',
        messages: [
          ...messages,
          {
            id: 'long-alt18',
            parentId: 'long-m17',
            role: 'user',
            content: 'Asked again.',
            createdAt: start,
          },
          {
            id: 'long-alt19',
            parentId: 'long-alt18',
            role: 'assistant',
            content: 'A short answer.',
            createdAt: start + 1,
          },
        ],
      },
    ]);
    await page.reload();
    await sidebar(page).getByRole('button', { name: 'Two versions', exact: true }).click();
    const log = transcript(page);
    await expect(log.getByRole('article')).toHaveCount(20);
    await expect(log.getByRole('article').last()).toContainText('A short answer.');
    // Idle time is held back, so what the switch draws at once stays on screen to be counted.
    await page.evaluate(() => {
      const held: IdleRequestCallback[] = [];
      const original = window.requestIdleCallback.bind(window);
      Object.assign(window, {
        requestIdleCallback: (callback: IdleRequestCallback) => held.push(callback),
        cancelIdleCallback: () => undefined,
        releaseIdle: () => {
          Object.assign(window, { requestIdleCallback: original });
          for (const callback of held) callback({ didTimeout: false, timeRemaining: () => 50 });
        },
      });
    });
    await log
      .getByRole('article', { name: 'User' })
      .last()
      .getByRole('button', { name: 'Previous version', exact: true })
      .click();
    await expect(log.getByRole('article').last()).toContainText('The newest answer.');
    await expect(log.getByRole('article')).toHaveCount(12);
    await expect(
      log.getByRole('button', { name: 'Show earlier messages (48)', exact: true }),
    ).toBeAttached();
    await page.evaluate(() => (window as unknown as { releaseIdle: () => void }).releaseIdle());
    await expect(log.getByRole('article')).toHaveCount(60);
    await expect(log.getByRole('article').last()).toBeInViewport();
  });
});
