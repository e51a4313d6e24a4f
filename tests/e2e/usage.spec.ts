/**
 * Usage and budget: every finished request is recorded once, the Usage dialog's tables show what
 * was used, the CSV holds each request, and a monthly budget shows as a bar.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { startTestServer, TEST_API_KEY } from '../support/server';
import { expect, replies, send, test } from './fixtures';

async function openUsage(page: Page) {
  await page.getByRole('button', { name: 'Usage', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Usage', exact: true });
  // The first open loads the dialog's chunk and the usage code: slow on a busy machine.
  await expect(dialog).toBeVisible({ timeout: 15_000 });
  return dialog;
}

/** The usage a reply shows ("12 prompt + 7 completion = 19 tokens"). */
async function replyUsage(page: Page, index: number) {
  const text = (await replies(page).nth(index).textContent()) ?? '';
  const match = /(\d+) prompt \+ (\d+) completion/.exec(text);
  if (!match) throw new Error(`No usage in reply ${index}: ${text}`);
  return { prompt: Number(match[1]), completion: Number(match[2]) };
}

async function twoReplies(page: Page) {
  await send(page, 'First question');
  await expect(replies(page).nth(0)).toContainText(/\d+ prompt \+ \d+ completion/);
  await send(page, 'Second question');
  await expect(replies(page).nth(1)).toContainText(/\d+ prompt \+ \d+ completion/);
  const first = await replyUsage(page, 0);
  const second = await replyUsage(page, 1);
  return {
    prompt: first.prompt + second.prompt,
    completion: first.completion + second.completion,
  };
}

test.describe('usage', () => {
  // Two replies, a reload and a dialog each: more than the default time on a busy machine.
  test.beforeEach(() => {
    test.slow();
  });

  test('the token estimate follows the draft and shows its input cost, spaced as a sentence', async ({
    page,
    connect,
  }) => {
    await connect();
    const estimate = page.getByRole('status', { name: 'Token estimate', exact: true });
    // gpt-4o-mini: its own tokenizer (o200k, no "≈" on the count) and a known price.
    await expect(estimate).toHaveText(/^\d+ tokens to send · input ≈ \$\d/, { timeout: 15_000 });
    const before = Number(/^(\d+)/.exec((await estimate.textContent()) ?? '')?.[1]);
    await page
      .getByRole('textbox', { name: 'Message', exact: true })
      .fill('Several more words for the estimate to count');
    await expect(async () => {
      const after = Number(/^(\d+)/.exec((await estimate.textContent()) ?? '')?.[1]);
      expect(after).toBeGreaterThan(before);
    }).toPass();
    await expect(estimate).toHaveText(/^\d+ tokens to send · input ≈ \$\d/);
  });

  test('after two replies the Usage dialog’s tables show the requests and their tokens', async ({
    page,
    connect,
  }) => {
    await connect();
    const used = await twoReplies(page);
    const dialog = await openUsage(page);

    const byModel = dialog.getByRole('table', { name: 'Usage by model', exact: true });
    const model = byModel.getByRole('row', { name: /gpt-4o-mini/ });
    await expect(model.getByRole('cell')).toHaveText([
      '2',
      used.prompt.toLocaleString('en-US'),
      '0',
      used.completion.toLocaleString('en-US'),
      /^\$\d/,
    ]);

    const byDay = dialog.getByRole('table', { name: 'Usage by day', exact: true });
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await expect(
      byDay
        .getByRole('row', { name: new RegExp(`^${day}`) })
        .getByRole('cell')
        .first(),
    ).toHaveText('2');

    // Last month has nothing yet; all time has both.
    await dialog.getByRole('combobox', { name: 'Period', exact: true }).selectOption('Last month');
    await expect(dialog.getByText('No requests in this period.')).toBeVisible();
    await dialog.getByRole('combobox', { name: 'Period', exact: true }).selectOption('All time');
    await expect(
      byModel
        .getByRole('row', { name: /gpt-4o-mini/ })
        .getByRole('cell')
        .first(),
    ).toHaveText('2');

    // Usage is kept per request: it survives a reload.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.reload();
    const again = await openUsage(page);
    await expect(
      again
        .getByRole('table', { name: 'Usage by model', exact: true })
        .getByRole('row', { name: /gpt-4o-mini/ })
        .getByRole('cell')
        .first(),
    ).toHaveText('2');
  });

  test('Export usage as CSV downloads one line per request', async ({ page, connect }) => {
    await connect();
    const used = await twoReplies(page);
    const dialog = await openUsage(page);
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export usage as CSV', exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^parley-usage-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    const [header, ...lines] = text.trim().split('\r\n');
    expect(header).toBe(
      'time,conversation_id,model,endpoint,prompt_tokens,cached_tokens,completion_tokens,reasoning_tokens,cost_usd,price_version',
    );
    expect(lines).toHaveLength(2);
    const rows = lines.map((line) => line.split(','));
    expect(rows.every((row) => row[2]?.startsWith('gpt-4o-mini'))).toBe(true);
    expect(rows.every((row) => row[3]?.startsWith('http://127.0.0.1:'))).toBe(true);
    expect(rows.reduce((sum, row) => sum + Number(row[4]), 0)).toBe(used.prompt);
    expect(rows.reduce((sum, row) => sum + Number(row[6]), 0)).toBe(used.completion);
    // Both requests came from the same conversation, and were priced.
    expect(rows[0]?.[1]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(rows[0]?.[1]).toBe(rows[1]?.[1]);
    expect(rows.every((row) => Number(row[8]) > 0)).toBe(true);
    // The key never leaves in the file.
    expect(text).not.toContain('sk-test');
  });

  test('a monthly budget shows as a bar, is kept, and bad input changes nothing', async ({
    page,
    connect,
  }) => {
    await connect();
    await twoReplies(page);
    const dialog = await openUsage(page);
    const budget = dialog.getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true });
    await expect(budget).toHaveValue('');
    await expect(dialog.getByRole('progressbar')).toHaveCount(0);

    await budget.fill('20');
    const bar = dialog.getByRole('progressbar', { name: 'Budget used this month', exact: true });
    await expect(bar).toBeVisible();
    await expect(bar).toHaveAttribute('max', '20');
    await expect(dialog).toContainText(/\$0\.\d+ of \$20\.00 spent this month\./);

    await page.keyboard.press('Escape');
    await page.reload();
    const again = await openUsage(page);
    await expect(
      again.getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true }),
    ).toHaveValue('20');
    await expect(
      again.getByRole('progressbar', { name: 'Budget used this month', exact: true }),
    ).toBeVisible();

    // Bad input says so and keeps the budget as it was.
    await again.getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true }).fill('-5');
    await expect(
      again.getByText('Enter an amount in dollars, such as 20 or 12.50, or leave it empty.'),
    ).toBeVisible();
    await expect(
      again.getByRole('progressbar', { name: 'Budget used this month', exact: true }),
    ).toHaveAttribute('max', '20');

    // Emptying it removes the budget and the bar.
    await again.getByRole('spinbutton', { name: 'Monthly budget (USD)', exact: true }).fill('');
    await expect(again.getByRole('progressbar')).toHaveCount(0);
  });
  test('a model without a known price is counted as unknown until the person sets its price', async ({
    page,
  }) => {
    // A server of its own that serves a model no price list knows.
    const server = await startTestServer({ models: ['house-model'] });
    await page.goto('./');
    await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
    await page.getByLabel('Base URL', { exact: true }).fill(server.url);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('house-model');
    await send(page, 'Priced?');
    await expect(replies(page).last()).toContainText(/\d+ prompt \+ \d+ completion/);
    let dialog = await openUsage(page);
    await expect(dialog).toContainText('1 requests used a model without a known price');
    await expect(
      dialog
        .getByRole('table', { name: 'Usage by model', exact: true })
        .getByRole('row', { name: /house-model/ })
        .getByRole('cell')
        .last(),
    ).toHaveText('$0.00');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings', exact: true });
    await settings.getByRole('button', { name: 'Save price', exact: true }).click();
    await expect(settings.getByRole('alert')).toContainText('Nothing was saved.');
    await settings
      .getByRole('textbox', { name: 'Model id for the price', exact: true })
      .fill('house-model');
    await settings.getByRole('spinbutton', { name: 'Input price', exact: true }).fill('1000');
    await settings.getByRole('spinbutton', { name: 'Output price', exact: true }).fill('2000');
    await settings.getByRole('button', { name: 'Save price', exact: true }).click();
    await expect(settings).toContainText(
      'house-model: $1,000.00 input, no cached price, $2,000.00 output',
    );
    await expect(settings).toContainText(
      /Price data: genai-prices [\d.]+, published \d{4}-\d{2}-\d{2}\./,
    );
    await page.keyboard.press('Escape');

    await send(page, 'Priced now?');
    await expect(replies(page).last()).toContainText(/\d+ prompt \+ \d+ completion/);
    dialog = await openUsage(page);
    const row = dialog
      .getByRole('table', { name: 'Usage by model', exact: true })
      .getByRole('row', { name: /house-model/ });
    await expect(row.getByRole('cell').first()).toHaveText('2');
    await expect(row.getByRole('cell').last()).not.toHaveText('$0.00');
    // The first request stays unpriced: it was recorded before the price existed.
    await expect(dialog).toContainText('1 requests used a model without a known price');
    await server.close();
  });
});
