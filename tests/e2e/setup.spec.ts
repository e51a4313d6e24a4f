import { startTestServer, TEST_API_KEY } from '../support/server';
import { expect, test } from './fixtures';

test.describe('first run and settings', () => {
  test('asks for a key, checks it with GET /models, stores it and shows it masked', async ({
    page,
    server,
    connect,
  }) => {
    await page.goto('./');
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    await expect(page.getByLabel('Base URL', { exact: true })).toHaveValue(
      'https://api.openai.com/v1',
    );
    await connect();
    expect(server.requests.some((r) => r.method === 'GET' && r.path === '/v1/models')).toBe(true);

    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await expect(dialog).toBeVisible();
    const key = dialog.getByLabel('API key', { exact: true });
    await expect(key).toHaveAttribute('type', 'password');
    await expect(key).toHaveValue('');
    await expect(dialog.getByText(`Saved key: sk-…${TEST_API_KEY.slice(-4)}`)).toBeVisible();
    await expect(dialog.getByLabel('Base URL', { exact: true })).toHaveValue(server.url);
    await expect(page.getByText(TEST_API_KEY)).toHaveCount(0);
  });

  test('a rejected key says so and is not saved', async ({ page, server }) => {
    await page.goto('./');
    await page.getByLabel('API key', { exact: true }).fill('sk-wrong-key-000000000000');
    await page.getByLabel('Base URL', { exact: true }).fill(server.url);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('rejected this key');
    await expect(page.getByRole('button', { name: 'Save anyway' })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  });

  test('an empty key or a bad URL is explained beside its field', async ({ page }) => {
    await page.goto('./');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Enter your API key.')).toBeVisible();
    await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
    await page.getByLabel('Base URL', { exact: true }).fill('api.example.com');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/Enter a full URL starting with https:\/\//)).toBeVisible();
  });

  test('an endpoint that does not allow browser requests is explained; Save anyway keeps the settings', async ({
    page,
  }) => {
    const strict = await startTestServer({ cors: false });
    try {
      await page.goto('./');
      await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
      await page.getByLabel('Base URL', { exact: true }).fill(strict.url);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByRole('alert');
      await expect(alert).toContainText(`Could not reach ${strict.url}`);
      await expect(alert).toContainText('CORS');
      await alert.getByRole('button', { name: 'Save anyway' }).click();
      await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
      await page.reload();
      await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
    } finally {
      await strict.close();
    }
  });

  test('Forget key removes the key from storage', async ({ page, connect }) => {
    await connect();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Forget key', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('open failed'));
      });
      const names = [...db.objectStoreNames];
      const values = await Promise.all(
        names.map(
          (name) =>
            new Promise<unknown[]>((resolve) => {
              const request = db.transaction(name).objectStore(name).getAll();
              request.onsuccess = () => resolve(request.result as unknown[]);
            }),
        ),
      );
      return JSON.stringify(values);
    });
    expect(stored).not.toContain(TEST_API_KEY);
  });
});
