/**
 * Azure OpenAI end to end: first run with the Azure provider, the key checked at
 * /openai/models, chats posted to the deployment named in the Model box with an api-key header,
 * and Azure's refusals explained. The test server speaks Azure's routes at its origin.
 */
import type { Page } from '@playwright/test';
import { AZURE_API_VERSION, TEST_API_KEY, type TestServer } from '../support/server';
import { expect, replies, send, test } from './fixtures';

const DEPLOYMENT = 'parley-chat';

/** First run, as a person connecting an Azure OpenAI resource would. */
async function chooseAzure(page: Page, server: TestServer, key = TEST_API_KEY): Promise<void> {
  await page.goto('./');
  await page
    .getByRole('combobox', { name: 'Provider', exact: true })
    .selectOption({ label: 'Azure OpenAI' });
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByLabel('Base URL', { exact: true }).fill(server.origin);
  await page.getByRole('textbox', { name: 'API version', exact: true }).fill(AZURE_API_VERSION);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

async function connectAzure(page: Page, server: TestServer): Promise<void> {
  await chooseAzure(page, server);
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
}

function model(page: Page) {
  return page.getByRole('combobox', { name: 'Model', exact: true });
}

test.describe('Azure OpenAI', () => {
  test('first run: the key is checked at /openai/models with api-key, and the choice is kept', async ({
    page,
    server,
  }) => {
    await page.goto('./');
    const provider = page.getByRole('combobox', { name: 'Provider', exact: true });
    await expect(provider).toHaveValue('openai');
    await expect(page.getByRole('textbox', { name: 'API version', exact: true })).toHaveCount(0);
    await provider.selectOption({ label: 'Azure OpenAI' });
    // The OpenAI default means nothing to Azure; the hint says what goes there.
    await expect(page.getByLabel('Base URL', { exact: true })).toHaveValue('');
    await expect(page.getByText(/Your resource’s endpoint/)).toBeVisible();

    await connectAzure(page, server);
    const check = server.requests.find((r) => r.method === 'GET' && r.path === '/openai/models');
    expect(check?.search).toBe(`?api-version=${AZURE_API_VERSION}`);
    expect(check?.headers['api-key']).toBe('***');
    expect(check?.headers).not.toHaveProperty('authorization');
    expect(server.requests.some((r) => r.path === '/v1/models')).toBe(false);

    await page.reload();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await expect(dialog.getByRole('combobox', { name: 'Provider', exact: true })).toHaveValue(
      'azure',
    );
    await expect(dialog.getByLabel('Base URL', { exact: true })).toHaveValue(server.origin);
    await expect(dialog.getByRole('textbox', { name: 'API version', exact: true })).toHaveValue(
      AZURE_API_VERSION,
    );
  });

  test('an API version Azure does not route is explained beside its field', async ({
    page,
    server,
  }) => {
    await page.goto('./');
    await page
      .getByRole('combobox', { name: 'Provider', exact: true })
      .selectOption({ label: 'Azure OpenAI' });
    await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
    await page.getByLabel('Base URL', { exact: true }).fill(server.origin);
    const version = page.getByRole('textbox', { name: 'API version', exact: true });
    await version.fill('latest');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/Enter a dated version such as 2024-10-21/)).toBeVisible();
    await expect(version).toHaveAttribute('aria-invalid', 'true');
    await version.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Enter the API version, for example 2024-10-21.')).toBeVisible();
    expect(server.requests).toEqual([]);
  });

  test('a message goes to the deployment named in Model, with api-key and no Bearer token', async ({
    page,
    server,
  }) => {
    await connectAzure(page, server);
    await model(page).fill(DEPLOYMENT);
    await expect(page.getByText(/^Your deployment name/)).toBeVisible();
    await send(page, 'Hello Azure');
    await expect(replies(page).last()).toContainText('You said: Hello Azure');

    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(post?.search).toBe(`?api-version=${AZURE_API_VERSION}`);
    expect(post?.headers['api-key']).toBe('***');
    expect(post?.headers).not.toHaveProperty('authorization');
    expect(post?.body).toMatchObject({ model: DEPLOYMENT, stream: true });
    // The reply shows the model the deployment serves, as Azure reports it.
    await expect(replies(page).last()).toContainText('gpt-4o-mini-2024-07-18');
  });

  test('the request preview names the deployment’s URL', async ({ page, server }) => {
    await connectAzure(page, server);
    await model(page).fill(DEPLOYMENT);
    await page.getByText('Request preview', { exact: true }).click();
    await expect(
      page.getByText(
        `${server.origin}/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${AZURE_API_VERSION}`,
      ),
    ).toBeVisible();
  });

  test('a wrong key is rejected on first run and not saved', async ({ page, server }) => {
    await chooseAzure(page, server, 'ffffffffffffffffffffffffffffffff');
    await expect(page.getByRole('alert')).toContainText('rejected this key');
    await expect(page.getByRole('button', { name: 'Save anyway' })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  });

  test('a key revoked later: the reply says the key was rejected', async ({ page, server }) => {
    await connectAzure(page, server);
    await model(page).fill(DEPLOYMENT);
    server.setOptions({ apiKey: 'a-rotated-key-0000000000000000000' });
    await send(page, 'Hi');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Your API key was rejected');
    await expect(alert).toContainText('Access denied due to invalid subscription key');
  });

  test('an unknown deployment: the not-found alert names it', async ({ page, server }) => {
    await connectAzure(page, server);
    await model(page).fill('no-such-deployment');
    await send(page, 'Hi');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('“no-such-deployment” is not available');
    await expect(alert).toContainText('The API deployment for this resource does not exist');
    await expect(alert).not.toContainText('{"error"');

    await model(page).fill(DEPLOYMENT);
    await alert.getByRole('button', { name: 'Retry', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Hi');
  });
});
