/**
 * A cold visit, on both screens a person can land on: first run (nothing stored) and configured
 * (a key and a few conversations stored). Each visit starts with an empty HTTP cache and no
 * service worker (blocked in the context: an installed worker would serve everything from its
 * cache, which is a warm visit). Figures, median of 3 each:
 * - first contentful paint (the Paint Timing entry);
 * - first screen usable: the API key field or the Message box is in the page, shown, enabled and
 *   not read-only (looked for on every frame from the first one, so the time is when it is drawn);
 * - JS + CSS fetched until then (Resource Timing entries that started by that moment), as gzip
 *   sizes of those same files in the build: the bench's host does not compress, so the transfer
 *   sizes are raw bytes; gzip is what a real host sends.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { connect, median, NAME_SHIM, seed, type BenchCase, type BenchContext } from '../support';

interface Visit {
  paint: number;
  usable: number;
  /** Paths under the app's base of the JS and CSS fetched until usable. */
  files: string[];
}

/** Installed before any page script: records when the first screen's text field is usable. */
const USABLE_PROBE = `(() => {
  const names = ['API key', 'Message'];
  const nameOf = (el) =>
    (el.getAttribute('aria-label') ?? [...(el.labels ?? [])].map((l) => l.textContent).join(' ')).trim();
  const isUsable = (el) =>
    !el.disabled && !el.readOnly && el.getClientRects().length > 0 && !el.closest('[inert],[aria-hidden="true"]');
  const check = () => {
    for (const el of document.querySelectorAll('input, textarea')) {
      if (names.includes(nameOf(el)) && isUsable(el)) {
        window.__benchUsable = performance.now();
        return;
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

async function visit(page: Page, appUrl: string): Promise<Visit> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
  await page.goto(appUrl);
  await page.waitForFunction(() => (window as unknown as { __benchUsable?: number }).__benchUsable);
  const base = new URL(appUrl).pathname;
  return page.evaluate((base) => {
    const usable = (window as unknown as { __benchUsable: number }).__benchUsable;
    const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    const files = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.startTime <= usable)
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.startsWith(base) && /\.(?:js|css)$/.test(path))
      .map((path) => path.slice(base.length));
    return { paint, usable, files };
  }, base);
}

function gzipKB(dist: string, files: readonly string[]): number {
  const bytes = files.reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(dist, decodeURIComponent(file)))).length,
    0,
  );
  return bytes / 1024;
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    serviceWorkers: 'block',
  });
  await context.addInitScript(NAME_SHIM);
  return context;
}

function measure({ dist, record }: BenchContext, label: string, visits: readonly Visit[]): void {
  const byUsable = [...visits].sort((a, b) => a.usable - b.usable);
  const middle = byUsable[1] ?? byUsable[0];
  if (!middle) return;
  const sizes = middle.files.map((file) => `${file} ${gzipKB(dist, [file]).toFixed(1)}`);
  console.log(`  ${label}: ${String(middle.files.length)} files until usable: ${sizes.join(', ')}`);
  record({
    name: `cold visit, ${label}: first contentful paint (median of 3)`,
    value: median(visits.map((v) => v.paint)),
    unit: 'ms',
    budget: 150,
    kind: 'max',
  });
  record({
    name: `cold visit, ${label}: first screen usable (median of 3)`,
    value: middle.usable,
    unit: 'ms',
    budget: 300,
    kind: 'max',
  });
  record({
    name: `cold visit, ${label}: JS + CSS fetched until usable, gzip`,
    value: Math.max(...visits.map((v) => gzipKB(dist, v.files))),
    unit: 'KB',
    budget: 60,
    kind: 'max',
  });
}

export const coldVisit: BenchCase = {
  id: 'cold-visit',
  title: 'Cold visits: first run, and with a key and a few conversations…',
  run: async (bench) => {
    const { browser, server, appUrl } = bench;
    // First run: every visit in a context of its own, so nothing at all is stored.
    const firstRun: Visit[] = [];
    for (let i = 0; i < 3; i++) {
      const context = await newContext(browser);
      try {
        const page = await context.newPage();
        await page.addInitScript(USABLE_PROBE);
        firstRun.push(await visit(page, appUrl));
      } finally {
        await context.close();
      }
    }
    measure(bench, 'first run', firstRun);

    // Configured: one context with the key saved and five short conversations.
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await connect(page, server, appUrl);
      await seed(page, 5, 10);
      await page.addInitScript(USABLE_PROBE);
      const configured: Visit[] = [];
      for (let i = 0; i < 3; i++) configured.push(await visit(page, appUrl));
      measure(bench, 'with a key', configured);
    } finally {
      await context.close();
    }
  },
};
