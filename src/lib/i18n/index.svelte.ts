/**
 * The current language and `t()`. A module-level singleton because the language is global to the
 * page; `t()` reads the `$state` locale, so every template that calls it re-renders on a switch.
 */
import type { Locale } from '../domain/types';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };

export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

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

export function setLocale(locale: Locale): void {
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The string for `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  const template = catalogs[current][key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/** Locale-aware number formatting for token counts and the like. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current).format(value);
}
