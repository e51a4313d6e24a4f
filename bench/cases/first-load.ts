/**
 * The static first-load figure, per first screen and language: gzipped JS and CSS that index.html
 * names, boot.js, and what boot.js preloads for that screen (its chunks and CSS, and its strings in
 * that language: the data-screen-* and data-strings-* attributes scripts/first-screen-preload.mjs
 * writes). Kept beside the measured cold visit (cold-visit.ts) as a quick check with no browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchCase } from '../support';

function firstLoadBytes(dist: string, locale: 'en' | 'zh-CN', screen: 'setup' | 'chat'): number {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\.\/((?:assets\/)?[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  const preloads = [`data-screen-${screen}`, `data-strings-${locale.toLowerCase()}-${screen}`].map(
    (name) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1],
  );
  if (preloads.some((files) => files === undefined)) {
    throw new Error(`index.html names no ${screen} screen or ${locale} strings for boot.js`);
  }
  const preloaded = preloads.flatMap((files) => files?.split(' ') ?? []).map((f) => f.slice(2));
  return [...new Set([...assets, ...preloaded])].reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length,
    0,
  );
}

export const firstLoad: BenchCase = {
  id: 'first-load',
  title: 'First load (index.html’s assets and strings, from the build)…',
  run: ({ dist, record }) => {
    for (const screen of ['setup', 'chat'] as const) {
      for (const locale of ['en', 'zh-CN'] as const) {
        record({
          name: `first load, ${screen} (${locale}): gzipped JS + CSS index.html and boot.js name`,
          value: firstLoadBytes(dist, locale, screen) / 1024,
          unit: 'KB',
          budget: 60,
          kind: 'max',
        });
      }
    }
    return Promise.resolve();
  },
};
