import type { Page } from '@playwright/test';
import type { ScenarioName } from '../support/server';
import { expect, replies, send, test } from './fixtures';

const CASES: { scenario: ScenarioName; says: RegExp }[] = [
  { scenario: 'unauthorized', says: /API key was rejected\. Open Settings/ },
  { scenario: 'forbidden', says: /refused access \(403\)/ },
  { scenario: 'model-not-found', says: /model “gpt-4o-mini” is not available/ },
  { scenario: 'rate-limit', says: /rate-limiting you\. Wait a moment \(about \d+ s\) and Retry/ },
  { scenario: 'quota', says: /run out of credit \(insufficient quota\)/ },
  { scenario: 'context-length', says: /too long for the model’s context window/ },
  { scenario: 'bad-request', says: /refused the request as invalid/ },
  { scenario: 'server-error', says: /problem on its side/ },
];

/** Failures that pass are retried first (retries.spec.ts); here the person stops waiting. */
async function giveUpRetrying(page: Page, scenario: ScenarioName): Promise<void> {
  if (scenario === 'rate-limit' || scenario === 'server-error') {
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
  }
}

test.describe('failures are explained in words, with what to do next', () => {
  for (const { scenario, says } of CASES) {
    test(`${scenario}: a clear alert, the message kept, Retry works`, async ({
      page,
      server,
      connect,
    }) => {
      await connect();
      server.use(scenario);
      await send(page, 'Please answer');
      await giveUpRetrying(page, scenario);
      const alert = page.getByRole('alert');
      await expect(alert).toContainText(says);
      await expect(alert).not.toContainText('{"error"');
      await expect(page.getByRole('article', { name: /^User/ })).toContainText('Please answer');

      server.use('plain');
      await alert.getByRole('button', { name: 'Retry', exact: true }).click();
      await expect(replies(page).last()).toContainText('You said: Please answer');
      await expect(page.getByRole('alert')).toHaveCount(0);
      // The failed attempt carried no text: it is replaced, and the history sent is clean.
      const last = server.chatRequests().at(-1) as { messages: unknown[] };
      expect(last.messages).toEqual([
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Please answer' },
      ]);
    });
  }

  test('a rejected key offers to open Settings', async ({ page, server, connect }) => {
    await connect();
    server.use('unauthorized');
    await send(page, 'Hi');
    await page.getByRole('alert').getByRole('button', { name: 'Open settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Settings', exact: true })).toBeVisible();
  });

  test('rate limit and quota are told apart', async ({ page, server, connect }) => {
    await connect();
    server.use('quota');
    await send(page, 'One');
    await expect(page.getByRole('alert')).not.toContainText('rate-limiting');
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    server.use('rate-limit');
    await send(page, 'Two');
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('rate-limiting');
    await expect(page.getByRole('alert')).not.toContainText('credit');
  });

  test('an endpoint that cannot be reached is a network failure, not a crash', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.setOptions({ cors: false });
    await send(page, 'Hello?');
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Could not reach the endpoint');
    await expect(page.getByRole('article', { name: /^User/ })).toContainText('Hello?');
  });
});
