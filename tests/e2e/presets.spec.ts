/**
 * Presets end to end: what a preset sets is exactly what the next request carries (read from the
 * body the test server received), presets survive a reload, and the manager's actions work by
 * role and name. Assertions use toMatchObject on the fields a preset sets: other parameters are
 * left out of the body when unset, and that is the request builder's business, not this spec's.
 */
import type { Locator, Page } from '@playwright/test';
import type { TestServer } from '../support/server';
import { expect, replies, send, test } from './fixtures';

const BUILT_INS = [
  { name: 'Precise', temperature: 0.2, maxTokens: 1024 },
  { name: 'Balanced', temperature: 0.7, maxTokens: 2048 },
  { name: 'Creative', temperature: 1.2, maxTokens: 4096 },
] as const;

function presetSelect(page: Page): Locator {
  return page.getByRole('combobox', { name: 'Preset', exact: true });
}

function field(page: Page, name: 'Temperature' | 'Max tokens'): Locator {
  return page.getByRole('spinbutton', { name, exact: true });
}

function button(scope: Page | Locator, name: string): Locator {
  return scope.getByRole('button', { name, exact: true });
}

function presetsDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Presets', exact: true });
}

function item(page: Page, name: string): Locator {
  return presetsDialog(page).getByRole('listitem', { name, exact: true });
}

/** Sends and waits for the reply, then returns the body of the request it answered. */
async function sendAndRead(page: Page, server: TestServer, text: string): Promise<unknown> {
  const before = replies(page);
  const count = await before.count();
  await send(page, text);
  await expect(replies(page)).toHaveCount(count + 1);
  await expect(replies(page).last()).toContainText(`You said: ${text}`);
  return server.chatRequests().at(-1);
}

async function openManager(page: Page): Promise<Locator> {
  await button(page, 'Manage presets').click();
  const dialog = presetsDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

async function saveAsPreset(page: Page, name: string): Promise<void> {
  await button(page, 'Save as preset').click();
  const box = page.getByRole('textbox', { name: 'Preset name', exact: true });
  await box.fill(name);
  await box.press('Enter');
  await expect(presetSelect(page).locator('option:checked')).toHaveText(name);
}

async function setSystemPrompt(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'System prompt', exact: true });
  if (!(await box.isVisible())) await page.getByText('System prompt', { exact: true }).click();
  await box.fill(text);
}

test.describe('presets', () => {
  test('each built-in preset sends exactly its temperature and max tokens', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    for (const preset of BUILT_INS) {
      await presetSelect(page).selectOption({ label: preset.name });
      await expect(field(page, 'Temperature')).toHaveValue(String(preset.temperature));
      await expect(field(page, 'Max tokens')).toHaveValue(String(preset.maxTokens));
      const body = await sendAndRead(page, server, `With ${preset.name}`);
      expect(body).toMatchObject({
        model: 'gpt-4o-mini',
        temperature: preset.temperature,
        max_tokens: preset.maxTokens,
      });
    }
  });

  test('the current settings saved as a preset survive a reload and apply to a new chat', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4.1');
    await field(page, 'Temperature').fill('0.3');
    await field(page, 'Max tokens').fill('333');
    await setSystemPrompt(page, 'Answer like a pirate.');
    await saveAsPreset(page, 'Pirate');
    await expect(page.getByText('Modified', { exact: true })).toHaveCount(0);
    await sendAndRead(page, server, 'Before the reload');

    await page.reload();
    await expect(presetSelect(page).locator('option:checked')).toHaveText('Pirate');
    await button(page, 'New chat').click();
    await presetSelect(page).selectOption({ label: 'Precise' });
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4o');
    await presetSelect(page).selectOption({ label: 'Pirate' });

    const body = await sendAndRead(page, server, 'Ahoy');
    expect(body).toMatchObject({
      model: 'gpt-4.1',
      temperature: 0.3,
      max_tokens: 333,
      messages: [
        { role: 'system', content: 'Answer like a pirate.' },
        { role: 'user', content: 'Ahoy' },
      ],
    });
  });

  test('Save as preset refuses an empty name, and Escape cancels', async ({ page, connect }) => {
    await connect();
    await button(page, 'Save as preset').click();
    const box = page.getByRole('textbox', { name: 'Preset name', exact: true });
    await expect(box).toBeFocused();
    await box.press('Enter');
    await expect(page.getByText('Enter a name for the preset.')).toBeVisible();
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    await box.press('Escape');
    await expect(box).toHaveCount(0);
    await expect(presetSelect(page).locator('option')).toHaveText([
      'No preset',
      'Precise',
      'Balanced',
      'Creative',
    ]);
  });

  test('drifting from a preset shows Modified; Reset to preset and Update preset both clear it', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await saveAsPreset(page, 'Mine');
    const modified = page.getByText('Modified', { exact: true });

    await field(page, 'Temperature').fill('0.5');
    await expect(modified).toBeVisible();
    await button(page, 'Reset to preset').click();
    await expect(modified).toHaveCount(0);
    await expect(field(page, 'Temperature')).toHaveValue('1');
    expect(await sendAndRead(page, server, 'After reset')).toMatchObject({ temperature: 1 });

    await field(page, 'Temperature').fill('0.5');
    await expect(modified).toBeVisible();
    await button(page, 'Update preset').click();
    await expect(modified).toHaveCount(0);
    expect(await sendAndRead(page, server, 'After update')).toMatchObject({ temperature: 0.5 });

    // The stored preset holds the new value: it shows in the manager, and after a reload.
    await page.reload();
    await expect(presetSelect(page).locator('option:checked')).toHaveText('Mine');
    await expect(modified).toHaveCount(0);
    const dialog = await openManager(page);
    await expect(item(page, 'Mine')).toContainText('0.5');
    await button(dialog, 'Close').click();

    // A built-in can be reset to, but not updated.
    await presetSelect(page).selectOption({ label: 'Precise' });
    await field(page, 'Temperature').fill('0.9');
    await expect(modified).toBeVisible();
    await expect(button(page, 'Reset to preset')).toBeVisible();
    await expect(button(page, 'Update preset')).toHaveCount(0);
  });

  test('rename, edit, duplicate and delete (with undo) in the manager; built-ins stay', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const dialog = await openManager(page);

    // Built-ins: duplicate only.
    const precise = item(page, 'Precise');
    await expect(precise).toContainText('Built-in');
    for (const name of ['Rename', 'Edit', 'Delete']) {
      await expect(button(precise, name)).toHaveCount(0);
    }
    await button(precise, 'Duplicate').click();
    const copy = item(page, 'Precise (copy)');
    await expect(copy).toContainText('1,024');

    // Rename: Escape cancels without closing the dialog, Enter saves.
    await button(copy, 'Rename').click();
    const renameBox = dialog.getByRole('textbox', { name: 'New name for “Precise (copy)”' });
    await renameBox.fill('Nope');
    await renameBox.press('Escape');
    await expect(dialog).toBeVisible();
    await expect(item(page, 'Precise (copy)')).toBeVisible();
    await button(item(page, 'Precise (copy)'), 'Rename').click();
    await renameBox.fill('Sharp');
    await renameBox.press('Enter');
    const sharp = item(page, 'Sharp');
    await expect(sharp).toBeVisible();

    // Edit: invalid values are explained and block saving.
    await button(sharp, 'Edit').click();
    const temperature = sharp.getByRole('spinbutton', { name: 'Temperature', exact: true });
    await temperature.fill('3');
    await button(sharp, 'Save changes').click();
    await expect(sharp.getByText('Temperature must be a number from 0 to 2.')).toBeVisible();
    await temperature.fill('0.4');
    await sharp.getByRole('spinbutton', { name: 'Max tokens', exact: true }).fill('500');
    await sharp.getByRole('textbox', { name: 'System prompt', exact: true }).fill('Be exact.');
    await button(sharp, 'Save changes').click();
    await expect(sharp).toContainText('Be exact.');
    await expect(sharp).toContainText('500');

    // Delete, undo, delete again.
    await button(sharp, 'Delete').click();
    await expect(item(page, 'Sharp')).toHaveCount(0);
    await expect(dialog.getByRole('status')).toContainText('Deleted “Sharp”.');
    await button(dialog, 'Undo').click();
    await expect(item(page, 'Sharp')).toBeVisible();
    await button(dialog, 'Close').click();

    // The edited preset applies what the editor saved.
    await presetSelect(page).selectOption({ label: 'Sharp' });
    expect(await sendAndRead(page, server, 'Edited')).toMatchObject({
      temperature: 0.4,
      max_tokens: 500,
      messages: [{ role: 'system', content: 'Be exact.' }, { role: 'user' }],
    });

    await page.reload();
    await openManager(page);
    await button(item(page, 'Sharp'), 'Delete').click();
    await expect(item(page, 'Sharp')).toHaveCount(0);
    await expect(presetsDialog(page).getByRole('listitem')).toHaveCount(3);
    await button(presetsDialog(page), 'Close').click();
    // The conversation that used it now reads as having no preset.
    await expect(presetSelect(page).locator('option:checked')).toHaveText('No preset');
    await page.reload();
    await expect(presetSelect(page).locator('option')).toHaveCount(4);
  });

  test('the default for new chats applies to every New chat, after a reload too', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4.1');
    await field(page, 'Temperature').fill('0.1');
    await sendAndRead(page, server, 'First chat');

    const dialog = await openManager(page);
    const defaults = dialog.getByRole('group', { name: 'Default for new chats', exact: true });
    await expect(defaults.getByRole('radio', { name: 'None (copy the open chat)' })).toBeChecked();
    await defaults.getByRole('radio', { name: 'Creative', exact: true }).check();
    await button(dialog, 'Close').click();

    await button(page, 'New chat').click();
    await expect(presetSelect(page).locator('option:checked')).toHaveText('Creative');
    expect(await sendAndRead(page, server, 'Second chat')).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 1.2,
      max_tokens: 4096,
    });

    await page.reload();
    await button(page, 'New chat').click();
    expect(await sendAndRead(page, server, 'Third chat')).toMatchObject({
      temperature: 1.2,
      max_tokens: 4096,
    });

    // Back to none: a new chat copies the open one again.
    await presetSelect(page).selectOption({ label: 'No preset' });
    await field(page, 'Temperature').fill('0.6');
    const again = await openManager(page);
    await again.getByRole('radio', { name: 'None (copy the open chat)' }).check();
    await button(again, 'Close').click();
    await button(page, 'New chat').click();
    expect(await sendAndRead(page, server, 'Fourth chat')).toMatchObject({ temperature: 0.6 });
  });
});
