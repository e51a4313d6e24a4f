/**
 * Which strings arrive with the first screen. Every catalog is built into three chunks (the
 * strings-split plugin, scripts/strings-split.mjs): the keys of each first screen (first run and
 * unlock; the chat), fetched in parallel with the entry, and the rest, fetched right after the
 * first screen is drawn (the first load has a 60 KB budget, and most strings belong to dialogs).
 * So these lists name what the first-run and unlock forms show, what the chat shows (sidebar,
 * transcript, composer, header), and, in both, the banners that can appear before anything else.
 *
 * A component that can show before the rest has arrived must use only these keys: the build fails
 * when a first-screen chunk names a key outside them (scripts/first-screen-preload.mjs). Anything
 * loaded later waits for the rest first (`loadAllStrings()`), so `t()` never shows a key.
 */
export type FirstScreen = 'setup' | 'chat';

/** Shown whichever the screen: the loading line and the banners (storage, versions, chunks). */
const EVERY_SCREEN = [
  'app.',
  'header.',
  'storage.',
  'data.export',
  'data.outdated',
  'pwa.',
  'guard.',
];

export const FIRST_SCREEN_PREFIXES: Readonly<Record<FirstScreen, readonly string[]>> = {
  // The first-run form (ConnectionForm) and the unlock form.
  setup: [
    ...EVERY_SCREEN,
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
  ],
  // The chat: sidebar, transcript, messages, composer, header.
  chat: [
    ...EVERY_SCREEN,
    'sidebar.',
    'conversation.',
    // The transcript's mark on the message a search result opened.
    'search.found',
    'transcript.',
    'message.',
    'markdown.',
    'reasoning.',
    'add.',
    'branch.',
    'composer.',
    // Edit's note while a reply streams (MessageView hands it to the editor).
    'editor.busy',
    'params.error.jsonWord',
    'offline.',
    // A finished reply's note of the rate limits left.
    'limits.remaining',
    'error.',
    'panel.',
    'preset.builtin.',
    'preset.untitled',
    'preset.none',
  ],
};

/** Whether `key` comes with that first screen (with either, without `screen`). */
export function isFirstScreenKey(key: string, screen?: FirstScreen): boolean {
  const screens: readonly FirstScreen[] = screen ? [screen] : ['setup', 'chat'];
  return screens.some((name) =>
    FIRST_SCREEN_PREFIXES[name].some((prefix) => key.startsWith(prefix)),
  );
}
