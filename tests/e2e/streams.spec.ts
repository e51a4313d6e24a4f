import { expect, replies, send, test } from './fixtures';

test.describe('streams as real providers send them', () => {
  test('empty choices, null content, comments, unknown fields and a usage-only chunk', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('quirky');
    await send(page, 'Hello there');
    const reply = replies(page).last();
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    await expect(reply).toContainText(/\d+ prompt \+ \d+ completion = \d+ tokens/);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('an endpoint that sends no usage still works', async ({ page, server, connect }) => {
    await connect();
    server.use('no-usage');
    await send(page, 'Hello there');
    const reply = replies(page).last();
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    await expect(reply).not.toContainText('tokens');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  for (const scenario of ['cut-midway', 'ends-early'] as const) {
    test(`${scenario}: the partial text is kept and the break explained`, async ({
      page,
      server,
      connect,
    }) => {
      await connect();
      server.use(scenario);
      await send(page, 'Go');
      const alert = page.getByRole('alert');
      await expect(alert).toContainText('The connection broke before the reply finished');
      const reply = replies(page).last();
      const text = (await reply.locator('.markdown').textContent()) ?? '';
      expect(text.length).toBeGreaterThan(0);
      await page.reload();
      await expect(replies(page).last().locator('.markdown')).toHaveText(text);
      await expect(page.getByRole('alert')).toBeVisible();
    });
  }

  test('an error object inside a 200 stream is explained and the text so far kept', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('error-in-stream');
    await send(page, 'Go');
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByRole('alert')).not.toContainText('{');
    await expect(replies(page).last().locator('.markdown')).not.toBeEmpty();
  });

  test('finish_reason length and content_filter are shown on the reply', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('length');
    await send(page, 'One');
    await expect(replies(page).last()).toContainText('Cut off: max tokens reached');
    server.use('content-filter');
    await send(page, 'Two');
    await expect(replies(page).last()).toContainText('Stopped by the content filter');
  });
});
