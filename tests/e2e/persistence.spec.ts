import { expect, replies, send, sidebar, test } from './fixtures';

test.describe('everything is stored as it happens', () => {
  test('conversations, messages, parameters and settings are all back after a reload', async ({
    page,
    connect,
  }) => {
    await connect();
    await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.3');
    await send(page, 'Remember this');
    await expect(replies(page).last()).toContainText('You said: Remember this');
    await page.reload();
    await expect(sidebar(page).getByRole('button', { name: 'Remember this' })).toBeVisible();
    await expect(page.getByRole('article', { name: /^User/ })).toContainText('Remember this');
    await expect(replies(page).last()).toContainText('You said: Remember this');
    await expect(page.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveValue(
      '0.3',
    );
  });

  test('a reply streaming when the page goes away keeps its text and shows it was interrupted', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'A long one please');
    const reply = replies(page).last();
    await expect(reply).toContainText(/\w+/);
    // Long enough for at least one flush (at most a second apart) after text arrived.
    await page.waitForTimeout(1_500);
    const seen = (await reply.locator('.markdown').textContent()) ?? '';
    await page.reload();
    const after = replies(page).last();
    await expect(after).toContainText('Interrupted');
    const kept = (await after.locator('.markdown').textContent()) ?? '';
    expect(kept.length).toBeGreaterThan(0);
    // At most a second of text may be lost: what was kept is a prefix of what was seen or more.
    expect(seen.startsWith(kept.slice(0, 10))).toBe(true);
    await expect(after.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test('the user message is stored before the reply and survives a failed request', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('quota');
    await send(page, 'Do not lose me');
    await expect(page.getByRole('alert')).toBeVisible();
    await page.reload();
    await expect(page.getByRole('article', { name: /^User/ })).toContainText('Do not lose me');
    await expect(page.getByRole('alert')).toContainText('run out of credit');
  });
});
