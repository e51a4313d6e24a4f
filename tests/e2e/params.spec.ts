import { expect, replies, send, test } from './fixtures';

test.describe('parameters: what is shown is what is sent', () => {
  test('Model, Temperature and Max tokens go into the request exactly as shown', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4.1');
    await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.25');
    await page.getByRole('spinbutton', { name: 'Max tokens', exact: true }).fill('512');
    await send(page, 'Hi');
    await expect(replies(page).last()).toContainText('You said: Hi');
    expect(server.chatRequests()[0]).toMatchObject({
      model: 'gpt-4.1',
      temperature: 0.25,
      max_tokens: 512,
    });
  });

  test('an empty Max tokens leaves max_tokens out of the request', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await expect(page.getByRole('spinbutton', { name: 'Max tokens', exact: true })).toHaveValue('');
    await send(page, 'Hi');
    await expect(replies(page).last()).toContainText('You said');
    const body = server.chatRequests()[0] as Record<string, unknown>;
    expect(body).not.toHaveProperty('max_tokens');
    expect(body.temperature).toBe(1);
  });

  test('an out-of-range value is explained beside its field and blocks sending', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    const temperature = page.getByRole('spinbutton', { name: 'Temperature', exact: true });
    await temperature.fill('3');
    await expect(page.getByText('Temperature must be a number from 0 to 2.')).toBeVisible();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Hi');
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');

    const maxTokens = page.getByRole('spinbutton', { name: 'Max tokens', exact: true });
    await maxTokens.fill('0');
    await expect(
      page.getByText('Max tokens must be a whole number of at least 1, or empty.'),
    ).toBeVisible();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('');
    await expect(page.getByText('Enter a model id.')).toBeVisible();
    expect(server.chatRequests()).toHaveLength(0);

    await temperature.fill('0.7');
    await maxTokens.fill('');
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4o');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Hi');
    expect(server.chatRequests()[0]).toMatchObject({ model: 'gpt-4o', temperature: 0.7 });
  });

  test('the Model box suggests the models the endpoint lists', async ({ page, connect }) => {
    await connect();
    await expect(page.locator('datalist option[value="gpt-4.1-mini"]')).toHaveCount(1);
  });
});
