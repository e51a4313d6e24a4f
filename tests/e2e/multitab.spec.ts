import type { Page } from '@playwright/test';
import { DB_VERSION } from '../../src/lib/storage/schema';
import { expect, replies, send, sidebar, test, transcript } from './fixtures';

/** The end of the 'slow' scenario's reply: seen only once the whole reply arrived. */
const SLOW_END = 'the way a busy model does.';

/** A second Parley tab in the same browser profile (same IndexedDB, same BroadcastChannel). */
async function secondTab(page: Page): Promise<Page> {
  const other = await page.context().newPage();
  await other.goto('./');
  await expect(other.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
  return other;
}

test.describe('several tabs', () => {
  test('a message sent in one tab appears in the other; a rename in the other shows in the first', async ({
    page,
    connect,
  }) => {
    await connect();
    const other = await secondTab(page);

    await send(page, 'From the first tab');
    await expect(replies(page).last()).toContainText('You said: From the first tab');
    const item = sidebar(other).getByRole('button', { name: 'From the first tab' });
    await expect(item).toBeVisible();
    await item.click();
    await expect(transcript(other).getByRole('article', { name: /^User/ })).toContainText(
      'From the first tab',
    );
    await expect(replies(other).last()).toContainText('You said: From the first tab');

    // A further message in the first tab reaches the second, which shows that conversation.
    await send(page, 'And a second message');
    await expect(replies(other).last()).toContainText('You said: And a second message');

    const row = sidebar(other).getByRole('listitem').filter({ hasText: 'From the first tab' });
    await row.getByRole('button', { name: 'Rename', exact: true }).click();
    const field = sidebar(other).getByRole('textbox', { name: /New title for/ });
    await field.fill('Renamed in the second tab');
    await field.press('Enter');
    await expect(
      sidebar(page).getByRole('button', { name: 'Renamed in the second tab' }),
    ).toBeVisible();

    // A setting changed in the first tab after that does not put the old title back.
    await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.4');
    await page.reload();
    await expect(
      sidebar(page).getByRole('button', { name: 'Renamed in the second tab' }),
    ).toBeVisible();
    await expect(page.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveValue(
      '0.4',
    );
  });

  test('both tabs streaming different conversations at once: both replies complete, nothing lost', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const other = await secondTab(page);
    server.use('slow');

    await send(page, 'Alpha');
    await other.getByRole('button', { name: 'New chat', exact: true }).click();
    await send(other, 'Beta');
    await expect(replies(page).last()).toContainText(/\w+/);
    await expect(replies(other).last()).toContainText(/\w+/);
    await expect(replies(page).last()).toContainText(SLOW_END, { timeout: 20_000 });
    await expect(replies(other).last()).toContainText(SLOW_END, { timeout: 20_000 });

    for (const tab of [page, other]) {
      await tab.reload();
      for (const [title, said] of [
        ['Alpha', 'You said: Alpha'],
        ['Beta', 'You said: Beta'],
      ] as const) {
        await sidebar(tab).getByRole('button', { name: title, exact: true }).click();
        const reply = replies(tab).last();
        await expect(reply).toContainText(said);
        await expect(reply).toContainText(SLOW_END);
        await expect(reply).not.toContainText('Interrupted');
      }
    }
  });

  test('a reply still arriving in another tab is shown as arriving there, then complete', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'Watch me from elsewhere');
    await expect(replies(page).last()).toContainText(/\w+/);

    const other = await secondTab(page);
    await expect(replies(other).last()).toContainText('You said: Watch me');
    // Read once, not retried: it must not have been marked interrupted even for a moment.
    expect(await replies(other).last().innerText()).not.toContain('Interrupted');
    await expect(replies(other).last()).toContainText(SLOW_END, { timeout: 20_000 });
    await expect(replies(other).last()).not.toContainText('Interrupted');
  });

  test('a tab closed mid-stream leaves the reply interrupted, with its text, for the next tab', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'Cut me off');
    await expect(replies(page).last()).toContainText(/\w+/);
    // Long enough for a flush of the text so far (they are at most a second apart).
    await page.waitForTimeout(1_500);
    const context = page.context();
    await page.close();

    const next = await context.newPage();
    await next.goto('./');
    const reply = replies(next).last();
    await expect(reply).toContainText('Interrupted');
    await expect(reply).toContainText('You said: Cut me off');
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test('a newer Parley in another tab: this one asks to reload instead of hanging, the new one opens', async ({
    page,
    connect,
  }) => {
    await connect();
    const other = await secondTab(page);
    // The other tab opens the database one version up, as the next Parley will.
    const version = await other.evaluate(
      (next) =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('parley', next);
          request.onsuccess = () => {
            request.result.close();
            resolve(request.result.version);
          };
          request.onerror = () => reject(new Error(String(request.error)));
        }),
      DB_VERSION + 1,
    );
    expect(version).toBe(DB_VERSION + 1);

    const alert = page.getByRole('alert').filter({ hasText: 'updated in another tab' });
    await expect(alert).toHaveText(/Parley was updated in another tab\. Reload to continue\./);
    await expect(alert.getByRole('button', { name: 'Reload', exact: true })).toBeVisible();
  });
});
