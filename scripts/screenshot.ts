/**
 * `npm run screenshot`: rebuilds docs/screenshot.png for the README from the production build,
 * against the local test server (no key, no internet).
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
import { startTestServer, TEST_API_KEY } from '../tests/support/server';

const PORT = 4198;
const server = await startTestServer({ chunkDelayMs: 1 });
const host = spawn(
  'node_modules/.bin/tsx',
  ['tests/support/serve-dist.ts', '--port', String(PORT)],
  {
    stdio: 'ignore',
  },
);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const page = await browser.newPage({
    viewport: { width: 1280, height: 820 },
    colorScheme: 'light',
  });
  await page.goto(`http://127.0.0.1:${PORT}/parley/`);
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  await page.getByLabel('Base URL', { exact: true }).fill(server.url);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  for (const text of ['Plan a weekend in Kyoto', 'How do I parse JSON safely in TypeScript?']) {
    await box.fill(text);
    await box.press('Enter');
    await page
      .getByRole('article', { name: /^Assistant/ })
      .getByRole('button', { name: 'Copy' })
      .waitFor();
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
  }
  await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.7');
  await page.getByRole('spinbutton', { name: 'Max tokens', exact: true }).fill('1024');
  server.use('long-markdown');
  await box.fill('Explain how Parley stores conversations, with an example');
  await box.press('Enter');
  await page
    .getByRole('article', { name: /^Assistant/ })
    .getByRole('button', { name: 'Copy' })
    .waitFor({ timeout: 30_000 });
  await page.getByRole('article', { name: /^User/ }).evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: 'docs/screenshot.png' });
} finally {
  await browser.close();
  host.kill();
  await server.close();
}
