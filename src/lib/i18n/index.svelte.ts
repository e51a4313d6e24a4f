/**
 * The current language and `t()`. A module-level singleton because the language is global to the
 * page; `t()` reads the `$state` locale, so every template that calls it re-renders on a switch.
 *
 * Every catalog is built as three chunks (scripts/strings-split.mjs, first-screen-keys.ts): the
 * strings of each first screen (first run and unlock; the chat), one of which is loaded when the
 * language is chosen (App waits for it before the first screen), and the rest, loaded by
 * `loadAllStrings()` right after the first screen and awaited by everything that loads later
 * (dialogs, the parameters panel). So no one downloads a language they do not read, the first
 * load stays small, and `t()` never shows a key.
 */
import type { Locale } from '../domain/types';
import type { MessageKey } from './en';
import type { FirstScreen } from './first-screen-keys';
import { numberFormat } from '../utils/number-format';

export type { MessageKey, FirstScreen };

export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

type Strings = Partial<Record<MessageKey, string>>;
type Part = FirstScreen | 'rest';
const PARTS: readonly Part[] = ['setup', 'chat', 'rest'];

// Literal specifiers, so the bundler sees each part and makes it a chunk of its own.
const loaders: Record<Locale, Record<Part, () => Promise<Strings>>> = {
  en: {
    setup: () => import('virtual:parley-strings/en/setup').then((module) => module.default),
    chat: () => import('virtual:parley-strings/en/chat').then((module) => module.default),
    rest: () => import('virtual:parley-strings/en/rest').then((module) => module.default),
  },
  'zh-CN': {
    setup: () => import('virtual:parley-strings/zh-CN/setup').then((module) => module.default),
    chat: () => import('virtual:parley-strings/zh-CN/chat').then((module) => module.default),
    rest: () => import('virtual:parley-strings/zh-CN/rest').then((module) => module.default),
  },
};

/** The strings of each language loaded so far (its parts merged; they agree where they meet). */
let loaded = $state.raw<Partial<Record<Locale, Strings>>>({});
/** Which parts of each language are here. */
const arrived = new Map<Locale, Set<Part>>();
/** A load in flight per language and part, so two callers share one request. */
const loading = new Map<string, Promise<void>>();
/**
 * The parts a language switch loads: the first screen's, then (from the first `loadAllStrings()`,
 * right after the first screen) all of them, since anything may be open by then.
 */
const wanted = new Set<Part>();

function loadPart(locale: Locale, part: Part): Promise<void> {
  if (arrived.get(locale)?.has(part)) return Promise.resolve();
  const id = `${locale}/${part}`;
  let pending = loading.get(id);
  if (!pending) {
    pending = loaders[locale][part]().then(
      (strings) => {
        loaded = { ...loaded, [locale]: { ...loaded[locale], ...strings } };
        arrived.set(locale, new Set([...(arrived.get(locale) ?? []), part]));
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

/** Nothing asked for (a test, a tool): the whole catalog, as before the catalogs were split. */
function wantedParts(): readonly Part[] {
  return wanted.size > 0 ? [...wanted] : PARTS;
}

async function loadLocale(locale: Locale, parts: readonly Part[]): Promise<void> {
  await Promise.all(parts.map((part) => loadPart(locale, part)));
}

/** Loads parts of the current language; it may change meanwhile: then of the new one. */
async function loadCurrent(parts: readonly Part[]): Promise<void> {
  for (;;) {
    const locale = current;
    await loadLocale(locale, parts);
    if (locale === current) return;
  }
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
/** Counts setLocale calls: only the newest one may switch the language. */
let localeRequests = 0;

export function getLocale(): Locale {
  return current;
}

/**
 * Switches the page's language once its catalog is here. A catalog that fails to load (offline
 * before it was ever cached) leaves the language as it was.
 */
export async function setLocale(locale: Locale): Promise<void> {
  const request = ++localeRequests;
  try {
    await loadLocale(locale, wantedParts());
  } catch {
    return;
  }
  // The newest choice wins, whichever catalog arrives last (the browser's language, asked for
  // before the settings were read, must not replace the stored choice that loaded first).
  if (request !== localeRequests) return;
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/**
 * Asks for the strings of a first screen with every language loaded from now on (`setLocale`
 * loads them): App names the screen it expects before it chooses the language.
 */
export function wantStrings(screen: FirstScreen): void {
  wanted.add(screen);
}

/**
 * The strings of a first screen in the current language: that screen waits for them (only
 * them: it must not depend on the rest, which may be refused while offline).
 */
export async function loadScreenStrings(screen: FirstScreen): Promise<void> {
  wanted.add(screen);
  await loadCurrent([screen]);
}

/**
 * Loads the rest of the current language's strings (and, from now on, every language switched
 * to in full). Everything that can show after the first screen awaits this before it renders;
 * it rejects when a chunk cannot be fetched (offline before it was ever cached), and the next
 * call tries again.
 */
export async function loadAllStrings(): Promise<void> {
  for (const part of PARTS) wanted.add(part);
  await loadCurrent(PARTS);
}

/**
 * What `loading` resolves to, once the rest of the strings is here too: how code shown after the
 * first screen loads (its words may not be among the first screen's), so it never shows a key.
 */
export async function withAllStrings<T>(loading: Promise<T>): Promise<T> {
  const [value] = await Promise.all([loading, loadAllStrings()]);
  return value;
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
  return numberFormat(current).format(value);
}
