import type { Page } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticHost } from '../support/static-host';
import { expect, replies, send, sidebar, test } from './fixtures';

// These tests are about the service worker, which the other specs block (playwright.config.ts).
test.use({ serviceWorkers: 'allow' });

/** Waits until the service worker controls the page (first visit installs it; a reload hands over). */
async function controlledBySW(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
}

test.describe('offline', () => {
  test('opens with no network, shows the history, searches it, keeps the draft', async ({
    page,
    context,
    connect,
  }) => {
    await connect();
    await send(page, 'Remember me offline');
    await expect(replies(page).last()).toContainText('You said: Remember me offline');
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await send(page, 'Another topic');
    await expect(replies(page).last()).toContainText('You said: Another topic');
    await controlledBySW(page);

    await context.setOffline(true);
    await page.reload();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(2);
    await sidebar(page).getByRole('button', { name: 'Remember me offline' }).click();
    await expect(replies(page).last()).toContainText('You said: Remember me offline');
    await sidebar(page)
      .getByRole('searchbox', { name: 'Search conversations', exact: true })
      .fill('another');
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(1);

    // The test server is on 127.0.0.1, so offline the composer still sends (a Base URL elsewhere
    // keeps the message instead: guard.spec.ts). Chromium's emulated offline cuts loopback too,
    // so the message is sent once back online.
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Send me later');
    await expect(
      page.getByText('You are offline. Your Base URL is on this computer, so sending still works.'),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();

    await context.setOffline(false);
    await expect(page.getByText('You are offline.')).toHaveCount(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Send me later');
  });

  test('the service worker never answers API requests', async ({ page, server, connect }) => {
    await connect();
    const seen: { path: string; isFromWorker: boolean }[] = [];
    page.on('response', (response) => {
      if (!response.url().startsWith(server.origin)) return;
      seen.push({
        path: new URL(response.url()).pathname,
        isFromWorker: response.fromServiceWorker(),
      });
    });
    // The reload lists the models from a controlled page; then a chat request follows.
    await controlledBySW(page);
    await send(page, 'Straight to the network');
    await expect(replies(page).last()).toContainText('You said: Straight to the network');
    expect(server.chatRequests()).toHaveLength(1);
    expect(seen.map((response) => response.path)).toEqual(
      expect.arrayContaining(['/v1/models', '/v1/chat/completions']),
    );
    expect(seen.filter((response) => response.isFromWorker)).toEqual([]);
  });

  test('a new version waits for "Reload to update", then takes over', async ({ page }) => {
    // Its own host on a copy of the build, so this test can deploy a new version (sw.js with one
    // more line) while the page is open, without touching the suite's shared host.
    const dir = mkdtempSync(join(tmpdir(), 'parley-update-'));
    cpSync(process.env.PARLEY_E2E_DIST ?? 'dist', dir, { recursive: true });
    const host = await startStaticHost({ dir, base: '/parley/' });
    try {
      await page.goto(host.url);
      await controlledBySW(page);
      appendFileSync(join(dir, 'sw.js'), '\n// next version\n');
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration?.update();
      });
      const reload = page.getByRole('button', { name: 'Reload to update', exact: true });
      await expect(reload).toBeVisible();
      // Waiting means waiting: the new worker does not take over until the person asks.
      expect(
        await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return registration?.waiting?.state;
        }),
      ).toBe('installed');
      const reloaded = page.waitForEvent('load');
      await reload.click();
      await reloaded;
      await expect(page.getByRole('textbox', { name: 'API key', exact: true })).toBeVisible();
      await expect(reload).toHaveCount(0);
      expect(
        await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return registration?.waiting === null && registration.active !== null;
        }),
      ).toBe(true);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('installable: the manifest is linked, valid, and its icons load', async ({
    page,
    request,
  }) => {
    await page.goto('./');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('./manifest.webmanifest');
    const manifestUrl = new URL(href ?? '', page.url()).href;
    const manifest = (await (await request.get(manifestUrl)).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Parley', start_url: './', display: 'standalone' });
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    expect(manifest.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const response = await request.get(new URL(icon.src, manifestUrl).href);
      expect(response.ok()).toBe(true);
      expect(response.headers()['content-type']).toBe('image/png');
    }
  });
});
