/**
 * Theme and first paint: the Theme setting (System / Light / Dark), applied before any of the
 * app's script runs (public/boot.js), and the static shell index.html paints by itself.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const LIGHT_BG = 'rgb(247, 247, 245)';
const DARK_BG = 'rgb(22, 22, 21)';

function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

async function chooseTheme(page: Page, label: 'System' | 'Light' | 'Dark'): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
  await dialog.getByRole('combobox', { name: 'Theme', exact: true }).selectOption({ label });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
}

test.describe('theme', () => {
  test('System by default and follows the device; Light and Dark override it', async ({
    page,
    connect,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await connect();
    expect(await background(page)).toBe(DARK_BG);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const theme = page
      .getByRole('dialog', { name: 'Settings', exact: true })
      .getByRole('combobox', { name: 'Theme', exact: true });
    await expect(theme.locator('option:checked')).toHaveText('System');
    await page.keyboard.press('Escape');

    await chooseTheme(page, 'Light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(await background(page)).toBe(LIGHT_BG);

    await page.emulateMedia({ colorScheme: 'light' });
    await chooseTheme(page, 'Dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await background(page)).toBe(DARK_BG);

    await chooseTheme(page, 'System');
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
    expect(await background(page)).toBe(LIGHT_BG);
  });

  test('the chosen theme is there before the app runs: no light flash on a dark page', async ({
    page,
    connect,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await connect();
    await chooseTheme(page, 'Dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    // With the app's own modules refused, only index.html, its stylesheet and boot.js remain:
    // what the page shows then is what it shows before any module has run.
    await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await background(page)).toBe(DARK_BG);
    const shell = page.locator('.boot-shell');
    await expect(shell).toBeVisible();
    await expect(shell).toContainText('Parley');
  });

  test('the static shell gives way to the app, and the language copy sets lang early', async ({
    page,
    connect,
  }) => {
    await connect();
    await expect(page.locator('.boot-shell')).toBeHidden();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Settings', exact: true })
      .getByRole('combobox', { name: 'Language', exact: true })
      .selectOption({ label: '简体中文' });
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    // The Chinese strings (not the English ones) are fetched alongside the entry.
    const preloads = await page
      .locator('link[rel="modulepreload"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    expect(preloads.some((href) => /zh-CN-[\w-]+\.js$/.test(href))).toBe(true);
    expect(preloads.some((href) => /\/en-[\w-]+\.js$/.test(href))).toBe(false);
    // Someone with a key lands on the chat: its view, not the first-run form, comes along.
    // (the chat view is part of the Shell chunk, fetched only with a key).
    expect(preloads.some((href) => /\/Shell-[\w-]+\.js$/.test(href))).toBe(true);
    expect(preloads.some((href) => /SetupView-[\w-]+\.js$/.test(href))).toBe(false);
  });

  test('a first visit preloads the first-run form with the strings', async ({ page }) => {
    await page.goto('./');
    await expect(page.getByLabel('API key', { exact: true })).toBeVisible();
    await expect(page.locator('.boot-shell')).toBeHidden();
    const preloads = await page
      .locator('link[rel="modulepreload"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    expect(preloads.some((href) => /SetupView-[\w-]+\.js$/.test(href))).toBe(true);
    expect(preloads.some((href) => /\/en-[\w-]+\.js$/.test(href))).toBe(true);
  });
});
