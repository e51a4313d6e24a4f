/**
 * Working with the conversation tree (issue 7): edit and resend, Save in place, Regenerate,
 * versions that survive a reload, Delete with Undo, Add message of any role, Branch in new chat,
 * Export conversation, Copy, the keyboard, and "what is sent is what is shown" when the model
 * changes right before Send. Each checks the screen and the bodies the test server recorded.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { TEST_API_KEY } from '../support/server';
import { expect, replies, send, sidebar, test, transcript } from './fixtures';

// Several exchanges per test: more than the default 30 s when the machine is shared.
test.describe.configure({ timeout: 90_000 });

interface Body {
  model: string;
  messages: { role: string; content: string }[];
  [name: string]: unknown;
}

function articles(page: Page): Locator {
  return transcript(page).getByRole('article');
}

function userMessages(page: Page): Locator {
  return transcript(page).getByRole('article', { name: /^User/ });
}

function button(scope: Page | Locator, name: string): Locator {
  return scope.getByRole('button', { name, exact: true });
}

function editBox(scope: Page | Locator): Locator {
  return scope.getByRole('textbox', { name: 'Edit message', exact: true });
}

function messageBox(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

function lastBody(server: { chatRequests(): unknown[] }): Body {
  const bodies = server.chatRequests();
  return bodies[bodies.length - 1] as Body;
}

/** The body the request preview shows now. */
async function previewBody(page: Page): Promise<Body> {
  const summary = page.getByText('Request preview', { exact: true });
  if ((await summary.locator('xpath=..').getAttribute('open')) === null) await summary.click();
  return JSON.parse(
    (await page.getByLabel('Request body', { exact: true }).textContent()) ?? '',
  ) as Body;
}

/** Sends `text` and waits for its echo, so the next step starts from a finished reply. */
async function exchange(page: Page, text: string): Promise<void> {
  await send(page, text);
  await expect(replies(page).last()).toContainText(`You said: ${text}`);
  await expect(button(replies(page).last(), 'Regenerate')).toBeEnabled();
}

test.describe('edit and versions', () => {
  test('Save and send makes a new version of a user message and asks again from there; the old branch is not sent', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'First question');
    await exchange(page, 'Second question');

    const second = userMessages(page).nth(1);
    await button(second, 'Edit').click();
    const box = editBox(second);
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('Second question');
    await box.fill('Second, edited');
    await button(second, 'Save and send').click();

    await expect(replies(page).last()).toContainText('You said: Second, edited');
    expect(server.chatRequests()).toHaveLength(3);
    const body = lastBody(server);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'You said: First question' },
      { role: 'user', content: 'Second, edited' },
    ]);
    expect(JSON.stringify(body)).not.toContain('Second question');

    // The edited message shows its versions; the old question and its reply are the other one.
    const edited = userMessages(page).nth(1);
    await expect(edited).toContainText('2 / 2');
    await button(edited, 'Previous version').click();
    await expect(userMessages(page).nth(1)).toContainText('Second question');
    await expect(userMessages(page).nth(1)).toContainText('1 / 2');
    await expect(replies(page).last()).toContainText('You said: Second question');

    // The choice is remembered.
    await page.reload();
    await expect(userMessages(page).nth(1)).toContainText('Second question');
    await expect(userMessages(page).nth(1)).toContainText('1 / 2');
    await expect(articles(page)).toHaveCount(4);
    await button(userMessages(page).nth(1), 'Next version').click();
    await expect(userMessages(page).nth(1)).toContainText('Second, edited');
    await expect(replies(page).last()).toContainText('You said: Second, edited');
    await page.reload();
    await expect(userMessages(page).nth(1)).toContainText('Second, edited');
  });

  test('Cancel and Escape leave the message as it was and give the focus back to Edit', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Keep me');
    const user = userMessages(page).first();

    await button(user, 'Edit').click();
    await editBox(user).fill('Changed my mind');
    await editBox(user).press('Escape');
    await expect(editBox(user)).toHaveCount(0);
    await expect(user).toContainText('Keep me');
    await expect(button(user, 'Edit')).toBeFocused();
    // Reached by the keyboard, the focus is visible.
    expect(await button(user, 'Edit').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe(
      'solid',
    );

    await button(user, 'Edit').press('Enter');
    await expect(editBox(user)).toBeFocused();
    await editBox(user).fill('Changed again');
    await button(user, 'Cancel').click();
    await expect(user).toContainText('Keep me');
    await expect(button(user, 'Edit')).toBeFocused();
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('Save changes any message in place without sending, and an empty text is refused', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Translate “chat”');
    const reply = replies(page).last();

    await button(reply, 'Edit').click();
    // A reply offers only Save and Cancel: nothing is asked of the model.
    await expect(button(reply, 'Save and send')).toHaveCount(0);
    await editBox(reply).fill('');
    await button(reply, 'Save').click();
    await expect(reply.getByText('A message cannot be empty.', { exact: false })).toBeVisible();
    await editBox(reply).fill('« discuter »');
    await button(reply, 'Save').click();
    await expect(editBox(reply)).toHaveCount(0);
    await expect(reply).toContainText('« discuter »');
    await expect(button(reply, 'Edit')).toBeFocused();

    const user = userMessages(page).first();
    await button(user, 'Edit').click();
    await editBox(user).fill('Translate “chat” into French');
    await button(user, 'Save').click();
    await expect(user).toContainText('into French');
    expect(server.chatRequests()).toHaveLength(1);

    await page.reload();
    await expect(replies(page).last()).toContainText('« discuter »');
    await expect(userMessages(page).first()).toContainText('into French');
    // No version was made: an edit in place is the same message.
    await expect(button(page, 'Previous version')).toHaveCount(0);

    // The next request carries the texts as they now read.
    await exchange(page, 'Thanks');
    expect(lastBody(server).messages.slice(1, 3)).toEqual([
      { role: 'user', content: 'Translate “chat” into French' },
      { role: 'assistant', content: '« discuter »' },
    ]);
  });

  test('Regenerate asks again with the parameters now in force and keeps the old reply beside the new', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Name a colour');
    await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.2');
    await button(replies(page).last(), 'Regenerate').click();
    await expect(replies(page).last()).toContainText('2 / 2');
    await expect(button(replies(page).last(), 'Regenerate')).toBeEnabled();

    expect(server.chatRequests()).toHaveLength(2);
    const [first, second] = server.chatRequests() as Body[];
    expect(second?.messages).toEqual(first?.messages);
    expect(second?.temperature).toBe(0.2);
    await expect(articles(page)).toHaveCount(2);

    await button(replies(page).last(), 'Previous version').click();
    await expect(replies(page).last()).toContainText('1 / 2');
    await page.reload();
    await expect(replies(page).last()).toContainText('1 / 2');
  });
});

test.describe('delete and add', () => {
  test('Delete removes one message, keeps what followed in order, and Undo brings it back', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'One');
    await exchange(page, 'Two');
    await exchange(page, 'Three');
    await expect(articles(page)).toHaveCount(6);

    await button(userMessages(page).nth(1), 'Delete').click();
    const undoBar = page.getByRole('status').filter({ has: button(page, 'Undo') });
    await expect(undoBar).toBeVisible();
    await expect(articles(page)).toHaveText([
      /One/,
      /You said: One/,
      /You said: Two/,
      /Three/,
      /You said: Three/,
    ]);
    // The keyboard is not left on nothing: Undo has the focus.
    await expect(button(undoBar, 'Undo')).toBeFocused();

    // What is sent now is the branch as shown.
    await exchange(page, 'Four');
    expect(lastBody(server).messages.map((m) => m.content)).toEqual([
      'You are a helpful assistant.',
      'One',
      'You said: One',
      'You said: Two',
      'Three',
      'You said: Three',
      'Four',
    ]);

    await button(userMessages(page).nth(2), 'Delete').click();
    await expect(articles(page)).toHaveCount(6);
    await button(page.getByRole('status').filter({ has: button(page, 'Undo') }), 'Undo').click();
    await expect(articles(page)).toHaveCount(7);
    await expect(userMessages(page).nth(2)).toContainText('Four');
    await page.reload();
    await expect(articles(page)).toHaveText([
      /One/,
      /You said: One/,
      /You said: Two/,
      /Three/,
      /You said: Three/,
      /Four/,
      /You said: Four/,
    ]);
  });

  test('deleting the only first message leaves an empty, usable conversation', async ({
    page,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Alone');
    await button(replies(page).last(), 'Delete').click();
    await button(userMessages(page).first(), 'Delete').click();
    await expect(articles(page)).toHaveCount(0);
    await exchange(page, 'Fresh start');
    await expect(articles(page)).toHaveCount(2);
  });

  test('Add message appends any role without sending; Send with an empty box asks for a reply to the branch as shown', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'What is 2 + 2?');

    await button(page, 'Add message').click();
    const role = page.getByRole('combobox', { name: 'Role', exact: true });
    await role.selectOption({ label: 'Assistant' });
    await editBox(page).fill('Pasted: it is 4.');
    await button(page, 'Save').click();
    await expect(replies(page).last()).toContainText('Pasted: it is 4.');
    await expect(button(page, 'Add message')).toBeFocused();

    await button(page, 'Add message').click();
    await role.selectOption({ label: 'User' });
    await editBox(page).fill('And 3 + 3?');
    await button(page, 'Save').click();
    await expect(userMessages(page).last()).toContainText('And 3 + 3?');
    expect(server.chatRequests()).toHaveLength(1);

    // The branch ends with a user message: Send asks for a reply with the box empty.
    await expect(messageBox(page)).toHaveValue('');
    const shown = await previewBody(page);
    await expect(button(page, 'Send')).toBeEnabled();
    await button(page, 'Send').click();
    await expect(replies(page).last()).toContainText('You said: And 3 + 3?');
    const body = lastBody(server);
    expect(body).toEqual(shown);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: 'You said: What is 2 + 2?' },
      { role: 'assistant', content: 'Pasted: it is 4.' },
      { role: 'user', content: 'And 3 + 3?' },
    ]);
    // Now the branch ends with a reply: an empty box sends nothing.
    await expect(button(page, 'Send')).toBeDisabled();

    // A system message in the branch is sent where it stands.
    await button(page, 'Add message').click();
    await role.selectOption({ label: 'System' });
    await editBox(page).fill('From now on, answer in French.');
    await button(page, 'Save').click();
    await expect(transcript(page).getByRole('article', { name: /^System/ })).toContainText(
      'answer in French',
    );
    await exchange(page, 'Merci');
    expect(lastBody(server).messages.slice(-2)).toEqual([
      { role: 'system', content: 'From now on, answer in French.' },
      { role: 'user', content: 'Merci' },
    ]);
  });
});

test.describe('branch and export', () => {
  test('Branch in new chat opens a copy of the path titled “(branch)”; the original is unchanged', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Trip plan');
    await exchange(page, 'Add a day in Kyoto');
    await expect(
      sidebar(page).getByRole('button', { name: 'Trip plan', exact: true }),
    ).toBeVisible();

    await button(replies(page).first(), 'Branch in new chat').click();
    await expect(
      page.getByRole('heading', { name: 'Trip plan (branch)', exact: true }),
    ).toBeVisible();
    await expect(
      sidebar(page).getByRole('button', { name: 'Trip plan (branch)', exact: true }),
    ).toBeVisible();
    await expect(articles(page)).toHaveText([/Trip plan/, /You said: Trip plan/]);

    await exchange(page, 'Go to Osaka instead');
    expect(lastBody(server).messages.map((m) => m.content)).toEqual([
      'You are a helpful assistant.',
      'Trip plan',
      'You said: Trip plan',
      'Go to Osaka instead',
    ]);

    await sidebar(page).getByRole('button', { name: 'Trip plan', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Trip plan', exact: true })).toBeVisible();
    await expect(articles(page)).toHaveCount(4);
    await expect(articles(page).last()).toContainText('You said: Add a day in Kyoto');
  });

  test('Export conversation downloads the branch as Markdown and the whole tree as JSON, without the key', async ({
    page,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Packing list');
    await button(replies(page).last(), 'Regenerate').click();
    await expect(replies(page).last()).toContainText('2 / 2');
    await expect(button(replies(page).last(), 'Regenerate')).toBeEnabled();

    await button(page, 'Export conversation').click();
    let downloading = page.waitForEvent('download');
    await button(page, 'Markdown').click();
    let download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const markdown = await readFile(await download.path(), 'utf8');
    expect(markdown).toContain('Packing list');
    expect(markdown).toContain('You said: Packing list');
    expect(markdown).not.toContain(TEST_API_KEY);

    await button(page, 'Export conversation').click();
    downloading = page.waitForEvent('download');
    await button(page, 'JSON').click();
    download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const text = await readFile(await download.path(), 'utf8');
    expect(text).not.toContain(TEST_API_KEY);
    const file = JSON.parse(text) as unknown;
    // The whole tree: both versions of the reply are in it.
    const replyIds = new Set<string>();
    JSON.stringify(file, (key, value: unknown) => {
      if (
        typeof value === 'object' &&
        value !== null &&
        (value as { role?: unknown }).role === 'assistant' &&
        typeof (value as { id?: unknown }).id === 'string'
      ) {
        replyIds.add((value as { id: string }).id);
      }
      return value;
    });
    expect(replyIds.size).toBe(2);

    // The menu is a keyboard menu too: Escape closes it and returns to its button.
    await button(page, 'Export conversation').click();
    await expect(button(page, 'Markdown')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(button(page, 'Markdown')).toHaveCount(0);
    await expect(button(page, 'Export conversation')).toBeFocused();
  });
});

test.describe('copy', () => {
  test('Copy puts the text on the clipboard and says so', async ({ page, context, connect }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await connect();
    await exchange(page, 'Copy this');
    await button(replies(page).last(), 'Copy').click();
    await expect(button(replies(page).last(), 'Copied')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('You said: Copy this');
  });

  test('where the clipboard is refused, Copy says so instead of failing silently', async ({
    page,
    connect,
  }) => {
    // What a denied permission does: writeText rejects with NotAllowedError.
    await page.addInitScript(() => {
      Object.defineProperty(navigator.clipboard, 'writeText', {
        value: () =>
          Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')),
      });
    });
    await connect();
    await exchange(page, 'Copy this');
    const reply = replies(page).last();
    await button(reply, 'Copy').click();
    await expect(reply.getByRole('status')).toContainText('The browser refused to copy');
    await expect(button(reply, 'Copied')).toHaveCount(0);
  });
});

test.describe('keyboard', () => {
  test('Escape stops a streaming reply; ArrowUp in the empty composer edits the last user message', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('slow');
    await send(page, 'Tell me a long story');
    await expect(replies(page).last()).toContainText(/\w+/);
    await expect(button(page, 'Stop')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(replies(page).last()).toContainText('Stopped');
    await expect(button(page, 'Send')).toBeVisible();

    server.use('plain');
    await messageBox(page).focus();
    await messageBox(page).press('ArrowUp');
    const user = userMessages(page).last();
    await expect(editBox(user)).toBeFocused();
    await expect(editBox(user)).toHaveValue('Tell me a long story');
    await editBox(user).fill('Tell me a short story');
    // Every action is reachable with Tab: from the box to Save and send.
    await page.keyboard.press('Tab');
    await expect(button(user, 'Save and send')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(replies(page).last()).toContainText('You said: Tell me a short story');
  });

  test('Ctrl+Shift+O starts a new chat and Ctrl+K focuses Search conversations', async ({
    page,
    connect,
  }) => {
    await connect();
    await exchange(page, 'Old chat');
    await messageBox(page).focus();
    await page.keyboard.press('ControlOrMeta+Shift+O');
    await expect(articles(page)).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Untitled chat', exact: true })).toBeVisible();

    await page.keyboard.press('ControlOrMeta+K');
    await expect(
      page.getByRole('searchbox', { name: 'Search conversations', exact: true }),
    ).toBeFocused();
  });
});

test.describe('what is sent is what is shown', () => {
  test('changing the model and sending at once, many times over, posts exactly what the preview shows', async ({
    page,
    server,
    connect,
  }) => {
    // Ten full exchanges.
    test.setTimeout(180_000);
    await connect();
    await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.7');
    await page.getByRole('spinbutton', { name: 'Max tokens', exact: true }).fill('300');
    const model = page.getByRole('combobox', { name: 'Model', exact: true });
    const models = ['gpt-5', 'gpt-4o-mini'];
    for (let i = 0; i < 10; i++) {
      const id = models[i % 2] ?? 'gpt-5';
      await model.fill(id);
      // No wait in between: Send must not outrun the model information the preview uses.
      await send(page, `Round ${i}`);
      await expect(replies(page).last()).toContainText(`You said: Round ${i}`);
      await expect(button(replies(page).last(), 'Regenerate')).toBeEnabled();
      const body = lastBody(server);
      expect(body.model).toBe(id);
      if (id === 'gpt-5') {
        expect(body.max_completion_tokens).toBe(300);
        expect(body).not.toHaveProperty('max_tokens');
        expect(body).not.toHaveProperty('temperature');
      } else {
        expect(body.max_tokens).toBe(300);
        expect(body.temperature).toBe(0.7);
        expect(body).not.toHaveProperty('max_completion_tokens');
      }
      // The preview (for the next Send, same parameters) agrees on everything but the messages.
      const { messages: shownMessages, ...shown } = await previewBody(page);
      const { messages: sentMessages, ...sent } = body;
      expect(shown).toEqual(sent);
      expect(shownMessages.slice(0, sentMessages.length)).toEqual(sentMessages);
    }
    expect(server.chatRequests()).toHaveLength(10);
  });
});
