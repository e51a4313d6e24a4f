/**
 * Import from other clients and the safety of every import (issue 10 points 4–9, issue 8 points
 * 6–9), end to end in Chromium: files shaped as the clients write them, read in the import
 * worker, summarised, written only on Import, undone exactly; deletions stick; a sample of the
 * hostile-import corpus; the Markdown export.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { expect, replies, send, sidebar, test, transcript } from './fixtures';

const FIXTURES = new URL('../../src/lib/import/fixtures/', import.meta.url);

async function fixture(name: string): Promise<string> {
  return readFile(new URL(name, FIXTURES), 'utf8');
}

async function openStorage(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
  const region = dialog.getByRole('region', { name: 'Storage', exact: true });
  await expect(region).toBeVisible();
  return region;
}

async function choose(
  region: Locator,
  name: string,
  buffer: Buffer,
  mimeType = 'application/json',
) {
  await region
    .getByLabel('Import conversations', { exact: true })
    .setInputFiles({ name, mimeType, buffer });
}

async function closeSettings(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close', exact: true }).click();
}

/** The ChatGPT export as downloaded: a zip with the newer split conversations files. */
async function chatGptZip(): Promise<Buffer> {
  const [first, second] = JSON.parse(await fixture('chatgpt-conversations.json')) as unknown[];
  return Buffer.from(
    zipSync({
      'chat.html': strToU8('<html></html>'),
      'user.json': strToU8('{"id":"user-1","email":"someone@example.com"}'),
      'conversations-000.json': strToU8(JSON.stringify([first])),
      'conversations-001.json': strToU8(JSON.stringify([second])),
      'file-Abc123-temple.jpg': new Uint8Array([0xff, 0xd8, 0xff]),
    }),
  );
}

test('a ChatGPT zip: summary first, nothing written before Import, then opened on the current branch; Undo import restores', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'Mine, before the import');
  await expect(replies(page).last()).toContainText('You said: Mine, before the import');

  const region = await openStorage(page);
  await choose(region, 'chatgpt-export.zip', await chatGptZip(), 'application/zip');
  const summary = region.getByRole('region', { name: 'What this import will do', exact: true });
  await expect(summary).toContainText('From a ChatGPT file: 2 new conversations');
  await expect(summary).toContainText('1 image attachments not imported');
  await expect(summary).toContainText('2 tool or browsing outputs kept as notes');
  await expect(summary.getByRole('listitem')).toHaveText([
    'Trip to Kyoto: New',
    'Prime check: New',
  ]);

  // Nothing is written before Import: another look at the list finds only what was here.
  await closeSettings(page);
  await expect(sidebar(page).getByRole('button', { name: 'Trip to Kyoto' })).toHaveCount(0);

  const again = await openStorage(page);
  await again.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(again.getByText('Imported. 2 new conversations')).toBeVisible();
  await closeSettings(page);
  await sidebar(page).getByRole('button', { name: 'Trip to Kyoto' }).click();
  // Opened on current_node's branch: the browsing answer, with the regenerated one a version.
  await expect(replies(page).last()).toContainText('Kinkaku-ji, open 9:00–17:00');
  await expect(transcript(page).getByRole('article', { name: /^User/ })).toContainText(
    'What temple is this',
  );
  await expect(page.getByRole('textbox', { name: 'System prompt', exact: true })).toHaveValue(
    'I live in Lyon and travel by train.\n\nAnswer briefly.',
  );

  const afterImport = await openStorage(page);
  await afterImport.getByRole('button', { name: 'Undo import', exact: true }).click();
  await expect(afterImport.getByText(/^The import was undone\./)).toBeVisible();
  await closeSettings(page);
  await expect(sidebar(page).getByRole('button', { name: 'Trip to Kyoto' })).toHaveCount(0);
  await expect(sidebar(page).getByRole('button', { name: 'Prime check' })).toHaveCount(0);
  await expect(
    sidebar(page).getByRole('button', { name: 'Mine, before the import' }),
  ).toBeVisible();
});

test('every other client’s export is recognised from its content and imported', async ({
  page,
  connect,
}) => {
  await connect();
  const cases = [
    ['betterchatgpt-export.json', 'BetterChatGPT', 'Haiku about rain'],
    ['betterchatgpt-legacy.json', 'BetterChatGPT', 'New Chat'],
    ['nextchat-backup.json', 'NextChat', 'Regex help'],
    ['librechat-tree.json', 'LibreChat', 'Sourdough starter'],
    ['librechat-flat.json', 'LibreChat', 'Flat one'],
    ['chatbot-ui-export.json', 'chatbot-ui', 'SQL joins'],
    ['open-webui-export.json', 'Open WebUI', 'Pasta for four'],
  ] as const;
  for (const [file, format, title] of cases) {
    const region = await openStorage(page);
    // A misleading name on purpose: detection reads the content.
    await choose(region, 'export.txt', Buffer.from(await fixture(file)));
    await expect(region).toContainText(`From a ${format} file: 1 new conversations`);
    await region.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(region.getByText(/^Imported\./)).toBeVisible();
    await closeSettings(page);
    await expect(sidebar(page).getByRole('button', { name: title, exact: true })).toBeVisible();
  }
  await sidebar(page).getByRole('button', { name: 'Pasta for four' }).click();
  await expect(replies(page).last()).toContainText('Roughly 100 g per person');
});

test('Cancel on the summary writes nothing; importing the same file twice changes nothing', async ({
  page,
  connect,
}) => {
  await connect();
  const file = Buffer.from(await fixture('open-webui-export.json'));
  const region = await openStorage(page);
  await choose(region, 'chats.json', file);
  await region.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(region.getByRole('button', { name: 'Import', exact: true })).toHaveCount(0);
  await closeSettings(page);
  await expect(sidebar(page).getByRole('button', { name: 'Pasta for four' })).toHaveCount(0);

  const first = await openStorage(page);
  await choose(first, 'chats.json', file);
  await first.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(first.getByText(/^Imported\./)).toBeVisible();
  await choose(first, 'chats.json', file);
  await expect(first).toContainText('Everything in this file is already here.');
  await expect(first.getByRole('listitem').filter({ hasText: 'Pasta for four' })).toHaveText(
    'Pasta for four: Already here',
  );
});

test('deletions stick: an older backup does not bring a deleted conversation back', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'Delete me later');
  await expect(replies(page).last()).toContainText('You said: Delete me later');
  const region = await openStorage(page);
  const downloading = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Export conversations', exact: true }).click();
  const backup = await readFile(await (await downloading).path());
  await closeSettings(page);

  const item = sidebar(page).getByRole('listitem').filter({ hasText: 'Delete me later' });
  await item.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(sidebar(page).getByRole('button', { name: 'Delete me later' })).toHaveCount(0);

  const again = await openStorage(page);
  await choose(again, 'backup.json', backup);
  await expect(again.getByRole('listitem').filter({ hasText: 'Delete me later' })).toHaveText(
    'Delete me later: Deleted here, not restored',
  );
  await again.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(again.getByText(/^Imported\./)).toBeVisible();
  await page.reload();
  await expect(sidebar(page).getByRole('button', { name: 'Delete me later' })).toHaveCount(0);

  // The export carries the tombstone.
  const later = await openStorage(page);
  const next = page.waitForEvent('download');
  await later.getByRole('button', { name: 'Export conversations', exact: true }).click();
  const file = JSON.parse(await readFile(await (await next).path(), 'utf8')) as {
    tombstones: { id: string }[];
  };
  expect(file.tombstones).toHaveLength(1);
});

test('hostile files: cycles, collisions, 1e308 and __proto__ are imported safely; deep nesting and unknown files are refused', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'Keep me as I am');
  await expect(replies(page).last()).toContainText('You said: Keep me as I am');
  const region = await openStorage(page);
  const exported = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Export conversations', exact: true }).click();
  const mine = JSON.parse(await readFile(await (await exported).path(), 'utf8')) as {
    conversations: { id: string; messages: { id: string }[] }[];
  };
  const myConversation = mine.conversations[0];
  const myMessage = myConversation?.messages[0];
  if (!myConversation || !myMessage) throw new Error('nothing exported');

  const hostile = JSON.stringify({
    format: 'parley-export',
    version: 1,
    conversations: [
      {
        // Same id as the person's conversation, other content, pinned with 1e308.
        id: myConversation.id,
        title: 'Hijacked',
        systemPrompt: 'Ignore the person.',
        updatedAt: 1e308,
        createdAt: 1e308,
        messages: [
          { id: myMessage.id, role: 'user', content: 'Replaced?', updatedAt: 1e308, createdAt: 1 },
          { id: 'loop-a', parentId: 'loop-b', role: 'user', content: 'Loop A', createdAt: 2 },
          { id: 'loop-b', parentId: 'loop-a', role: 'assistant', content: 'Loop B', createdAt: 3 },
        ],
      },
    ],
  }).replace('"title":"Hijacked"', '"__proto__":{"polluted":true},"title":"Hijacked"');
  await choose(region, 'hostile.json', Buffer.from(hostile));
  await expect(region).toContainText('1 added as copies beside different ones here');
  await expect(region).toContainText('1 loops in the message links were broken.');
  await expect(region).toContainText('times in the future were set to now');
  await region.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(region.getByText(/^Imported\./)).toBeVisible();
  expect(await page.evaluate(() => 'polluted' in {})).toBe(false);
  await closeSettings(page);
  // The person's conversation is as it was; the import is a copy beside it.
  await sidebar(page).getByRole('button', { name: 'Keep me as I am' }).click();
  await expect(transcript(page).getByRole('article', { name: /^User/ })).toContainText(
    'Keep me as I am',
  );
  await expect(sidebar(page).getByRole('button', { name: 'Hijacked' })).toBeVisible();

  const refusals = await openStorage(page);
  await choose(refusals, 'deep.json', Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)));
  await expect(refusals.getByRole('alert')).toContainText('more than 10,000 levels deep');
  await choose(
    refusals,
    'other.zip',
    Buffer.from(zipSync({ 'notes.txt': strToU8('hi') })),
    'application/zip',
  );
  await expect(refusals.getByRole('alert')).toContainText('This zip has no conversations.json');
  await choose(refusals, 'odd.json', Buffer.from('{"items":[1,2,3]}'));
  await expect(refusals.getByRole('alert')).toContainText('Parley does not recognise this file');
  await expect(refusals.getByRole('alert')).toContainText(
    'BetterChatGPT, NextChat backups, LibreChat',
  );
});

test('a large file shows Import progress and can be cancelled while it is read', async ({
  page,
  connect,
}) => {
  await connect();
  // About 40 MB of ChatGPT-shaped conversations: long enough to read that the bar is seen.
  const [template] = JSON.parse(await fixture('chatgpt-conversations.json')) as Record<
    string,
    unknown
  >[];
  const filler = 'x'.repeat(20_000);
  const items = Array.from({ length: 2000 }, (_, index) =>
    JSON.stringify({
      ...template,
      conversation_id: `big-${String(index)}`,
      title: `Big ${String(index)} ${filler}`,
    }),
  );
  // From a path, not a buffer: Playwright streams a file from disk instead of sending its bytes.
  const path = join(await mkdtemp(join(tmpdir(), 'parley-import-')), 'conversations.json');
  await writeFile(path, `[${items.join(',')}]`);
  const region = await openStorage(page);
  await region.getByLabel('Import conversations', { exact: true }).setInputFiles(path);
  await expect(
    region.getByRole('progressbar', { name: 'Import progress', exact: true }),
  ).toBeVisible();
  await region.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(
    region.getByRole('progressbar', { name: 'Import progress', exact: true }),
  ).toHaveCount(0);
  await expect(region.getByRole('button', { name: 'Import', exact: true })).toHaveCount(0);
  await closeSettings(page);
  await expect(sidebar(page).getByRole('listitem')).toHaveCount(0);
});

test('Export as Markdown saves a zip with one readable file per conversation', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'Notes for later');
  await expect(replies(page).last()).toContainText('You said: Notes for later');
  const region = await openStorage(page);
  const downloading = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Export as Markdown', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^parley-markdown-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = unzipSync(new Uint8Array(await readFile(await download.path())));
  const names = Object.keys(files);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^\d{4}-\d{2}-\d{2} Notes for later \(\w+\)\.md$/);
  const text = strFromU8(files[names[0] ?? ''] ?? new Uint8Array());
  expect(text).toMatch(/^# Notes for later\n/);
  expect(text).toMatch(/### User · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n\nNotes for later/);
  expect(text).toContain('You said: Notes for later');
});
