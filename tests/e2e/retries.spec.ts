import type { ScenarioName } from '../support/server';
import { expect, replies, send, test } from './fixtures';

test.describe('retries', () => {
  test('a rate limit is retried after retry-after, with a visible countdown', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('rate-limit');
    await send(page, 'Busy hour');
    const notice = page.getByRole('status').filter({ hasText: 'Retrying in' });
    await expect(notice).toContainText(/Rate limited\. Retrying in \d+ s \(attempt 1 of 4\)/);
    server.use('plain');
    await expect(replies(page).last()).toContainText('You said: Busy hour');
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(server.chatRequests().length).toBe(2);
  });

  test('a server error is retried with backoff until it passes', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('server-error');
    await send(page, 'Flaky server');
    await expect(page.getByText(/The endpoint had a problem\. Retrying in/)).toBeVisible();
    server.use('plain');
    await expect(replies(page).last()).toContainText('You said: Flaky server');
  });

  const NEVER_RETRIED: ScenarioName[] = [
    'quota',
    'unauthorized',
    'forbidden',
    'model-not-found',
    'bad-request',
    'context-length',
  ];
  for (const scenario of NEVER_RETRIED) {
    test(`${scenario} is never retried`, async ({ page, server, connect }) => {
      await connect();
      server.use(scenario);
      await send(page, 'Once only');
      await expect(page.getByRole('alert')).toBeVisible();
      await page.waitForTimeout(1_500);
      expect(server.chatRequests()).toHaveLength(1);
      await expect(page.getByText(/Retrying in/)).toHaveCount(0);
    });
  }

  test('Cancel retry stops waiting and explains the failure', async ({ page, server, connect }) => {
    await connect();
    server.use('server-error');
    await send(page, 'Give up');
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('problem on its side');
    // A slow machine may click after the first retry went out; from the click on, none may.
    const sent = server.chatRequests().length;
    await page.waitForTimeout(2_500);
    expect(server.chatRequests()).toHaveLength(sent);
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
  });

  test('a stream broken midway keeps its text and offers Continue and Retry', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('cut-midway');
    await send(page, 'Long story');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The connection broke');
    // Not retried behind the person's back: the text they read stays as it is.
    expect(server.chatRequests()).toHaveLength(1);
    const partial = (await replies(page).last().locator('.markdown').textContent()) ?? '';
    server.use('plain');
    await alert.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(replies(page)).toHaveCount(1);
    await expect(
      replies(page).last().getByRole('button', { name: 'Copy', exact: true }),
    ).toBeVisible();
    const whole = (await replies(page).last().locator('.markdown').textContent()) ?? '';
    expect(whole.startsWith(partial.slice(0, 10))).toBe(true);
    expect(whole.length).toBeGreaterThan(partial.length);
  });
});

test.describe('client-side rate limits', () => {
  test('requests over the per-minute limit wait with a countdown and can be cancelled', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await dialog.getByRole('spinbutton', { name: 'Requests per minute', exact: true }).fill('1');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await send(page, 'First');
    await expect(replies(page).last()).toContainText('You said: First');
    await send(page, 'Second');
    await expect(
      page.getByRole('status').filter({ hasText: 'Waiting for your rate limit' }),
    ).toContainText(/sending in \d+ s/);
    expect(server.chatRequests()).toHaveLength(1);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(replies(page).last()).toContainText('Stopped');
    expect(server.chatRequests()).toHaveLength(1);
    await page.reload();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(
      page.getByRole('spinbutton', { name: 'Requests per minute', exact: true }),
    ).toHaveValue('1');
  });

  test('a usage tier fills in both limits', async ({ page, connect }) => {
    await connect();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('combobox', { name: 'Fill in from a usage tier' }).selectOption('tier1');
    await expect(page.getByRole('spinbutton', { name: 'Requests per minute' })).toHaveValue('500');
    await expect(page.getByRole('spinbutton', { name: 'Tokens per minute' })).toHaveValue('200000');
  });

  test('the limits the endpoint reports are shown when readable', async ({ page, connect }) => {
    await connect();
    await send(page, 'Hi');
    await expect(replies(page).last()).toContainText('You said: Hi');
    await expect(page.getByText(/Rate limit left: 9,999 requests, 199,950 tokens/)).toBeVisible();
  });
});
