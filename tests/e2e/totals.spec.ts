/**
 * Per-conversation totals (issue 11, point 5) and prices from the endpoint's own GET /models
 * (point 3): the conversation header and its sidebar row's tooltip say how many tokens the
 * conversation used and what it cost, from the usage records (so a reload keeps them), and an
 * OpenRouter-like model list prices a model no price database knows.
 */
import type { Page } from '@playwright/test';
import { formatUsd } from '../../src/lib/models/pricing';
import { OPENROUTER_PRICED } from '../support/openrouter';
import { startTestServer, TEST_API_KEY, type TestServer } from '../support/server';
import { expect, replies, send, sidebar, test } from './fixtures';

/** The usage a reply shows ("12 prompt + 7 completion = 19 tokens"). */
async function replyUsage(page: Page, index: number) {
  const reply = replies(page).nth(index);
  await expect(reply).toContainText(/\d+ prompt \+ \d+ completion/);
  const text = (await reply.textContent()) ?? '';
  const match = /(\d+) prompt \+ (\d+) completion/.exec(text);
  if (!match) throw new Error(`No usage in reply ${index}: ${text}`);
  return { prompt: Number(match[1]), completion: Number(match[2]) };
}

/** Two questions, two replies: the tokens the server reported for both requests. */
async function twoReplies(page: Page) {
  await send(page, 'First question');
  const first = await replyUsage(page, 0);
  await send(page, 'Second question');
  const second = await replyUsage(page, 1);
  return {
    prompt: first.prompt + second.prompt,
    completion: first.completion + second.completion,
  };
}

/** The open conversation's header line, found by its tooltip's words and its text. */
function headerTotals(page: Page) {
  return page.getByTitle('Tokens and cost of this conversation', { exact: true });
}

async function title(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? '';
}

/** The open conversation's row in the sidebar, by its accessible name (the title alone). */
function row(page: Page, name: string) {
  return sidebar(page).getByRole('button', { name, exact: true });
}

async function connectTo(page: Page, server: TestServer) {
  await page.goto('./');
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  await page.getByLabel('Base URL', { exact: true }).fill(server.url);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
}

const tokens = (used: { prompt: number; completion: number }) =>
  (used.prompt + used.completion).toLocaleString('en-US');

test.describe('conversation totals', () => {
  // Two replies and a reload each: more than the default time on a busy machine.
  test.beforeEach(() => {
    test.slow();
  });

  test('the header and the sidebar tooltip show what the server reported, across a reload', async ({
    page,
    connect,
  }) => {
    await connect();
    const used = await twoReplies(page);
    const line = headerTotals(page);
    await expect(line).toHaveText(new RegExp(`^${tokens(used)} tokens · \\$0\\.\\d+$`));
    const text = (await line.textContent()) ?? '';

    // The Usage dialog counts the same requests (this is the only conversation): same cost.
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage', exact: true });
    await expect(dialog).toBeVisible({ timeout: 15_000 });
    const modelRow = dialog
      .getByRole('table', { name: 'Usage by model', exact: true })
      .getByRole('row', { name: /gpt-4o-mini/ });
    await expect(modelRow.getByRole('cell').nth(0)).toHaveText('2');
    const cost = (await modelRow.getByRole('cell').last().textContent()) ?? '';
    expect(text).toBe(`${tokens(used)} tokens · ${cost}`);
    await page.keyboard.press('Escape');

    // The row keeps its name (the title); its tooltip, and so its description, adds the totals.
    const name = await title(page);
    await expect(row(page, name)).toHaveAttribute('title', `${name}\n${text}`);
    await expect(row(page, name)).toHaveAccessibleDescription(
      new RegExp(`${text.replace(/\$/g, '\\$')}$`),
    );

    await page.reload();
    await expect(headerTotals(page)).toHaveText(text);
    await expect(row(page, name)).toHaveAttribute('title', `${name}\n${text}`);
  });

  test('a deleted reply still counts', async ({ page, connect }) => {
    await connect();
    const used = await twoReplies(page);
    // Both requests counted (the second's record lands just after its reply shows), then read.
    await expect(headerTotals(page)).toHaveText(new RegExp(`^${tokens(used)} tokens · `));
    const before = (await headerTotals(page).textContent()) ?? '';
    await replies(page).nth(1).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(replies(page)).toHaveCount(1);
    await page.reload();
    await expect(headerTotals(page)).toHaveText(before);
  });

  test('an OpenRouter-like model list prices a model no price database knows', async ({ page }) => {
    const server = await startTestServer({ listing: 'openrouter' });
    try {
      await connectTo(page, server);
      await page.getByRole('combobox', { name: 'Model', exact: true }).fill(OPENROUTER_PRICED);
      // The listing's context length counts for a model no catalog knows.
      await expect(page.getByText('Context window: 32,768 tokens.', { exact: true })).toBeVisible();
      const used = await twoReplies(page);
      // parley-labs/quill-7b: $2 in and $10 out per 1M tokens, as its /models entry says.
      const cost = formatUsd((used.prompt * 2 + used.completion * 10) / 1_000_000, 'en-US');
      const text = `${tokens(used)} tokens · ${cost}`;
      await expect(headerTotals(page)).toHaveText(text);
      const name = await title(page);
      await expect(row(page, name)).toHaveAttribute('title', `${name}\n${text}`);
      // Each reply is priced the same way.
      const first = await replyUsage(page, 0);
      await expect(replies(page).nth(0)).toContainText(
        formatUsd((first.prompt * 2 + first.completion * 10) / 1_000_000, 'en-US'),
      );

      await page.reload();
      await expect(headerTotals(page)).toHaveText(text);
      await expect(row(page, name)).toHaveAttribute('title', `${name}\n${text}`);
    } finally {
      await server.close();
    }
  });

  test('without a known price the tokens show and the cost is unknown, not $0', async ({
    page,
  }) => {
    // The same model id, from a server whose list carries no prices.
    const server = await startTestServer({ models: [OPENROUTER_PRICED] });
    try {
      await connectTo(page, server);
      await page.getByRole('combobox', { name: 'Model', exact: true }).fill(OPENROUTER_PRICED);
      await send(page, 'Priced?');
      const used = await replyUsage(page, 0);
      await expect(headerTotals(page)).toHaveText(`${tokens(used)} tokens · cost unknown`);
    } finally {
      await server.close();
    }
  });
});
