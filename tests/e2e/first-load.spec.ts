/**
 * The first screens need only their own strings (issue 12: the first load has a 60 KB budget):
 * with the rest of the catalog refused by the network, first run and the chat still work, and
 * no string key ever shows in place of its words. The rest is still asked for, after the screen.
 */
import type { Page } from '@playwright/test';
import { en } from '../../src/lib/i18n/en';
import { TEST_API_KEY } from '../support/server';
import { expect, replies, send, test } from './fixtures';

// Without a service worker every chunk comes from the network, where the test can refuse it.
test.use({ serviceWorkers: 'block' });

const KEYS = Object.keys(en);
const REST = /\/assets\/(?:en|zh-CN)-rest-[\w-]+\.js$/;

/**
 * Refuses the strings that arrive after the first screen; `asked` resolves once they were asked
 * for (wrapped: an async function returning it would wait for it).
 */
async function refuseRest(page: Page): Promise<{ asked: Promise<unknown> }> {
  await page.route(REST, (route) => route.abort());
  return { asked: page.waitForRequest(REST) };
}

async function expectNoKeys(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(KEYS.filter((key) => text.includes(key))).toEqual([]);
}

test('first run and the chat work with only their own strings', async ({ page, server }) => {
  const { asked } = await refuseRest(page);
  await page.goto('./');
  await expect(page.getByRole('heading', { name: en['setup.title'] })).toBeVisible();
  await expectNoKeys(page);
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  await page.getByLabel('Base URL', { exact: true }).fill(server.url);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
  await send(page, 'Hello');
  await expect(replies(page)).toHaveCount(1);
  await expect(replies(page).first()).not.toHaveAttribute('aria-busy', 'true');
  await expectNoKeys(page);
  await asked;
});

test('a returning visit opens the chat with only its own strings', async ({ page, connect }) => {
  await connect();
  const { asked } = await refuseRest(page);
  await page.reload();
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await expect(box).toBeEditable();
  await send(page, 'Hello again');
  await expect(replies(page)).toHaveCount(1);
  await expect(replies(page).first()).not.toHaveAttribute('aria-busy', 'true');
  await expectNoKeys(page);
  await asked;
});
