/**
 * Which strings arrive with the first screen. Every catalog is built into two chunks (the
 * strings-split plugin, scripts/strings-split.mjs): the keys that start with one of these prefixes,
 * fetched in parallel with the entry, and the rest, fetched right after the first screen is drawn
 * (the first load has a 60 KB budget, and most strings belong to dialogs). So this list names what
 * the first-run form, the unlock form and the chat (sidebar, transcript, composer, header) show,
 * and the banners that can appear before anything else has loaded.
 *
 * A component that can show before the rest has arrived must use only these keys: the build fails
 * when a first-screen chunk names a key outside them (scripts/first-screen-preload.mjs). Anything
 * loaded later waits for the rest first (`loadAllStrings()`), so `t()` never shows a key.
 */
export const FIRST_SCREEN_PREFIXES: readonly string[] = [
  'app.',
  'header.',
  // The first-run form (ConnectionForm) and the unlock form.
  'setup.',
  'settings.apiKey',
  'settings.baseUrl',
  'settings.advanced',
  'settings.organization',
  'settings.project',
  'settings.save',
  'settings.saving',
  'settings.error.',
  'azure.',
  'security.',
  // The chat: sidebar, transcript, messages, composer.
  'sidebar.',
  'search.',
  'conversation.',
  'transcript.',
  'message.',
  'markdown.',
  'reasoning.',
  'editor.',
  'add.',
  'branch.',
  'composer.',
  'params.error.jsonWord',
  'offline.',
  'retry.',
  'error.',
  'limits.remaining',
  'panel.',
  'preset.builtin.',
  'preset.untitled',
  'preset.none',
  // Banners that can show before anything else: storage, versions, a chunk that failed.
  'storage.',
  'data.export',
  'data.outdated',
  'pwa.',
  'guard.',
  // The words of a Markdown export, which App builds (called only once the rest is here).
  'export.md.',
];

export function isFirstScreenKey(key: string): boolean {
  return FIRST_SCREEN_PREFIXES.some((prefix) => key.startsWith(prefix));
}
