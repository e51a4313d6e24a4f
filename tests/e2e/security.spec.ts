/**
 * Security, end to end: the Content-Security-Policy holds (no violation while the app is used,
 * and inline script and eval really are blocked), every request goes only to the app or the
 * configured Base URL, the key leaks nowhere (URLs, other headers, bodies, console, page text,
 * error alerts, the export file, IndexedDB when it is not meant to be stored), the passphrase lock,
 * session-only mode, and Delete all data.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from '@playwright/test';
import { TEST_API_KEY } from '../support/server';
import { expect, replies, send, sidebar, test } from './fixtures';

const PASSPHRASE = 'correct horse battery staple';

interface Violation {
  directive: string;
  blockedURI: string;
}

/** Records every `securitypolicyviolation` in `window.__violations`, from before any script. */
async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const list: Violation[] = [];
    (window as unknown as { __violations: Violation[] }).__violations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI });
    });
  });
}

function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
}

/** Everything in Parley's IndexedDB database, read with the raw API, as one JSON string. */
function storedData(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    const names = [...db.objectStoreNames];
    const values = await Promise.all(
      names.map(
        (name) =>
          new Promise<[string, unknown[]]>((resolve) => {
            const request = db.transaction(name).objectStore(name).getAll();
            request.onsuccess = () => resolve([name, request.result as unknown[]]);
          }),
      ),
    );
    db.close();
    return JSON.stringify(Object.fromEntries(values));
  });
}

function messageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** Fills the first-run form with the test key and the given way of keeping it, then saves. */
async function firstRun(
  page: Page,
  baseUrl: string,
  mode: 'In this browser' | 'Locked with a passphrase' | 'Only for this session (not stored)',
): Promise<void> {
  await page.goto('./');
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  const modes = page.getByRole('radiogroup', { name: 'Keep my key', exact: true });
  await expect(modes.getByRole('radio', { name: 'In this browser', exact: true })).toBeChecked();
  await modes.getByRole('radio', { name: mode, exact: true }).check();
  if (mode === 'Locked with a passphrase') {
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase', { exact: true }).fill(PASSPHRASE);
  }
  await page.getByLabel('Base URL', { exact: true }).fill(baseUrl);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(messageBox(page)).toBeVisible();
}

async function chatWorks(page: Page, text: string): Promise<void> {
  await send(page, text);
  await expect(replies(page).last()).toContainText(`You said: ${text}`);
}

test.describe('Content-Security-Policy', () => {
  test('the built page carries the policy', async ({ page }) => {
    await page.goto('./');
    const policy = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("style-src 'self';");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("connect-src 'self' https: http://localhost:* http://127.0.0.1:*");
    expect(policy).not.toContain('unsafe');
  });

  test('it is enforced: inline script, eval and other http hosts are blocked', async ({
    page,
    context,
  }) => {
    await recordViolations(context);
    await page.goto('./');
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    // Code Playwright evaluates is exempt from the page's policy, so each attempt is made by the
    // page itself: an inserted <script>, a string timer (eval), a fetch.
    const outcome = await page.evaluate(async () => {
      const w = window as unknown as { inlineRan?: boolean; evalRan?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: it must be refused.
      setTimeout('window.evalRan = true', 0);
      const fetched = await fetch('http://example.com/').then(
        () => true,
        () => false,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { inline: w.inlineRan === true, eval: w.evalRan === true, fetched };
    });
    expect(outcome).toEqual({ inline: false, eval: false, fetched: false });
    const directives = (await violations(page)).map((v) => v.directive).sort();
    expect(directives).toEqual(['connect-src', 'script-src-elem', 'script-src'].sort());
  });

  test('no violation while Parley is used: first run, chat, Markdown, settings, errors', async ({
    page,
    context,
    server,
    connect,
  }) => {
    await recordViolations(context);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await connect();
    await chatWorks(page, 'Hello');
    server.use('long-markdown');
    await send(page, 'Write a long answer');
    const reply = replies(page).last();
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible({
      timeout: 15_000,
    });
    await expect(reply.getByRole('table').first()).toBeVisible();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await dialog.getByRole('radio', { name: 'Locked with a passphrase', exact: true }).check();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    server.use('server-error');
    await send(page, 'Fail please');
    await page.getByRole('button', { name: 'Cancel retry', exact: true }).click();
    await expect(page.getByRole('alert').first()).toBeVisible();
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await page.reload();
    await expect(messageBox(page)).toBeVisible();

    expect(await violations(page)).toEqual([]);
    expect(consoleErrors.filter((text) => /Content.Security.Policy/i.test(text))).toEqual([]);
  });
});

test.describe('requests and the key', () => {
  test('every request goes to the app or the Base URL; the key appears nowhere else', async ({
    page,
    context,
    server,
    connect,
  }) => {
    const requests: { url: string; headers: Record<string, string>; body: string }[] = [];
    const pending: Promise<void>[] = [];
    context.on('request', (request) => {
      pending.push(
        request.allHeaders().then((headers) => {
          requests.push({ url: request.url(), headers, body: request.postData() ?? '' });
        }),
      );
    });
    const consoleText: string[] = [];
    page.on('console', (message) => consoleText.push(message.text()));
    page.on('pageerror', (error) => consoleText.push(`${error.name}: ${error.message}`));

    // A whole session: first run with the key check, send and stream, Markdown, settings open and
    // closed, a new chat, a reload, and a rejected key.
    await connect();
    await chatWorks(page, 'Hello');
    server.use('long-markdown');
    await send(page, 'Write a long answer');
    await expect(
      replies(page).last().getByRole('button', { name: 'Copy', exact: true }),
    ).toBeVisible({
      timeout: 15_000,
    });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await expect(dialog.getByLabel('API key', { exact: true })).toHaveValue('');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    server.use('plain');
    await chatWorks(page, 'Second chat');
    await page.reload();
    await expect(messageBox(page)).toBeVisible();
    await expect(sidebar(page).getByText('Second chat')).toBeVisible();

    // The export file holds the conversations and no trace of the key.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export conversations', exact: true }).click(),
    ]);
    const exported = await readFile(await download.path(), 'utf8');
    expect(exported).toContain('Second chat');
    expect(exported).not.toContain(TEST_API_KEY);
    expect(exported).not.toContain('encryptedKey');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    server.use('unauthorized');
    await send(page, 'Am I allowed?');
    const alert = page.getByRole('alert').filter({ hasText: 'API key was rejected' });
    await expect(alert).toBeVisible();
    // The endpoint's own message names the key masked; Parley's words never show any of it.
    const alertTexts = await page.getByRole('alert').allInnerTexts();
    expect(alertTexts.length).toBeGreaterThan(0);
    for (const text of alertTexts) expect(text).not.toContain(TEST_API_KEY);

    await Promise.all(pending);
    const appOrigin = new URL(page.url()).origin;
    expect(requests.length).toBeGreaterThan(5);
    const origins = new Set(requests.map((r) => new URL(r.url).origin));
    expect([...origins].sort()).toEqual([appOrigin, server.origin].sort());
    for (const { url, headers, body } of requests) {
      expect(url).not.toContain(TEST_API_KEY);
      expect(body).not.toContain(TEST_API_KEY);
      for (const [name, value] of Object.entries(headers)) {
        if (name === 'authorization') continue;
        expect(value, `header ${name} of ${url}`).not.toContain(TEST_API_KEY);
      }
      // The key goes only to the Base URL.
      if (new URL(url).origin !== server.origin)
        expect(headers).not.toHaveProperty('authorization');
    }
    // It did go there, as a Bearer token.
    expect(requests.some((r) => r.headers.authorization === `Bearer ${TEST_API_KEY}`)).toBe(true);

    for (const text of consoleText) expect(text).not.toContain(TEST_API_KEY);
    expect(await page.content()).not.toContain(TEST_API_KEY);
    expect(await page.locator('body').innerText()).not.toContain(TEST_API_KEY);
    const values = await page
      .locator('input, textarea')
      .evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement).value));
    for (const value of values) expect(value).not.toContain(TEST_API_KEY);
  });
});

test.describe('passphrase lock', () => {
  test('locked: only the encrypted key is stored; after a reload it asks once, then chat works', async ({
    page,
    server,
  }) => {
    await firstRun(page, server.url, 'Locked with a passphrase');
    await chatWorks(page, 'Locked hello');
    let stored = await storedData(page);
    expect(stored).not.toContain(TEST_API_KEY);
    expect(stored).not.toContain(PASSPHRASE);
    expect(stored).toContain('"encryptedKey":{');
    expect(stored).toContain('"iterations":600000');

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();
    await expect(messageBox(page)).toHaveCount(0);
    const passphrase = page.getByLabel('Passphrase', { exact: true });
    await expect(passphrase).toHaveAttribute('type', 'password');
    await expect(passphrase).toBeFocused();
    await passphrase.fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('That passphrase does not unlock the key.');
    await expect(messageBox(page)).toHaveCount(0);

    await passphrase.fill(PASSPHRASE);
    await passphrase.press('Enter');
    await expect(messageBox(page)).toBeVisible();
    await expect(sidebar(page).getByText('Locked hello')).toBeVisible();
    await chatWorks(page, 'Unlocked again');

    // Saving other settings keeps the lock without asking for the passphrase again.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await expect(
      dialog.getByRole('radio', { name: 'Locked with a passphrase', exact: true }),
    ).toBeChecked();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toBeHidden();

    stored = await storedData(page);
    expect(stored).not.toContain(TEST_API_KEY);
    expect(stored).toContain('"encryptedKey":{');
  });

  test('the passphrase fields explain what is wrong, beside the field', async ({
    page,
    server,
  }) => {
    await page.goto('./');
    await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
    await page.getByLabel('Base URL', { exact: true }).fill(server.url);
    await page.getByRole('radio', { name: 'Locked with a passphrase', exact: true }).check();
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    await expect(page.getByText('Choose a passphrase.')).toBeVisible();
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await save.click();
    await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase', { exact: true }).fill(`${PASSPHRASE}!`);
    await save.click();
    await expect(page.getByText('The two passphrases differ.')).toBeVisible();
    await expect(page.getByLabel('Repeat passphrase', { exact: true })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    // Nothing was checked or saved on the way.
    expect(server.requests.some((r) => r.path === '/v1/models')).toBe(false);
  });

  test('Forget key on the unlock screen: a forgotten passphrase is not a dead end', async ({
    page,
    server,
  }) => {
    await firstRun(page, server.url, 'Locked with a passphrase');
    await chatWorks(page, 'Keep this chat');
    await page.reload();
    await page.getByRole('button', { name: 'Forget key', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    await expect(page.getByLabel('Base URL', { exact: true })).toHaveValue(server.url);
    const stored = await storedData(page);
    expect(stored).not.toContain('"encryptedKey":{');
    expect(stored).toContain('Keep this chat');
  });
});

test.describe('session only', () => {
  test('the key is never stored and is gone after a reload; the choice and Base URL stay', async ({
    page,
    server,
  }) => {
    await firstRun(page, server.url, 'Only for this session (not stored)');
    await chatWorks(page, 'Session hello');
    const stored = await storedData(page);
    expect(stored).not.toContain(TEST_API_KEY);
    expect(stored).not.toContain('"encryptedKey":{');

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    await expect(page.getByLabel('Base URL', { exact: true })).toHaveValue(server.url);
    await expect(
      page.getByRole('radio', { name: 'Only for this session (not stored)', exact: true }),
    ).toBeChecked();
    expect(await storedData(page)).not.toContain(TEST_API_KEY);
  });
});

test.describe('Delete all data', () => {
  test('asks first; then conversations, settings and key are gone, in every tab', async ({
    page,
    context,
    server,
    connect,
  }) => {
    await connect();
    await chatWorks(page, 'Delete me');
    const other = await context.newPage();
    await other.goto('./');
    await expect(sidebar(other).getByText('Delete me')).toBeVisible();

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await dialog.getByRole('button', { name: 'Delete all data', exact: true }).click();
    const confirm = dialog.getByRole('alertdialog', { name: 'Delete all data' });
    await expect(confirm).toContainText('This cannot be undone.');
    const cancel = confirm.getByRole('button', { name: 'Cancel', exact: true });
    await expect(cancel).toBeFocused();
    await cancel.click();
    await expect(confirm).toHaveCount(0);
    expect(await storedData(page)).toContain('Delete me');

    await dialog.getByRole('button', { name: 'Delete all data', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete everything', exact: true }).click();

    for (const tab of [page, other]) {
      await expect(tab.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
      await expect(tab.getByLabel('Base URL', { exact: true })).toHaveValue(
        'https://api.openai.com/v1',
      );
    }
    const stored = await storedData(page);
    expect(stored).not.toContain('Delete me');
    expect(stored).not.toContain(TEST_API_KEY);
    expect(stored).not.toContain(server.url);
    // Usable again from scratch.
    await connect();
    await expect(sidebar(page).getByText('Delete me')).toHaveCount(0);
  });
});
