/**
 * The current language and `t()`. A module-level singleton because the language is global to the
 * page; `t()` reads the `$state` locale, so every template that calls it re-renders on a switch.
 *
 * Every catalog is its own chunk, loaded when its language is chosen (App waits for it before the
 * first screen), so no one downloads a language they do not read and the first load stays small.
 */
import type { Locale } from '../domain/types';
import type { MessageKey } from './en';

export type { MessageKey };

export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

type Catalog = Record<MessageKey, string>;

const loaders: Record<Locale, () => Promise<Catalog>> = {
  en: () => import('./en').then((module) => module.en),
  'zh-CN': () => import('./zh-CN').then((module) => module.zhCN),
};

let loaded = $state.raw<Partial<Record<Locale, Catalog>>>({});

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
  if (!loaded[locale]) {
    try {
      loaded = { ...loaded, [locale]: await loaders[locale]() };
    } catch {
      return;
    }
  }
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The string for `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  // Before any catalog has arrived (the first moments of the page) a key stands in for its text.
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
