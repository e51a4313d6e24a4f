import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { CACHE_ID } from './src/lib/pwa/cache-names';
import { firstScreenPreload } from './scripts/first-screen-preload.mjs';
import { stringsSplit } from './scripts/strings-split.mjs';

/**
 * The Content-Security-Policy of the built app. Model output is untrusted (a prompt-injected
 * reply can contain anything): the sanitizer is the first wall, this is the second. Only the
 * app's own files run (no inline script, no eval), no plugins, no <base> or form posts, and the
 * page connects only to itself, to https endpoints, and to http://localhost or 127.0.0.1 for a
 * local server (normalizeBaseUrl refuses any other http Base URL, with words).
 *
 * - style-src has no 'unsafe-inline': Svelte extracts component CSS into files, the sanitizer
 *   allows no style attributes, and styles set from script (element.style) are not restricted.
 * - img-src allows data: for inline icons; replies never show images (they become links).
 * - It is a <meta> because static hosts often cannot set headers. Hosts that can should send
 *   the same policy as a `Content-Security-Policy` header and add `frame-ancestors 'none'`
 *   (against clickjacking): browsers ignore frame-ancestors, report-uri and sandbox in a <meta>.
 * - Only in `vite build` (and so `vite preview`): the dev server injects its client and CSS as
 *   inline styles and needs a WebSocket, which this policy would block.
 * An end-to-end test (tests/e2e/security.spec.ts) fails on any violation.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Puts the policy first in <head> after the charset, before any script or stylesheet. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'parley:content-security-policy',
    apply: 'build',
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*"\s*\/?>/i;
      if (!charset.test(html)) throw new Error('index.html needs <meta charset> first in <head>');
      const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
      return html.replace(charset, (tag) => `${tag}\n    ${meta}`);
    },
  };
}

// `base: './'` makes every asset URL relative, so the built dist/ works from any sub-path
// (https://example.com/parley/) or straight off a CDN without a rebuild.
export default defineConfig({
  base: './',
  plugins: [
    svelte(),
    // Each string catalog as two chunks: what the first screen shows, and the rest.
    stringsSplit(),
    contentSecurityPolicy(),
    firstScreenPreload(),
    // The service worker (dist/sw.js, scope = the folder Parley is served from) precaches the
    // build so Parley opens offline. It owns exactly one kind of request: GET requests for the
    // precached URLs below (this build's own files), which include Parley's only page: the
    // scope itself (`directoryIndex` maps `<scope>` to `<scope>index.html`) and index.html.
    // There is no navigateFallback on purpose: Parley has no routes of its own, and a fallback
    // would answer every other navigation inside the scope with index.html, including an API
    // or another app served from the same origin (/v1/models opened in a tab at root scope).
    // Workbox's router calls respondWith() only when a route matches; every other
    // fetch (API calls to any origin, including same-origin proxies such as /v1, all POSTs,
    // anything not in the build) never gets respondWith and goes to the network untouched, as
    // if there were no service worker. So no runtimeCaching, on purpose.
    VitePWA({
      strategies: 'generateSW',
      // 'prompt' leaves the new worker waiting until the person presses "Reload to update"
      // (src/lib/pwa/). It never calls skipWaiting or clientsClaim by itself.
      registerType: 'prompt',
      // src/lib/pwa/register.ts registers it after load (a same-origin module, no inline script:
      // the Content-Security-Policy forbids one).
      injectRegister: false,
      // public/manifest.webmanifest is written by hand and linked from index.html.
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Cache names carry Parley's id and its scope, so Delete all data removes only these.
        cacheId: CACHE_ID,
        directoryIndex: 'index.html',
        navigateFallback: null,
        sourcemap: false,
      },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    // Every browser Parley supports preloads modules itself; the polyfill would cost first-load
    // bytes (the budget is 60 KB) to help only browsers from before 2023, which still work.
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts', 'tests/support/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    // Worker threads, one per core: on the 2-core CI machine the default (child processes, one
    // fewer than the cores) ran the files one at a time and spent half the minute starting them
    // (unit suite 60 s -> 30 s). Each file still gets its own module graph and globals.
    pool: 'threads',
    maxWorkers: availableParallelism(),
  },
});
