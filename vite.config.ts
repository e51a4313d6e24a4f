import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `base: './'` makes every asset URL relative, so the built dist/ works from any sub-path
// (https://example.com/parley/) or straight off a CDN without a rebuild.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    include: ['src/**/*.test.ts', 'tests/support/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
  },
});
