/**
 * `npm run icons`: renders the install icons in public/icons/ from public/favicon.svg, so the
 * PNGs are never drawn by hand and never drift from the favicon. Run it after changing the
 * favicon and commit the PNGs; the build only copies them.
 *
 * "any" icons keep the favicon's rounded corners. The maskable and Apple icons are full-bleed
 * squares (the platform cuts its own shape): the glyph already sits inside the maskable safe
 * zone, the centred circle of 80% diameter (https://web.dev/articles/maskable-icon).
 */
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const favicon = readFileSync('public/favicon.svg', 'utf8');
const fullBleed = favicon.replace(/ rx="[\d.]+"/, '');
if (fullBleed === favicon) throw new Error('favicon.svg: expected a rounded background rect');

const icons = [
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  { file: 'maskable-512.png', size: 512, svg: fullBleed },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed },
];

mkdirSync('public/icons', { recursive: true });
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  for (const { file, size, svg } of icons) {
    await page.setViewportSize({ width: size, height: size });
    const url = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<body style="margin:0"><img src="${url}" width="${size}" height="${size}"></body>`,
    );
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    await page.screenshot({ path: `public/icons/${file}`, omitBackground: true });
    console.log(`public/icons/${file}`);
  }
} finally {
  await browser.close();
}
