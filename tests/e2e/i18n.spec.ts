import { TEST_API_KEY } from '../support/server';
import { expect, test } from './fixtures';

test.describe('languages', () => {
  test.describe('a Chinese browser', () => {
    test.use({ locale: 'zh-CN' });

    test('gets Simplified Chinese on first run', async ({ page }) => {
      await page.goto('./');
      await expect(page.getByRole('heading', { name: '欢迎使用 Parley' })).toBeVisible();
      await expect(page.getByRole('button', { name: '保存' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    });
  });

  test('the language can be switched in Settings and is remembered', async ({ page, connect }) => {
    await connect();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect(page.getByRole('button', { name: '删除密钥' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: '新对话' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('textbox', { name: '消息' })).toBeVisible();
    await expect(page.getByText(TEST_API_KEY)).toHaveCount(0);
  });
});
