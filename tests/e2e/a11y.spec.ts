/**
 * Accessibility, checked by axe-core on every kind of screen a person sees, in both themes:
 * first run, a chat with a finished reply holding code and math, the Settings dialog, the
 * presets manager, and the phone layout. WCAG 2.2 A and AA rules; zero violations.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, replies, send, test } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const THEMES = ['light', 'dark'] as const;

async function expectNoViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  // Each violation with the elements it found, so a failure says what to fix and where.
  const found = violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
  }));
  expect(found).toEqual([]);
}

async function finishedCodeAndMathReply(page: Page, useScenario: () => void): Promise<void> {
  useScenario();
  await send(page, 'Show me some code and a formula');
  await expect(replies(page).last().getByRole('button', { name: 'Copy', exact: true })).toBeVisible(
    {
      timeout: 30_000,
    },
  );
}

for (const theme of THEMES) {
  test.describe(`accessibility, ${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
    });

    test('first-run screen', async ({ page }) => {
      await page.goto('./');
      await expect(page.getByLabel('API key', { exact: true })).toBeVisible({ timeout: 30_000 });
      await expectNoViolations(page);
    });

    test('a chat with a finished reply holding code and math', async ({
      page,
      connect,
      server,
    }) => {
      await connect();
      await finishedCodeAndMathReply(page, () => server.use('code-and-math'));
      await expectNoViolations(page);
    });

    test('the Settings dialog, and focus going back to Settings when it closes', async ({
      page,
      connect,
    }) => {
      await connect();
      const opener = page.getByRole('button', { name: 'Settings', exact: true });
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
      await expect(dialog).toBeVisible();
      // Focus moves into the dialog when it opens.
      await expect
        .poll(() => dialog.evaluate((element) => element.contains(document.activeElement)))
        .toBe(true);
      await expectNoViolations(page);
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(opener).toBeFocused();
    });

    test('the presets manager', async ({ page, connect }) => {
      await connect();
      await page.getByRole('button', { name: 'Manage presets', exact: true }).click();
      await expect(page.getByRole('dialog', { name: /preset/i })).toBeVisible();
      await expectNoViolations(page);
    });

    test('the phone layout, with its conversations drawer open', async ({
      page,
      connect,
      server,
    }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await connect();
      await finishedCodeAndMathReply(page, () => server.use('code-and-math'));
      await expectNoViolations(page);
      await page.getByRole('button', { name: 'Conversations list', exact: true }).click();
      await expect(
        page.getByRole('navigation', { name: 'Conversations', exact: true }),
      ).toBeVisible();
      await expectNoViolations(page);
    });
  });
}
