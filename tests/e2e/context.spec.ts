/**
 * The Context choice and the questions before a paid request: a conversation longer than the
 * model's context window asks before sending (recent messages only, anyway, or cancel), the
 * standing choice (Last N, Fit to the window) decides what is sent and the transcript says where
 * the sent part begins, and a spent monthly budget asks before each send.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DEFAULT_MODELS, startTestServer, TEST_API_KEY, type TestServer } from '../support/server';
import { expect, replies, send, sidebar, test as base, transcript } from './fixtures';

/** The test server also serves `local-model`, a model the catalog does not know. */
const test = base.extend({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  server: async ({}, use) => {
    const server = await startTestServer({ models: [...DEFAULT_MODELS, 'local-model'] });
    await use(server);
    await server.close();
  },
});

interface SentBody {
  messages: { role: string; content: string }[];
}

/** Opens Parley with a stored key for this test's server and a stored 12-message conversation. */
async function openLong(page: Page, server: TestServer): Promise<void> {
  await page.goto('./');
  await expect(page.getByLabel('API key', { exact: true })).toBeVisible();
  await page.evaluate(
    async ({ apiKey, baseUrl }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('open failed'));
      });
      const tx = db.transaction(['settings', 'conversations', 'messages'], 'readwrite');
      tx.objectStore('settings').put({ apiKey, baseUrl, keyMode: 'browser' }, 'settings');
      const now = Date.now();
      tx.objectStore('conversations').put({
        id: 'long',
        title: 'Long talk',
        isTitleCustom: true,
        systemPrompt: '',
        params: { model: 'local-model', temperature: 1, maxTokens: null },
        createdAt: now - 100_000,
        updatedAt: now,
        currentLeafId: 'm11',
        presetId: null,
      });
      for (let index = 0; index < 12; index += 1) {
        tx.objectStore('messages').put({
          id: `m${index}`,
          conversationId: 'long',
          parentId: index === 0 ? null : `m${index - 1}`,
          role: index % 2 === 0 ? 'user' : 'assistant',
          // About 55 tokens each.
          content: `Message ${index}: ${'lorem ipsum dolor sit amet '.repeat(8)}`,
          status: 'complete',
          createdAt: now - 100_000 + index * 1_000,
          updatedAt: now - 100_000 + index * 1_000,
        });
      }
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    },
    { apiKey: TEST_API_KEY, baseUrl: server.url },
  );
  await page.reload();
  await sidebar(page).getByRole('button', { name: 'Long talk' }).click();
  await expect(transcript(page).getByRole('article')).toHaveCount(12, { timeout: 30_000 });
}

/** A small `Context window` for the model (it is not in the catalog, so the form asks for one). */
async function setContextWindow(page: Page, tokens: string): Promise<void> {
  const summary = page.getByText('More parameters', { exact: true });
  if ((await summary.locator('xpath=..').getAttribute('open')) === null) await summary.click();
  await page.getByRole('spinbutton', { name: 'Context window', exact: true }).fill(tokens);
}

function lastBody(server: TestServer): SentBody {
  return server.chatRequests().at(-1) as SentBody;
}

function contextQuestion(page: Page) {
  return page.getByRole('alertdialog', {
    name: 'This conversation does not fit the model’s context window. Send only the recent messages?',
    exact: true,
  });
}

test.describe('what each request sends', () => {
  test.describe.configure({ timeout: 90_000 });

  test('too long for the window: Send recent messages only sends what fits; Cancel and Escape send nothing', async ({
    page,
    server,
  }) => {
    await openLong(page, server);
    await setContextWindow(page, '250');
    const box = page.getByRole('textbox', { name: 'Message', exact: true });

    // Escape is Cancel: nothing is sent, the draft stays, focus is back in the composer.
    await send(page, 'What next?');
    const question = contextQuestion(page);
    await expect(question).toBeVisible();
    await expect(
      question.getByRole('button', { name: 'Send recent messages only', exact: true }),
    ).toBeFocused();
    // The question, the Context control and the panel around them pass axe (WCAG 2.2 AA).
    const { violations } = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
      .analyze();
    expect(violations.map((violation) => violation.id)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(question).toHaveCount(0);
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('What next?');
    expect(server.chatRequests()).toHaveLength(0);

    // Cancel by its button: the same.
    await box.press('Enter');
    await question.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(question).toHaveCount(0);
    await expect(box).toHaveValue('What next?');
    expect(server.chatRequests()).toHaveLength(0);

    await box.press('Enter');
    await question.getByRole('button', { name: 'Send recent messages only', exact: true }).click();
    await expect(replies(page)).toHaveCount(7);
    await expect(replies(page).last()).toContainText('You said: What next?');
    const sent = lastBody(server).messages;
    // 247 prompt tokens fit: the draft and the three latest messages (about 55 each), no more.
    expect(sent.map((m) => m.content.split(':')[0])).toEqual([
      'Message 9',
      'Message 10',
      'Message 11',
      'What next?',
    ]);
    // Only this time: the standing choice is still All messages.
    await expect(page.getByRole('combobox', { name: 'Context', exact: true })).toHaveValue('all');
  });

  test('too long for the window: Send anyway sends every message', async ({ page, server }) => {
    await openLong(page, server);
    await setContextWindow(page, '250');
    await send(page, 'Everything please');
    await contextQuestion(page).getByRole('button', { name: 'Send anyway', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Everything please');
    expect(lastBody(server).messages).toHaveLength(13);
  });

  test('Fit to the window sends the recent messages that fit, as the preview shows', async ({
    page,
    server,
  }) => {
    await openLong(page, server);
    await setContextWindow(page, '250');
    await page
      .getByRole('combobox', { name: 'Context', exact: true })
      .selectOption('Fit to the window');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('What next?');
    await expect(
      transcript(page).getByRole('separator', {
        name: '9 earlier messages are not sent',
        exact: true,
      }),
    ).toBeVisible();
    await page.getByText('Request preview', { exact: true }).click();
    const preview = page.getByLabel('Request body', { exact: true });
    await expect(preview).toContainText('"content": "What next?"');
    const shown = JSON.parse(await preview.innerText()) as SentBody;
    expect(shown.messages).toHaveLength(4);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // No question: the choice already keeps the request within the window.
    await expect(replies(page).last()).toContainText('You said: What next?');
    expect(lastBody(server)).toEqual(shown);
  });

  test('Last messages 2 sends the system prompt and the last two, and the choice is kept', async ({
    page,
    server,
  }) => {
    await openLong(page, server);
    await page.getByRole('textbox', { name: 'System prompt', exact: true }).fill('Be brief.');
    const choice = page.getByRole('combobox', { name: 'Context', exact: true });
    await choice.selectOption('Last N messages');
    const count = page.getByRole('spinbutton', { name: 'Last messages', exact: true });
    // Bad input says so and changes nothing.
    await count.fill('0');
    await expect(page.getByText('Enter a whole number from 1, such as 10.')).toBeVisible();
    await count.fill('2');
    await expect(page.getByText('Enter a whole number from 1, such as 10.')).toHaveCount(0);
    // With an empty composer, the last two stored messages are what would be sent.
    await expect(
      transcript(page).getByRole('separator', {
        name: '10 earlier messages are not sent',
        exact: true,
      }),
    ).toBeVisible();

    await send(page, 'Short answer?');
    await expect(replies(page).last()).toContainText('You said: Short answer?');
    const sent = lastBody(server).messages;
    expect(sent.map((m) => m.role)).toEqual(['system', 'assistant', 'user']);
    expect(sent[0]?.content).toBe('Be brief.');
    expect(sent[1]?.content).toMatch(/^Message 11:/);
    expect(sent[2]?.content).toBe('Short answer?');

    await page.reload();
    await sidebar(page).getByRole('button', { name: 'Long talk' }).click();
    await expect(page.getByRole('combobox', { name: 'Context', exact: true })).toHaveValue('last');
    await expect(page.getByRole('spinbutton', { name: 'Last messages', exact: true })).toHaveValue(
      '2',
    );
    await expect(
      transcript(page).getByRole('separator', {
        name: '12 earlier messages are not sent',
        exact: true,
      }),
    ).toBeVisible();
  });
});

test.describe('the monthly budget', () => {
  test.describe.configure({ timeout: 90_000 });

  test('once it is spent, each send asks; Cancel sends nothing, Send anyway sends', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await send(page, 'First question');
    await expect(replies(page).first()).toContainText('You said: First question');
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const usage = page.getByRole('dialog', { name: 'Usage', exact: true });
    await usage
      .getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true })
      .fill('0.000001');
    await expect(
      usage.getByRole('progressbar', { name: 'Budget used this month', exact: true }),
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(usage).toHaveCount(0);

    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await send(page, 'Second question');
    const question = page.getByRole('alertdialog', {
      name: /^This month’s spending is \$[\d.]+ of your \$0\.0+10* budget\. Send anyway\?$/,
    });
    await expect(question).toBeVisible();
    await question.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(question).toHaveCount(0);
    await expect(box).toHaveValue('Second question');
    await expect(box).toBeFocused();
    expect(server.chatRequests()).toHaveLength(1);

    // Regenerate spends too: it asks the same question.
    await replies(page).first().getByRole('button', { name: 'Regenerate', exact: true }).click();
    await expect(question).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(question).toHaveCount(0);
    expect(server.chatRequests()).toHaveLength(1);

    await box.press('Enter');
    await question.getByRole('button', { name: 'Send anyway', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Second question');
    expect(server.chatRequests()).toHaveLength(2);
  });
});

test.describe('the monthly budget, nearly spent', () => {
  test.describe.configure({ timeout: 90_000 });

  test('at 80% Parley warns once, without stopping the send', async ({ page, server, connect }) => {
    await connect();
    await send(page, 'First question');
    await expect(replies(page).first()).toContainText('You said: First question');
    // The first reply costs $0.0000069 (22 + 6 tokens of gpt-4o-mini): 86% of this budget.
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const usage = page.getByRole('dialog', { name: 'Usage', exact: true });
    await usage
      .getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true })
      .fill('0.000008');
    await expect(
      usage.getByRole('progressbar', { name: 'Budget used this month', exact: true }),
    ).toBeVisible();
    await page.keyboard.press('Escape');

    await send(page, 'Second question');
    const warning = page.getByRole('status').filter({ hasText: 'reached 80% of your budget' });
    await expect(warning).toContainText(
      /^This month’s spending has reached 80% of your budget: \$[\d.]+ of \$0\.0000080\./,
    );
    await expect(replies(page).last()).toContainText('You said: Second question');
    expect(server.chatRequests()).toHaveLength(2);
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    await warning.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect(page.getByText('reached 80% of your budget')).toHaveCount(0);
  });
});
