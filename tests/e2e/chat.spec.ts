import { expect, replies, send, test, transcript } from './fixtures';

test.describe('chatting', () => {
  test('Enter sends, Shift+Enter adds a line; the reply streams in and shows its model and usage', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    await expect(box).toHaveValue('first line\nsecond line');
    await box.press('Enter');
    await expect(box).toHaveValue('');

    const user = transcript(page).getByRole('article', { name: /^User/ });
    await expect(user).toContainText('first line');
    const reply = replies(page).last();
    await expect(reply).toContainText('You said: first line');
    // The model the API reported (a dated snapshot), not just the one requested.
    await expect(reply).toContainText('gpt-4o-mini-2024-07-18');
    await expect(reply).toContainText(/\d+ prompt \+ \d+ completion = \d+ tokens/);
    // What it cost, from the catalog's price for the model.
    await expect(reply).toContainText(/≈ \$\d/);

    const body = server.chatRequests()[0] as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'first line\nsecond line' },
      ],
    });
  });

  test('renders Markdown: headings, lists, tables and fenced code', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('long-markdown');
    await send(page, 'Write a long answer');
    const reply = replies(page).last();
    // Exact: each code block has a `Copy code` button too.
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible({
      timeout: 15_000,
    });
    await expect(reply.getByRole('heading').first()).toBeVisible();
    await expect(reply.getByRole('list').first()).toBeVisible();
    await expect(reply.getByRole('table').first()).toBeVisible();
    await expect(reply.locator('pre code').first()).toBeVisible();
  });

  test('model output can never run script: raw HTML, event handlers and javascript: links are inert', async ({
    page,
    connect,
  }) => {
    await connect();
    await page.evaluate(() => {
      (window as unknown as { pwned: number }).pwned = 0;
    });
    // The test server echoes the message, so the reply contains these payloads verbatim.
    await send(
      page,
      [
        '<img src=x onerror="window.pwned=1">',
        '<script>window.pwned=2</script>',
        '[click](javascript:window.pwned=3)',
        '<svg onload="window.pwned=4"></svg>',
        '<a href="https://example.com">site</a>',
      ].join(' '),
    );
    const reply = replies(page).last();
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    await expect(reply.locator('img, script, svg, [onerror], [onload]')).toHaveCount(0);
    await expect(reply.locator('a[href^="javascript:"]')).toHaveCount(0);
    const link = reply.getByRole('link', { name: 'site' });
    if ((await link.count()) > 0) {
      await expect(link).toHaveAttribute('rel', /noopener/);
    }
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);
  });

  test('Stop aborts at once and keeps the partial reply, marked as stopped', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'Tell me a long story');
    const reply = replies(page).last();
    await expect(reply).toContainText(/\w+/, { timeout: 5_000 });
    await expect(reply.getByText('Writing…')).toHaveCount(0);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(reply).toContainText('Stopped');
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
    const text = (await reply.locator('.markdown').textContent()) ?? '';
    expect(text.length).toBeGreaterThan(0);
    // Nothing more arrives after Stop.
    await page.waitForTimeout(500);
    expect((await reply.locator('.markdown').textContent()) ?? '').toBe(text);

    await page.reload();
    const stored = replies(page).last();
    await expect(stored).toContainText('Stopped');
    await expect(stored.locator('.markdown')).toHaveText(text);
  });

  test('each conversation keeps its system prompt, which is sent first', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const prompt = page.getByRole('textbox', { name: 'System prompt', exact: true });
    await expect(prompt).toHaveValue('You are a helpful assistant.');
    await prompt.fill('Answer like a pirate.');
    await send(page, 'Hello');
    await expect(replies(page).last()).toContainText('You said: Hello');
    expect(server.chatRequests()[0]).toMatchObject({
      messages: [
        { role: 'system', content: 'Answer like a pirate.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'System prompt', exact: true })).toHaveValue(
      'Answer like a pirate.',
    );
  });
});
