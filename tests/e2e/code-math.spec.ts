/**
 * Code and math in replies, in a real Chromium: highlighted code with its language named above
 * it, Copy code putting exactly the code on the clipboard, TeX rendered as MathML, prices and
 * shell variables left as text, invalid TeX shown as its source, and no CSP violation on the way.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { CODE_AND_MATH } from '../support/scenarios';
import { expect, replies, send, test } from './fixtures';

interface Violation {
  directive: string;
  blockedURI: string;
}

async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const list: Violation[] = [];
    (window as unknown as { __violations: Violation[] }).__violations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI });
    });
  });
}

function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
}

/** The code blocks of the last reply, in order. */
function codeBlocks(page: Page) {
  return replies(page).last().locator('.code-block');
}

test.beforeEach(async ({ context }) => {
  await recordViolations(context);
});

test('code in several languages is highlighted and labelled; Copy code copies exactly the code', async ({
  page,
  context,
  connect,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await connect();
  await send(page, 'scenario:code-and-math show me');
  const reply = replies(page).last();
  await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();

  const blocks = codeBlocks(page);
  await expect(blocks).toHaveCount(7);
  const ts = blocks.nth(0);
  const python = blocks.nth(1);
  // Blocks are highlighted when they come on screen; a person scrolls up to the first one.
  await ts.scrollIntoViewIfNeeded();
  await expect(ts.locator('.code-language')).toHaveText('ts');
  await expect(python.locator('.code-language')).toHaveText('python');
  // highlight.js spans, in both languages (each loaded on demand).
  await expect(ts.locator('code .hljs-keyword').first()).toHaveText('export');
  await expect(ts.locator('code .hljs-comment')).toHaveText('// the sum');
  await expect(python.locator('code .hljs-keyword').first()).toHaveText('def');
  await expect(python.locator('code .hljs-string')).toHaveText('f"Hello, {name}!"');
  await blocks.nth(3).scrollIntoViewIfNeeded();
  await expect(blocks.nth(3).locator('code .hljs-keyword').first()).toHaveText('fn');
  // An unknown language is named but stays plain; no language: no label, plain.
  await expect(blocks.nth(5).locator('.code-language')).toHaveText('klingon');
  await expect(blocks.nth(5).locator('code span')).toHaveCount(0);
  await expect(blocks.nth(6).locator('.code-language')).toHaveCount(0);
  await expect(blocks.nth(6).locator('code span')).toHaveCount(0);
  // Math markers in a shell block stay code.
  await expect(blocks.nth(2).locator('math')).toHaveCount(0);
  await expect(blocks.nth(2).locator('code')).toHaveText(
    'echo "$HOME" && export PATH="$PATH:$HOME/bin"',
  );

  // Every code block has its own button; by keyboard, as a person would.
  await expect(reply.getByRole('button', { name: 'Copy code', exact: true })).toHaveCount(7);
  const copy = python.getByRole('button', { name: 'Copy code', exact: true });
  await copy.focus();
  await page.keyboard.press('Enter');
  await expect(python.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'def greet(name: str) -> str:\n    return f"Hello, {name}!"',
  );
  await ts.getByRole('button', { name: 'Copy code', exact: true }).click();
  await expect(ts.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'export function add(a: number, b: number): number {\n  return a + b; // the sum\n}',
  );

  expect(await violations(page)).toEqual([]);
});

test('when the browser refuses the clipboard, the block says so', async ({ page, connect }) => {
  await connect();
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: () => Promise.reject(new DOMException('Denied', 'NotAllowedError')) },
    });
  });
  await send(page, 'Look:\n\n```js\nlet a = 1;\n```');
  const block = codeBlocks(page).first();
  await block.getByRole('button', { name: 'Copy code', exact: true }).click();
  await expect(block.getByRole('status')).toHaveText(
    'The browser refused the clipboard. Select the code and copy it yourself.',
  );
  await expect(block.getByRole('button', { name: 'Copy code', exact: true })).toBeVisible();
});

test('TeX renders as MathML; prices, shell variables and invalid TeX stay text', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'scenario:code-and-math and math');
  const reply = replies(page).last();
  const body = reply.locator('.markdown');
  // Math renders once it is near the screen: bring the end of the reply into view first.
  await reply.getByRole('button', { name: 'Copy', exact: true }).scrollIntoViewIfNeeded();
  // $…$, \(…\), $$…$$ and \[…\]: four formulas, two of them display.
  await expect(body.locator('.math math')).toHaveCount(4);
  await expect(body.locator('math[display="block"]')).toHaveCount(2);
  await expect(body.locator('.math-inline math').first()).toContainText('E');
  await expect(body.locator('math mfrac').first()).toBeAttached();
  // The source is kept for assistive technology, and nothing carries a style or a link.
  await expect(body.locator('math annotation').first()).toHaveText('E = mc^2');
  await expect(
    body.locator('math [style], math [href], math maction, math annotation-xml'),
  ).toHaveCount(0);

  const last = body.locator('p').last();
  await expect(last).toContainText('It costs $5 and $10;');
  await expect(last).toContainText('$PATH:$HOME are shell variables.');
  await expect(last.locator('code')).toHaveText('$HOME');
  // Invalid TeX: its source, delimiters and all, as text.
  await expect(last.locator('.math')).toHaveText('$\\frac{1}{$');
  await expect(last.locator('math')).toHaveCount(0);
  expect(CODE_AND_MATH).toContain('Broken: $\\frac{1}{$ stays.');

  expect(await violations(page)).toEqual([]);
});

test('a code block that is still streaming shows its text at once and is highlighted when it closes', async ({
  page,
  connect,
  server,
}) => {
  await connect();
  // Slow enough that the open block is seen before the fence closes.
  const text =
    'Streaming:\n\n```ts\nconst first = 1;\nconst second = 2;\nconst third = 3;\n```\n\nDone.';
  server.useStream({ text, chunks: 60, chunkDelayMs: 50 });
  await page.evaluate(() => {
    // What each painted frame shows of a block whose fence is still open.
    const seen: { text: string; spans: number; buttons: number }[] = [];
    (window as unknown as { openBlocks: typeof seen }).openBlocks = seen;
    const frame = (): void => {
      for (const block of document.querySelectorAll('.code-block.code-open')) {
        seen.push({
          text: block.querySelector('code')?.textContent ?? '',
          spans: block.querySelectorAll('code span').length,
          buttons: block.querySelectorAll('button').length,
        });
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await send(page, 'stream code');
  await expect(replies(page).last().getByText('Done.', { exact: true })).toBeVisible();
  const closed = codeBlocks(page).first();
  await expect(closed).not.toHaveClass(/code-open/);
  await expect(closed.locator('code .hljs-keyword')).toHaveCount(3);
  await expect(closed.getByRole('button', { name: 'Copy code', exact: true })).toBeVisible();

  const open = await page.evaluate(
    () =>
      (window as unknown as { openBlocks: { text: string; spans: number; buttons: number }[] })
        .openBlocks,
  );
  // The open block showed its text as it grew, plain and without a button, in every frame.
  expect(open.some((block) => block.text.includes('const second'))).toBe(true);
  expect(open.filter((block) => block.spans > 0 || block.buttons > 0)).toEqual([]);
});

test('a block just out of sight in the transcript is highlighted before it is scrolled to', async ({
  page,
  connect,
}) => {
  // A short window, so that the reply is taller than the transcript's visible part.
  await page.setViewportSize({ width: 1280, height: 560 });
  await connect();
  await send(page, 'scenario:code-and-math show me');
  await expect(
    replies(page).last().getByRole('button', { name: 'Copy', exact: true }),
  ).toBeVisible();
  // Opened again, nothing is highlighted yet (a new page, an empty cache): it opens at the bottom.
  await page.reload();
  const first = codeBlocks(page).first();
  await expect(first.locator('.code-language')).toHaveText('ts');
  // How far (px) above what the transcript shows the block ends, once scrolled to end `to` px
  // above it (null: left where it is).
  const gapAbove = (to: number | null) =>
    first.evaluate((block, target) => {
      const scroller = block.closest('.viewport');
      if (!scroller) throw new Error('no transcript scroller');
      const gap = (): number =>
        scroller.getBoundingClientRect().top - block.getBoundingClientRect().bottom;
      if (target !== null) scroller.scrollTop += target - gap();
      return gap();
    }, to);
  // Scroll so that the first block ends 150 px above what the transcript shows.
  expect(await gapAbove(150)).toBeGreaterThan(100);
  await expect(first.locator('code .hljs-keyword').first()).toHaveText('export');
  // Still out of sight: it was highlighted because it was near, not because it was seen.
  expect(await gapAbove(null)).toBeGreaterThan(100);
});
