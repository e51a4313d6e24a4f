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
