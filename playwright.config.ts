import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

/**
 * End-to-end tests drive the production build (dist/, served under /parley/ to prove sub-path
 * hosting works) in a real Chromium. Each test starts its own OpenAI-compatible test server
 * (tests/e2e/fixtures.ts), so tests never share state and never touch the internet.
 */
// Overridable so two runs (say, two engineers' checkouts) can share a machine.
const PORT = Number(process.env.PARLEY_E2E_PORT ?? 4183);
const DIST = process.env.PARLEY_E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  // Independent specs run side by side; the default (half the cores) would be one worker on the
  // 2-core machine CI runs on. PARLEY_E2E_WORKERS overrides it.
  workers: Number(process.env.PARLEY_E2E_WORKERS ?? 2),
  retries: 0,
  // Generous: CI shares two cores between two browsers, the app host and the test servers, and a
  // multi-tab test there can take many times what it takes alone. Passing tests do not wait longer.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/parley/`,
    locale: 'en-US',
    // Recording a trace (a DOM snapshot and screenshots at every action) cost 40 % of the suite's
    // time on the 2-core CI machine, for every passing test. PARLEY_E2E_TRACE=1 turns it on to
    // look into a failure; a failing test always leaves its screenshot.
    trace: process.env.PARLEY_E2E_TRACE ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    // Installing the worker precaches every chunk (highlighter languages, KaTeX, the tokenizer) in
    // each test's fresh context: the suite's heaviest work, needed only by the specs that test
    // offline use and updates, which allow it themselves (test.use).
    serviceWorkers: 'block',
    ...devices['Desktop Chrome'],
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `tsx tests/support/serve-dist.ts --port ${PORT} --base /parley/ --dir ${DIST}`,
    url: `http://127.0.0.1:${PORT}/parley/`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
  },
});
