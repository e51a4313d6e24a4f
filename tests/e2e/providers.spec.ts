/**
 * Streams as particular providers send them (issue 8, points 1–5, 11, 12), replayed byte for byte
 * by the test server (tests/support/providers.ts), and what the screen makes of each: refusals,
 * reasoning, errors inside a 200 stream, non-streamed replies, unusual finishes, a redirect to
 * another origin, and an error text that echoes the key.
 */
import {
  ANSWER_TEXT,
  BAD_REQUEST_IN_STREAM_MESSAGE,
  REASONING_TEXT,
  REFUSAL_TEXT,
  TOKEN_LIMIT_MESSAGE,
} from '../support/providers';
import { TEST_API_KEY } from '../support/server';
import { expect, replies, send, test } from './fixtures';

test.describe('what providers stream besides the answer', () => {
  test('an OpenAI refusal is the reply, marked as a refusal, and stays after a reload', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Do something bad scenario:refusal');
    const reply = replies(page).last();
    await expect(reply).toContainText(REFUSAL_TEXT);
    await expect(reply).toContainText('Refusal: the model declined to answer this request.');
    await page.reload();
    await expect(replies(page).last()).toContainText(REFUSAL_TEXT);
    await expect(replies(page).last()).toContainText('Refusal: the model declined');
  });

  for (const scenario of ['reasoning-deepseek', 'reasoning-openrouter', 'reasoning-groq']) {
    test(`${scenario}: reasoning in a collapsed Reasoning disclosure, never in the answer`, async ({
      page,
      connect,
    }) => {
      await connect();
      await send(page, `Hello scenario:${scenario}`);
      const reply = replies(page).last();
      await expect(reply).toContainText(ANSWER_TEXT);
      const reasoning = reply.getByRole('group', { name: 'Reasoning', exact: true });
      await expect(reasoning).toBeVisible();
      // Collapsed by default: the answer comes first, the reasoning is one keypress away.
      await expect(reasoning.getByText(REASONING_TEXT)).toBeHidden();
      await reasoning.getByText('Reasoning', { exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect(reasoning.getByText(REASONING_TEXT)).toBeVisible();
      // Kept apart from the answer: the answer's text does not contain it.
      await expect(reply.locator('.markdown, .plain').first()).not.toContainText(REASONING_TEXT);
    });
  }

  test('reasoning is stored with the reply and never sent back to the API', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await send(page, 'Hello scenario:reasoning-deepseek');
    await expect(replies(page).last()).toContainText(ANSWER_TEXT);
    await page.reload();
    const reasoning = replies(page).last().getByRole('group', { name: 'Reasoning', exact: true });
    await reasoning.getByText('Reasoning', { exact: true }).click();
    await expect(reasoning.getByText(REASONING_TEXT)).toBeVisible();
    await send(page, 'And again');
    await expect(replies(page).last()).toContainText('You said: And again');
    expect(JSON.stringify(server.chatRequests().at(-1))).not.toContain(REASONING_TEXT);
  });

  test('the usage line counts reasoning tokens where the API reports them', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Hello scenario:reasoning-openrouter');
    const reply = replies(page).last();
    await expect(reply).toContainText('12 prompt + 30 completion = 42 tokens');
    await expect(reply).toContainText('18 reasoning');
  });

  test('Mistral’s content parts: thinking apart, the text parts as the answer', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Hello scenario:content-parts');
    const reply = replies(page).last();
    await expect(reply).toContainText(ANSWER_TEXT);
    await expect(reply.getByRole('group', { name: 'Reasoning', exact: true })).toBeVisible();
  });
});

test.describe('errors inside a 200 stream', () => {
  test('a 4xx-class `event: error` is final: shown at once, sent once, never retried', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await send(page, 'Write a novel scenario:error-event');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('refused the request as invalid');
    await expect(alert).toContainText(TOKEN_LIMIT_MESSAGE);
    await expect(alert.getByRole('button', { name: 'Retry', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel retry', exact: true })).toHaveCount(0);
    // Before this fix the same request went out four more times, each one paid for.
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('an error chunk after some text keeps the text and explains the failure', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await send(page, 'Look it up scenario:error-chunk-bad-request');
    const reply = replies(page).last();
    await expect(reply.getByRole('alert')).toContainText(BAD_REQUEST_IN_STREAM_MESSAGE);
    await expect(reply).toContainText('Hello! How can');
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('an overloaded provider is still retried, with a way to stop waiting', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Hi scenario:error-chunk-overloaded');
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('problem on its side');
  });
});

test.describe('replies that are not a plain stream', () => {
  test('a server that ignores stream:true: its one chat.completion is shown', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Hello scenario:not-streamed');
    await expect(replies(page).last()).toContainText(ANSWER_TEXT);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('a tool_calls finish says what happened instead of an empty bubble', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Look it up scenario:tool-calls');
    await expect(replies(page).last()).toContainText(
      'The model asked to run a tool (tool_calls). Parley does not run tools',
    );
  });

  test('a finish reason of the provider’s own is explained', async ({ page, connect }) => {
    await connect();
    await send(page, 'Hi scenario:unknown-finish');
    await expect(replies(page).last()).toContainText('The provider ran out of capacity');
  });
});

test.describe('the key goes only where the person meant', () => {
  test('a redirect to another origin is refused and explained; the key never goes there', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await send(page, 'Hi scenario:redirect');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Parley does not follow redirects');
    await expect(page.getByRole('button', { name: 'Cancel retry', exact: true })).toHaveCount(0);
    // The redirect points at this same server under the host name `localhost`.
    const hosts = server.requests.map((request) => request.headers.host ?? '');
    expect(hosts.filter((host) => host.startsWith('localhost'))).toEqual([]);
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('an error text echoing the key is masked on screen and in storage', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Hi scenario:echo-key');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The API key sk-*** is not allowed to use this model.');
    await expect(page.locator('body')).not.toContainText(TEST_API_KEY);
    await page.reload();
    await expect(page.getByRole('alert')).toContainText('sk-***');
    await expect(page.locator('body')).not.toContainText(TEST_API_KEY);
  });
});
