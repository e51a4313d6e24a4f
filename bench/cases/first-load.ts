/**
 * The static first-load figure: gzipped JS and CSS that index.html names, plus the string catalog
 * of the page's language. Kept beside the measured cold visit (cold-visit.ts) as a quick check
 * that needs no browser; chunks fetched after index.html (the screen's own, preloads) are not in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchCase } from '../support';

function firstLoadBytes(dist: string, locale: 'en' | 'zh-CN'): number {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  const catalog = readdirSync(join(dist, 'assets')).find(
    (name) => name.startsWith(`${locale}-`) && name.endsWith('.js'),
  );
  if (!catalog) throw new Error(`no ${locale} catalog chunk in ${dist}/assets`);
  return [...assets, `assets/${catalog}`].reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length,
    0,
  );
}

export const firstLoad: BenchCase = {
  id: 'first-load',
  title: 'First load (index.html’s assets and strings, from the build)…',
  run: ({ dist, record }) => {
    for (const locale of ['en', 'zh-CN'] as const) {
      record({
        name: `first load (${locale}): gzipped JS + CSS index.html names`,
        value: firstLoadBytes(dist, locale) / 1024,
        unit: 'KB',
        budget: 60,
        kind: 'max',
      });
    }
    return Promise.resolve();
  },
};
