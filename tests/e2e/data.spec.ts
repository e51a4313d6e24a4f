import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { TEST_API_KEY } from '../support/server';
import { expect, replies, send, sidebar, test, transcript } from './fixtures';

/** How the test server's slow reply ends. */
const SLOW_END = 'the way a busy model does.';

function messageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** Drafts are saved 300 ms after the last keystroke; this leaves room for a slow disk. */
async function letDraftSave(page: Page): Promise<void> {
  await page.waitForTimeout(800);
}

async function openStorage(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
  const region = dialog.getByRole('region', { name: 'Storage', exact: true });
  await expect(region).toBeVisible();
  return region;
}

async function exportFile(page: Page): Promise<{ name: string; text: string }> {
  const region = await openStorage(page);
  const downloading = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Export conversations', exact: true }).click();
  const download = await downloading;
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

test.describe('drafts', () => {
  test('the unsent message is kept across a reload and a switch of conversations, and cleared by sending', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'First conversation');
    await expect(replies(page).last()).toContainText('You said: First conversation');

    await messageBox(page).fill('Half a thought');
    await letDraftSave(page);
    await page.reload();
    await expect(messageBox(page)).toHaveValue('Half a thought');

    // Switching away at once (before the save delay) and back loses nothing either.
    await messageBox(page).fill('Half a thought, longer');
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await expect(messageBox(page)).toHaveValue('');
    await sidebar(page).getByRole('button', { name: 'First conversation' }).click();
    await expect(messageBox(page)).toHaveValue('Half a thought, longer');

    await messageBox(page).press('Enter');
    await expect(messageBox(page)).toHaveValue('');
    await expect(replies(page).last()).toContainText('You said: Half a thought, longer');
    await page.reload();
    await expect(replies(page).last()).toContainText('You said: Half a thought, longer');
    await expect(messageBox(page)).toHaveValue('');
  });

  test('a new chat’s unsent message comes back after a reload', async ({ page, connect }) => {
    await connect();
    await messageBox(page).fill('Not sent, not saved as a chat');
    await letDraftSave(page);
    await page.reload();
    await expect(messageBox(page)).toHaveValue('Not sent, not saved as a chat');
  });
});

test.describe('storage', () => {
  test('Settings show the space used and whether the browser may clear the data', async ({
    page,
    connect,
  }) => {
    await connect();
    const region = await openStorage(page);
    await expect(region).toContainText(/Using .+ of about .+ available\./);
    await expect(region).toContainText(
      /Storage is persistent|may clear Parley’s data if the site is not visited/,
    );
  });

  test('a full disk says so, keeps what was stored, and offers the export', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Stored before the disk filled');
    await expect(replies(page).last()).toContainText('You said: Stored before');

    // Every write from now on fails the way a full disk does.
    await page.evaluate(() => {
      const fail = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      IDBObjectStore.prototype.put = fail;
      IDBObjectStore.prototype.add = fail;
    });
    await send(page, 'This one does not fit');
    const alert = page.getByRole('alert').filter({ hasText: 'storage for Parley is full' });
    await expect(alert).toBeVisible();
    // Not sent, so not lost: the text stays in the box.
    await expect(messageBox(page)).toHaveValue('This one does not fit');

    const downloading = page.waitForEvent('download');
    await alert.getByRole('button', { name: 'Export conversations', exact: true }).click();
    const file = JSON.parse(await readFile(await (await downloading).path(), 'utf8')) as {
      conversations: { title: string; messages: unknown[] }[];
    };
    expect(file.conversations.map((c) => c.title)).toEqual(['Stored before the disk filled']);
    expect(file.conversations[0]?.messages).toHaveLength(2);

    await page.reload();
    await expect(transcript(page).getByRole('article', { name: /^User/ })).toHaveText(
      /Stored before the disk filled/,
    );
    await expect(sidebar(page).getByRole('button', { name: /This one does not fit/ })).toHaveCount(
      0,
    );
  });
});

test.describe('a disk that fills while a reply arrives', () => {
  test('the reply stays whole on screen, says Not saved yet, and the export carries it', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'Fill the disk');
    await expect(replies(page).last()).toContainText('You said: Fill the disk');
    await page.evaluate(() => {
      IDBObjectStore.prototype.put = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    const reply = replies(page).last();
    await expect(reply).toContainText(SLOW_END, { timeout: 20_000 });
    await expect(reply).toContainText('Not saved yet');
    const alert = page.getByRole('alert').filter({ hasText: 'storage for Parley is full' });
    const downloading = page.waitForEvent('download');
    await alert.getByRole('button', { name: 'Export conversations', exact: true }).click();
    const file = JSON.parse(await readFile(await (await downloading).path(), 'utf8')) as {
      conversations: { messages: { role: string; content: string }[] }[];
    };
    const exported = file.conversations[0]?.messages.find((m) => m.role === 'assistant');
    expect(exported?.content).toContain(SLOW_END);
  });
});

test.describe('export and import', () => {
  test('export downloads the conversations without the key; a fresh profile imports them', async ({
    page,
    browser,
    connect,
  }) => {
    // Two browser profiles, each connecting through the first-run form: twice the usual work.
    test.slow();
    await connect();
    await send(page, 'Take me with you');
    await expect(replies(page).last()).toContainText('You said: Take me with you');

    const { name, text } = await exportFile(page);
    expect(name).toMatch(/^parley-export-\d{4}-\d{2}-\d{2}\.json$/);
    expect(text).not.toContain(TEST_API_KEY);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file).toMatchObject({
      format: 'parley-export',
      version: 1,
      conversations: [
        {
          title: 'Take me with you',
          // A tree (parentId), not a list: a message and its reply may share a millisecond.
          messages: expect.arrayContaining([
            expect.objectContaining({ role: 'user', content: 'Take me with you' }),
            expect.objectContaining({
              role: 'assistant',
              content: 'You said: Take me with you',
              status: 'complete',
            }),
          ]) as unknown,
        },
      ],
    });
    expect(file.settings).not.toHaveProperty('apiKey');
    expect(file.settings).not.toHaveProperty('encryptedKey');

    // Another browser profile: its own, empty IndexedDB.
    const fresh = await browser.newContext({
      baseURL: test.info().project.use.baseURL,
      locale: 'en-US',
    });
    const other = await fresh.newPage();
    await connect(other);
    const region = await openStorage(other);
    await region
      .getByLabel('Import conversations', { exact: true })
      .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect(region).toContainText('From a Parley file: 1 new conversations');
    await region.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(region.getByRole('status')).toContainText('Imported. 1 new conversations');
    await other.getByRole('button', { name: 'Close', exact: true }).click();
    await sidebar(other).getByRole('button', { name: 'Take me with you' }).click();
    await expect(replies(other).last()).toContainText('You said: Take me with you');

    // Importing the same file again changes nothing.
    await openStorage(other);
    await region
      .getByLabel('Import conversations', { exact: true })
      .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect(region).toContainText('Everything in this file is already here.');
    await expect(region).toContainText('0 new conversations');
    await fresh.close();
  });

  test('a malformed file is refused with the reason, and nothing changes', async ({
    page,
    connect,
  }) => {
    await connect();
    await send(page, 'Already here');
    await expect(replies(page).last()).toContainText('You said: Already here');
    const region = await openStorage(page);
    const input = region.getByLabel('Import conversations', { exact: true });

    for (const [content, reason] of [
      ['this is not JSON', 'not JSON or a zip'],
      ['{"format":"another-app","items":[]}', 'Parley does not recognise this file'],
      ['{"format":"parley-export","version":9,"conversations":[]}', 'made by a newer Parley'],
      [
        JSON.stringify({
          format: 'parley-export',
          version: 1,
          conversations: [
            { id: 'good', title: 'Would be added', messages: [] },
            { title: 'No id', messages: [] },
          ],
        }),
        'conversations[1].id cannot be read',
      ],
    ] as const) {
      await input.setInputFiles({
        name: 'file.json',
        mimeType: 'application/json',
        buffer: Buffer.from(content),
      });
      await expect(region.getByRole('alert')).toContainText(reason);
      await expect(region.getByRole('alert')).toContainText('Nothing was imported.');
      // The refusal says which formats are supported.
      await expect(region.getByRole('alert')).toContainText('the ChatGPT data export');
    }

    await page.reload();
    await expect(sidebar(page).getByRole('listitem')).toHaveCount(1);
    await expect(sidebar(page).getByRole('button', { name: 'Already here' })).toBeVisible();
  });
});
