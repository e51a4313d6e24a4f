/**
 * Shared end-to-end fixtures: every test gets its own OpenAI-compatible test server (so scenarios
 * and recorded requests never leak between tests) and helpers that act as a person would.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { startTestServer, TEST_API_KEY, type TestServer } from '../support/server';

interface Fixtures {
  server: TestServer;
  /** Opens Parley on first run and connects it to this test's server through the form. */
  connect: (page?: Page) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  server: async ({}, use) => {
    const server = await startTestServer();
    await use(server);
    await server.close();
  },
  connect: async ({ page, server }, use) => {
    await use(async (target = page) => {
      await target.goto('./');
      await target.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
      await target.getByLabel('Base URL', { exact: true }).fill(server.url);
      await target.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(target.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    });
  },
});

export { expect };

/** Types a message and sends it with Enter, as a person would. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

export function transcript(page: Page) {
  return page.getByRole('log', { name: 'Conversation', exact: true });
}

/** Assistant messages in the transcript, oldest first. */
export function replies(page: Page) {
  return transcript(page).getByRole('article', { name: /^Assistant/ });
}

export function sidebar(page: Page) {
  return page.getByRole('navigation', { name: 'Conversations', exact: true });
}
