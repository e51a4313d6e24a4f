/**
 * The current language and `t()`. A module-level singleton because the language is global to the
 * page; `t()` reads the `$state` locale, so every template that calls it re-renders on a switch.
 *
 * Every catalog is built as two chunks (scripts/strings-split.mjs, first-screen-keys.ts): the
 * strings the first screen shows, loaded when its language is chosen (App waits for them before
 * the first screen), and the rest, loaded by `loadAllStrings()` right after the first screen and
 * awaited by everything that loads later (dialogs, the parameters panel). So no one downloads a
 * language they do not read, the first load stays small, and `t()` never shows a key.
 */
import type { Locale } from '../domain/types';
import type { MessageKey } from './en';

export type { MessageKey };

export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

type Strings = Partial<Record<MessageKey, string>>;
type Part = 'first' | 'rest';

// Literal specifiers, so the bundler sees each part and makes it a chunk of its own.
const loaders: Record<Locale, Record<Part, () => Promise<Strings>>> = {
  en: {
    first: () => import('virtual:parley-strings/en/first').then((module) => module.default),
    rest: () => import('virtual:parley-strings/en/rest').then((module) => module.default),
  },
  'zh-CN': {
    first: () => import('virtual:parley-strings/zh-CN/first').then((module) => module.default),
    rest: () => import('virtual:parley-strings/zh-CN/rest').then((module) => module.default),
  },
};

/** The strings of each language loaded so far (the first part, then both merged). */
let loaded = $state.raw<Partial<Record<Locale, Strings>>>({});
/** Which languages have both parts here. */
const complete = new Set<Locale>();
/** A load in flight per language and part, so two callers share one request. */
const loading = new Map<string, Promise<void>>();
/**
 * Set by the first `loadAllStrings()` (right after the first screen): from then on a language
 * switch waits for the whole catalog, since anything may be open by then.
 */
let isAllWanted = false;

function loadPart(locale: Locale, part: Part): Promise<void> {
  if (part === 'rest' ? complete.has(locale) : loaded[locale]) return Promise.resolve();
  const id = `${locale}/${part}`;
  let pending = loading.get(id);
  if (!pending) {
    pending = loaders[locale][part]().then(
      (strings) => {
        loaded = { ...loaded, [locale]: { ...loaded[locale], ...strings } };
        if (part === 'rest') complete.add(locale);
        loading.delete(id);
      },
      (error: unknown) => {
        // Offline before the chunk was ever cached: the next call tries again.
        loading.delete(id);
        throw error;
      },
    );
    loading.set(id, pending);
  }
  return pending;
}

async function loadLocale(locale: Locale, isAll: boolean): Promise<void> {
  // The rest merges over the first part, so the first goes first (it is usually here already).
  await loadPart(locale, 'first');
  if (isAll) await loadPart(locale, 'rest');
}

/** The best supported locale for a list of BCP 47 tags, as `navigator.languages` gives them. */
export function matchLocale(tags: readonly string[]): Locale {
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

let current = $state<Locale>('en');

export function getLocale(): Locale {
  return current;
}

/**
 * Switches the page's language once its catalog is here. A catalog that fails to load (offline
 * before it was ever cached) leaves the language as it was.
 */
export async function setLocale(locale: Locale): Promise<void> {
  try {
    await loadLocale(locale, isAllWanted);
  } catch {
    return;
  }
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/**
 * Loads the rest of the current language's strings (and, from now on, every language switched
 * to in full). Everything that can show after the first screen awaits this before it renders;
 * it rejects when the chunk cannot be fetched (offline before it was ever cached), and the next
 * call tries again.
 */
export async function loadAllStrings(): Promise<void> {
  isAllWanted = true;
  // The language may change while the rest loads: whichever is current at the end is complete.
  for (;;) {
    const locale = current;
    await loadLocale(locale, true);
    if (locale === current) return;
  }
}

/** The string for `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  // Before any catalog has arrived (the first moments of the page) a key stands in for its text;
  // App shows nothing worded until then (isReady), and nothing shows a rest key before the rest.
  const template = (loaded[current] ?? loaded.en)?.[key] ?? key;
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/** Whether the current language's strings are here: App shows nothing worded before that. */
export function isReady(): boolean {
  return loaded[current] !== undefined;
}

/** Locale-aware number formatting for token counts and the like. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current).format(value);
}
