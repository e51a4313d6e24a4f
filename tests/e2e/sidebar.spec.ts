import type { Page } from '@playwright/test';
import { expect, replies, send, sidebar, test } from './fixtures';

test.describe('conversations sidebar', () => {
  test('titles come from the first message; most recent activity comes first', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Alpha question\nwith a second line');
    await expect(replies(page).last()).toContainText('You said');
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await expect(page.getByRole('article')).toHaveCount(0);
    await send(page, 'Beta question');
    await expect(replies(page).last()).toContainText('You said: Beta');

    const items = sidebar(page).getByRole('listitem');
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText('Beta question');
    await expect(items.nth(1)).toContainText('Alpha question');

    // Activity in the older conversation moves it to the top.
    await sidebar(page).getByRole('button', { name: 'Alpha question', exact: true }).click();
    await expect(page.getByRole('article', { name: /^User/ }).first()).toContainText('Alpha');
    await send(page, 'Follow-up');
    await expect(replies(page).last()).toContainText('You said: Follow-up');
    await expect(items.nth(0)).toContainText('Alpha question');
  });

  test('New chat twice does not leave empty conversations behind', async ({ page, connect }) => {
    await connect();
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(0);
  });

  test('rename with the keyboard; the new title survives a reload and later messages', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Original title');
    await expect(replies(page).last()).toContainText('You said');
    const item = sidebar(page).getByRole('listitem').filter({ hasText: 'Original title' });
    await item.getByRole('button', { name: 'Rename', exact: true }).click();
    const field = sidebar(page).getByRole('textbox', { name: /New title for/ });
    await field.fill('My chosen name');
    await field.press('Enter');
    await expect(sidebar(page).getByRole('button', { name: 'My chosen name' })).toBeVisible();
    await send(page, 'Another message');
    await expect(replies(page).last()).toContainText('You said: Another');
    await page.reload();
    await expect(sidebar(page).getByRole('button', { name: 'My chosen name' })).toBeVisible();
  });

  test('delete, then undo brings the conversation back with its messages', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Keep me around');
    await expect(replies(page).last()).toContainText('You said');
    const item = sidebar(page).getByRole('listitem').filter({ hasText: 'Keep me around' });
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(0);
    await sidebar(page).getByRole('button', { name: 'Undo', exact: true }).click();
    await sidebar(page).getByRole('button', { name: 'Keep me around' }).click();
    await expect(replies(page).last()).toContainText('You said: Keep me around');

    await sidebar(page)
      .getByRole('listitem')
      .filter({ hasText: 'Keep me around' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(0);
  });

  test('search filters conversations by title', async ({ page, connect }) => {
    await connect();
    await send(page, 'Recipes for dinner');
    await expect(replies(page).last()).toContainText('You said');
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await send(page, 'Travel plans');
    await expect(replies(page).last()).toContainText('You said');
    await sidebar(page)
      .getByRole('searchbox', { name: 'Search conversations', exact: true })
      .fill('recipe');
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(1);
    await expect(sidebar(page).getByRole('listitem')).toContainText('Recipes for dinner');
  });
});

/** Stores conversations straight into IndexedDB (Parley's own format), as a long-time user has. */
async function seed(
  page: Page,
  conversations: { id: string; title: string; updatedAt: number; isPinned?: true }[],
): Promise<void> {
  await page.evaluate(async (records) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    const tx = db.transaction('conversations', 'readwrite');
    for (const record of records) {
      tx.objectStore('conversations').put({
        ...record,
        isTitleCustom: true,
        systemPrompt: 'You are a helpful assistant.',
        params: { model: 'gpt-4o-mini', temperature: 1, maxTokens: null },
        createdAt: record.updatedAt,
        currentLeafId: null,
        presetId: null,
      });
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, conversations);
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
}

const DAY = 86_400_000;

test.describe('sidebar groups, pins and the windowed list', () => {
  test('groups by recent activity: Today, Yesterday, Previous 7 and 30 days, then months', async ({
    page,
    connect,
  }) => {
    await connect();
    const now = new Date();
    const noon = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 12).getTime();
    const old = new Date(now.getFullYear(), now.getMonth() - 3, 10, 12);
    await seed(page, [
      { id: 'c-today', title: 'From today', updatedAt: Math.min(noon, Date.now()) },
      { id: 'c-yesterday', title: 'From yesterday', updatedAt: noon - DAY },
      { id: 'c-week', title: 'From this week', updatedAt: noon - 4 * DAY },
      { id: 'c-month', title: 'From this month', updatedAt: noon - 20 * DAY },
      { id: 'c-old', title: 'From long ago', updatedAt: old.getTime() },
    ]);
    const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric' }).format(
      old,
    );
    const headings = sidebar(page).getByRole('heading');
    await expect(headings).toHaveText([
      'Today',
      'Yesterday',
      'Previous 7 days',
      'Previous 30 days',
      monthName,
    ]);
    const items = sidebar(page).getByRole('listitem');
    await expect(items.nth(0)).toContainText('From today');
    await expect(items.nth(4)).toContainText('From long ago');
  });

  test('Pin puts a conversation on top in Pinned; Unpin puts it back; both survive a reload', async ({
    page,
    connect,
  }) => {
    await connect();
    await seed(page, [
      { id: 'c-new', title: 'Newer chat', updatedAt: Date.now() - 1_000 },
      { id: 'c-old', title: 'Older chat', updatedAt: Date.now() - 2_000 },
    ]);
    const items = sidebar(page).getByRole('listitem');
    await expect(items.nth(0)).toContainText('Newer chat');
    const older = items.filter({ hasText: 'Older chat' });
    // The row's actions say which conversation they are for.
    await expect(
      older.getByRole('button', { name: 'Pin', exact: true }),
    ).toHaveAccessibleDescription('Older chat');
    await expect(
      older.getByRole('button', { name: 'Delete', exact: true }),
    ).toHaveAccessibleDescription('Older chat');
    await expect(
      older.getByRole('button', { name: 'Rename', exact: true }),
    ).toHaveAccessibleDescription('Older chat');
    await older.getByRole('button', { name: 'Pin', exact: true }).click();
    await expect(items.nth(0)).toContainText('Older chat');
    await expect(items.nth(0).getByRole('heading', { name: 'Pinned', exact: true })).toBeVisible();
    await page.reload();
    await expect(items.nth(0)).toContainText('Older chat');
    await items.nth(0).getByRole('button', { name: 'Unpin', exact: true }).click();
    await expect(items.nth(0)).toContainText('Newer chat');
    await expect(sidebar(page).getByRole('heading', { name: 'Pinned' })).toHaveCount(0);
    await page.reload();
    await expect(items.nth(1)).toContainText('Older chat');
    await expect(items.nth(1).getByRole('button', { name: 'Pin', exact: true })).toBeVisible();
  });

  test('2,000 conversations: a windowed list that still counts them all and moves by keyboard', async ({
    page,
    connect,
  }) => {
    await connect();
    const start = Date.now() - 10_000;
    await seed(
      page,
      Array.from({ length: 2_000 }, (_, i) => ({
        id: `bulk-${i}`,
        title: `Bulk conversation ${i + 1}`,
        updatedAt: start - i * 60_000,
      })),
    );
    const list = sidebar(page).getByRole('list', { name: '2,000 conversations', exact: true });
    await expect(list).toBeVisible();
    const items = list.getByRole('listitem');
    await expect(items.first()).toContainText('Bulk conversation 1');
    await expect(items.first()).toHaveAttribute('aria-setsize', '2000');
    await expect(items.first()).toHaveAttribute('aria-posinset', '1');
    // Only what is on screen, plus a margin, is in the DOM.
    expect(await items.count()).toBeLessThan(80);

    const first = list.getByRole('button', { name: 'Bulk conversation 1', exact: true });
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await expect(
      list.getByRole('button', { name: 'Bulk conversation 2', exact: true }),
    ).toBeFocused();
    await page.keyboard.press('End');
    const last = list.getByRole('button', { name: 'Bulk conversation 2000', exact: true });
    await expect(last).toBeFocused();
    await expect(last).toBeInViewport();
    await expect(last.locator('xpath=ancestor::li')).toHaveAttribute('aria-posinset', '2000');
    expect(await items.count()).toBeLessThan(80);
    await page.keyboard.press('ArrowUp');
    await expect(
      list.getByRole('button', { name: 'Bulk conversation 1999', exact: true }),
    ).toBeFocused();
    await page.keyboard.press('Home');
    await expect(first).toBeFocused();
    // Enter opens the focused conversation, as a click would.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(
      list.getByRole('button', { name: 'Bulk conversation 2', exact: true }),
    ).toHaveAttribute('aria-current', 'page');

    // Scrolling brings the rows further down into the DOM.
    await list.evaluate((element) => element.parentElement?.scrollTo({ top: 40_000 }));
    await expect(
      items.filter({ hasText: /Bulk conversation (9\d\d|10\d\d)\b/ }).first(),
    ).toBeVisible();
  });
});
