/**
 * `npm run screenshot`: rebuilds the README's screenshots (desktop light, desktop dark, phone)
 * from the production build, against the local test server (no key, no internet).
 *
 * PARLEY_SCREENSHOT_DIST (default dist) and PARLEY_SCREENSHOT_PORT (default 4198) let it run
 * beside other builds and servers on the same machine.
 */
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
import { startTestServer, TEST_API_KEY, type TestServer } from '../tests/support/server';
import { startStaticHost } from '../tests/support/static-host';

const PORT = Number(process.env.PARLEY_SCREENSHOT_PORT ?? 4198);
const DIST = process.env.PARLEY_SCREENSHOT_DIST ?? 'dist';

interface Shot {
  path: string;
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
  isMobile?: boolean;
}

const SHOTS: Shot[] = [
  { path: 'docs/screenshot.png', viewport: { width: 1280, height: 820 }, colorScheme: 'light' },
  { path: 'docs/screenshot-dark.png', viewport: { width: 1280, height: 820 }, colorScheme: 'dark' },
  {
    path: 'docs/screenshot-phone.png',
    viewport: { width: 390, height: 844 },
    colorScheme: 'light',
    isMobile: true,
  },
];

async function take(browser: Browser, server: TestServer, url: string, shot: Shot): Promise<void> {
  const context = await browser.newContext({
    viewport: shot.viewport,
    colorScheme: shot.colorScheme,
    deviceScaleFactor: shot.isMobile ? 2 : 1,
    isMobile: shot.isMobile ?? false,
    hasTouch: shot.isMobile ?? false,
    locale: 'en-US',
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  await page.getByLabel('Base URL', { exact: true }).fill(server.url);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  const finished = () =>
    page
      .getByRole('article', { name: /^Assistant/ })
      .last()
      .getByRole('button', { name: 'Copy', exact: true })
      .waitFor({ timeout: 60_000 });
  if (!shot.isMobile) {
    for (const text of ['Plan a weekend in Kyoto', 'How do I parse JSON safely in TypeScript?']) {
      await box.fill(text);
      await box.press('Enter');
      await finished();
      await page.getByRole('button', { name: 'New chat', exact: true }).click();
    }
  }
  server.use('code-and-math');
  await box.fill('Explain how Parley stores conversations, with an example');
  await box.press('Enter');
  await finished();
  // The next request counted, as the composer shows it once the chat settles.
  await page.getByText(/tokens to send/).waitFor({ timeout: 60_000 });
  await page
    .getByRole('article', { name: /^User/ })
    .last()
    .evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: shot.path });
  await context.close();
}

const server = await startTestServer({ chunkDelayMs: 1 });
const host = await startStaticHost({ dir: DIST, base: '/parley/', port: PORT });
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  for (const shot of SHOTS) await take(browser, server, `http://127.0.0.1:${PORT}/parley/`, shot);
} finally {
  await browser.close();
  await host.close();
  await server.close();
}
