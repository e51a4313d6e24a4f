/**
 * The key goes only where the person meant it to, offline use with a server on this computer,
 * Parley's service worker and data kept to its own scope, and tabs moving to a new version
 * together (issue 8, points 10, 15, 16 and 17).
 */
import type { Page } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticHost } from '../support/static-host';
import { startTestServer, TEST_API_KEY } from '../support/server';
import { expect, replies, send, test } from './fixtures';

// Service worker installs, updates and reloads, several per test: more than the default budget
// on a machine shared with other test runs.
test.describe.configure({ timeout: 90_000 });
// Updates and caches are the service worker's: allowed here, blocked elsewhere (playwright.config.ts).
test.use({ serviceWorkers: 'allow' });

function settingsDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Settings', exact: true });
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = settingsDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

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

test.describe('the saved key goes only where the person meant', () => {
  test('a new origin with the key field left empty asks first, and sends nothing until yes', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const other = await startTestServer();
    try {
      const dialog = await openSettings(page);
      await dialog.getByLabel('Base URL', { exact: true }).fill(other.url);
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      const host = new URL(other.url).host;
      const question = dialog.getByRole('alertdialog', {
        name: `Send your saved key to ${host}?`,
        exact: true,
      });
      await expect(question).toBeVisible();
      const cancel = question.getByRole('button', { name: 'Cancel', exact: true });
      await expect(cancel).toBeFocused();
      expect(other.requests).toEqual([]);

      // Cancel changes nothing: the next reply still comes from the first server.
      await cancel.click();
      await expect(question).toHaveCount(0);
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await send(page, 'Still the first server');
      await expect(replies(page).last()).toContainText('You said: Still the first server');
      expect(other.requests).toEqual([]);
      expect(server.chatRequests()).toHaveLength(1);

      await openSettings(page);
      await dialog.getByLabel('Base URL', { exact: true }).fill(other.url);
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await question.getByRole('button', { name: 'Send saved key', exact: true }).click();
      await expect(dialog).toBeHidden();
      expect(other.requests.map((request) => request.path)).toContain('/v1/models');
      await send(page, 'Now the other one');
      await expect(replies(page).last()).toContainText('You said: Now the other one');
      expect(other.chatRequests()).toHaveLength(1);
      expect(server.chatRequests()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  test('a key typed for the new origin is not asked about', async ({ page, connect }) => {
    await connect();
    const other = await startTestServer();
    try {
      const dialog = await openSettings(page);
      await dialog.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
      await dialog.getByLabel('Base URL', { exact: true }).fill(other.url);
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(dialog).toBeHidden();
      expect(other.requests.map((request) => request.path)).toContain('/v1/models');
    } finally {
      await other.close();
    }
  });

  test('Save anyway asks too, once: the yes holds for the failed check and the save', async ({
    page,
    connect,
  }) => {
    await connect();
    // Nothing leaves the machine: the endpoint is refused here, as an unreachable one would be.
    const seen: string[] = [];
    await page.route('https://api.example.com/**', (route) => {
      seen.push(route.request().url());
      return route.abort('connectionrefused');
    });
    const dialog = await openSettings(page);
    await dialog.getByLabel('Base URL', { exact: true }).fill('https://api.example.com/v1');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const question = dialog.getByRole('alertdialog', {
      name: 'Send your saved key to api.example.com?',
      exact: true,
    });
    await expect(question).toBeVisible();
    expect(seen).toEqual([]);
    await question.getByRole('button', { name: 'Send saved key', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save anyway', exact: true }).click();
    await expect(dialog).toBeHidden();
    await openSettings(page);
    await expect(dialog.getByLabel('Base URL', { exact: true })).toHaveValue(
      'https://api.example.com/v1',
    );
  });
});

test.describe('offline with a server on this computer', () => {
  test.beforeEach(async ({ page }) => {
    // The browser's own word for "no network", switchable by the test. Chromium's network
    // emulation would also cut loopback, which a real offline computer still has.
    await page.addInitScript(() => {
      let isOffline = false;
      Object.defineProperty(Navigator.prototype, 'onLine', {
        configurable: true,
        get: () => !isOffline,
      });
      (window as unknown as { setOffline: (value: boolean) => void }).setOffline = (value) => {
        isOffline = value;
        dispatchEvent(new Event(value ? 'offline' : 'online'));
      };
    });
  });

  function goOffline(page: Page, value: boolean) {
    return page.evaluate((v) => {
      (window as unknown as { setOffline: (value: boolean) => void }).setOffline(v);
    }, value);
  }

  test('a Base URL on 127.0.0.1 still sends, and the notice says why', async ({
    page,
    connect,
  }) => {
    await connect();
    await goOffline(page, true);
    await expect(
      page.getByText('You are offline. Your Base URL is on this computer, so sending still works.'),
    ).toBeVisible();
    const sendButton = page.getByRole('button', { name: 'Send', exact: true });
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Local works');
    await expect(sendButton).toBeEnabled();
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await expect(replies(page).last()).toContainText('You said: Local works');
  });

  test('a Base URL elsewhere keeps the message until the network is back', async ({
    page,
    connect,
  }) => {
    await connect();
    await page.route('https://api.example.com/**', (route) => route.abort('connectionrefused'));
    const dialog = await openSettings(page);
    await dialog.getByLabel('Base URL', { exact: true }).fill('https://api.example.com/v1');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Send saved key', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save anyway', exact: true }).click();
    await expect(dialog).toBeHidden();
    await goOffline(page, true);
    await expect(page.getByText('You are offline. Your message is kept')).toBeVisible();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Later');
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  });
});

test.describe('Parley keeps to its own scope', () => {
  test('the service worker answers only Parley’s own page, not other paths', async ({ page }) => {
    await page.goto('./');
    await controlledBySW(page);
    const other = await page.goto('./v1/models');
    expect(other?.fromServiceWorker()).toBe(false);
    const own = await page.goto('./index.html');
    expect(own?.fromServiceWorker()).toBe(true);
    const scope = await page.goto('./');
    expect(scope?.fromServiceWorker()).toBe(true);
  });

  test('Delete all data removes Parley’s caches and worker, never other apps’ on the origin', async ({
    page,
    connect,
  }) => {
    await connect();
    await controlledBySW(page);
    const scope = new URL('./', page.url()).href;
    const origin = new URL(page.url()).origin;
    await page.evaluate(
      async ({ scope, origin }) => {
        // Another app's worker in a neighbouring scope, and caches of other apps on the origin.
        await navigator.serviceWorker.register('./sw.js', { scope: './other/' });
        for (const name of ['images-v1', `workbox-precache-v2-${origin}/`]) {
          await (await caches.open(name)).put(`${origin}/mark`, new Response('theirs'));
        }
        // A mark in Parley's own precache: gone only if the cache was deleted.
        await (
          await caches.open(`parley-precache-v2-${scope}`)
        ).put(`${scope}mark`, new Response('ours'));
      },
      { scope, origin },
    );

    const dialog = await openSettings(page);
    await dialog.getByRole('button', { name: 'Delete all data', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete everything', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();

    const after = await page.evaluate(
      async ({ scope, origin }) => ({
        // Parley's registration is gone, so the reloaded page is not controlled by it.
        isControlled: navigator.serviceWorker.controller !== null,
        scopes: (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope),
        theirs: await Promise.all(
          ['images-v1', `workbox-precache-v2-${origin}/`].map(async (name) =>
            (await caches.open(name)).match(`${origin}/mark`).then((r) => r?.text()),
          ),
        ),
        ours: await caches.match(`${scope}mark`).then((r) => r?.text() ?? null),
      }),
      { scope, origin },
    );
    expect(after.isControlled).toBe(false);
    expect(after.scopes).toContain(`${scope}other/`);
    expect(after.theirs).toEqual(['theirs', 'theirs']);
    expect(after.ours).toBeNull();
  });
});

test.describe('new versions', () => {
  test('after one tab accepts the update, the others reload once their replies finish', async ({
    context,
    server,
  }) => {
    // Its own host on a copy of the build, so a new version can be deployed while tabs are open.
    const dir = mkdtempSync(join(tmpdir(), 'parley-guard-update-'));
    cpSync(process.env.PARLEY_E2E_DIST ?? 'dist', dir, { recursive: true });
    const host = await startStaticHost({ dir, base: '/parley/' });
    try {
      const first = await context.newPage();
      await first.goto(host.url);
      await first.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
      await first.getByLabel('Base URL', { exact: true }).fill(server.url);
      await first.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(first.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
      await controlledBySW(first);
      const second = await context.newPage();
      await second.goto(host.url);
      await expect
        .poll(() => second.evaluate(() => navigator.serviceWorker.controller !== null))
        .toBe(true);

      appendFileSync(join(dir, 'sw.js'), '\n// next version\n');
      await first.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      const reload = first.getByRole('button', { name: 'Reload to update', exact: true });
      await expect(reload).toBeVisible();

      // The second tab is in the middle of a reply when the first one updates.
      // Long enough to outlast the first tab's reload on a busy machine.
      const text = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
      server.useStream({ text, chunks: 30, chunkDelayMs: 500 });
      await send(second, 'Keep streaming');
      await expect(second.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
      // Words have arrived: the request is under way, past the old worker's fetch event. (A click
      // in the very moment that fetch reaches the old worker can make Chromium set the switch
      // aside; the app then asks again, which unit tests cover, but this test is about the reply.)
      await expect(replies(second).last()).toContainText('word0');
      const secondReloaded = second.waitForEvent('load');
      const firstReloaded = first.waitForEvent('load');
      await reload.click();
      await firstReloaded;
      await expect(
        second.getByText('Parley was updated in another tab. This tab reloads as soon as'),
      ).toBeVisible();
      // Still the same page, still streaming: it was not reloaded under the reply.
      await expect(second.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
      await secondReloaded;
      await expect(replies(second).last()).toContainText(text);
      expect(
        await second.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return registration?.waiting === null && navigator.serviceWorker.controller !== null;
        }),
      ).toBe(true);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a part of Parley that fails to load offers a reload instead of a broken dialog', async ({
    browser,
    server,
  }) => {
    // Without a service worker: one that took control would answer from its cache, where the
    // route below cannot make the chunk go missing.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // As after a deploy that removed this version's files: the Settings chunk is gone. From the
    // start, so that no earlier fetch of it can make the dialog open anyway.
    await page.route(/\/assets\/SettingsDialog-[^/]*\.js$/, (route) =>
      route.fulfill({ status: 404, body: 'gone' }),
    );
    await page.goto('./');
    await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
    await page.getByLabel('Base URL', { exact: true }).fill(server.url);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Part of Parley could not be loaded' });
    await expect(alert).toBeVisible();
    // A new document is what a reload makes (its load event could come and go unseen here).
    await page.evaluate(() => ((window as { beforeReload?: boolean }).beforeReload = true));
    await alert.getByRole('button', { name: 'Reload', exact: true }).click();
    await expect
      .poll(() =>
        page
          .evaluate(() => (window as { beforeReload?: boolean }).beforeReload !== true)
          .catch(() => false),
      )
      .toBe(true);
    // The new version's files are there now. Only after the reload: the old page's own import of
    // the chunk may still be under way, and would open the dialog over the alert.
    await page.unroute(/\/assets\/SettingsDialog-[^/]*\.js$/);
    await openSettings(page);
    await context.close();
  });
});
