import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { en, type MessageKey } from './en';
import {
  formatNumber,
  getLocale,
  loadAllStrings,
  LOCALES,
  matchLocale,
  setLocale,
  t,
} from './index.svelte';
import { zhCN } from './zh-CN';

const keys = Object.keys(en) as MessageKey[];

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

beforeAll(async () => {
  await setLocale('en');
  // The page does this right after its first screen; these tests read every kind of string.
  await loadAllStrings();
});

afterEach(async () => {
  await setLocale('en');
});

describe('catalogs', () => {
  it('zh-CN has exactly the English keys', () => {
    expect(Object.keys(zhCN).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s: both texts are non-empty with the same placeholders', (key) => {
    const english = en[key];
    const chinese = zhCN[key];
    expect(english.trim()).not.toBe('');
    expect(chinese.trim()).not.toBe('');
    expect(placeholders(chinese)).toEqual(placeholders(english));
  });

  it('braces are only ever {name} placeholders (no typos like {count )', () => {
    for (const text of [...Object.values(en), ...Object.values(zhCN)]) {
      expect(text.replace(/\{\w+\}/g, '')).not.toMatch(/[{}]/);
    }
  });
});

describe('matchLocale', () => {
  it.each([
    [['zh-TW'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['ZH-hans-CN'], 'zh-CN'],
    [['fr', 'en-GB'], 'en'],
    [['fr', 'zh-HK', 'en'], 'zh-CN'],
    [['en-US', 'zh-CN'], 'en'],
    [['fr', 'de'], 'en'],
    [[], 'en'],
  ] as const)('%j → %s', (tags, expected) => {
    expect(matchLocale(tags)).toBe(expected);
  });

  it('only answers supported locales', () => {
    expect(LOCALES).toContain(matchLocale(['ja']));
  });
});

describe('t', () => {
  it('reads the current catalog', async () => {
    expect(getLocale()).toBe('en');
    expect(t('settings.title')).toBe(en['settings.title']);
    await setLocale('zh-CN');
    expect(getLocale()).toBe('zh-CN');
    expect(t('settings.title')).toBe(zhCN['settings.title']);
  });

  it('fills placeholders with strings and numbers', async () => {
    expect(t('transcript.showEarlier', { count: 12 })).toBe(
      en['transcript.showEarlier'].replace('{count}', '12'),
    );
    await setLocale('zh-CN');
    expect(t('transcript.showEarlier', { count: 3 })).toContain('3');
    expect(t('transcript.showEarlier', { count: 3 })).not.toContain('{count}');
  });

  it('fills every occurrence and several names', () => {
    const filled = t('message.usage', { prompt: 1, completion: 2, total: 3 });
    expect(filled).toBe('1 prompt + 2 completion = 3 tokens');
  });

  it('leaves unknown placeholders as they are', () => {
    expect(t('transcript.showEarlier', { other: 1 })).toBe(en['transcript.showEarlier']);
    expect(t('message.usage', { prompt: 1 })).toBe(
      '1 prompt + {completion} completion = {total} tokens',
    );
    expect(t('transcript.showEarlier')).toContain('{count}');
  });

  it('inserts values literally (no $& replacement patterns)', () => {
    expect(t('sidebar.deleted', { title: '$& $1 {count}' })).toBe('Deleted “$& $1 {count}”.');
  });
});

describe('formatNumber', () => {
  it('groups digits for the current locale', async () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    await setLocale('zh-CN');
    expect(formatNumber(1234567)).toBe('1,234,567');
  });
});

describe('setLocale', () => {
  it('the newest choice wins even when an older one’s catalog arrives last', async () => {
    vi.resetModules();
    const fresh = await import('./index.svelte');
    await fresh.setLocale('en');
    // Chinese is not loaded yet in this fresh module, so its catalog arrives after English.
    const older = fresh.setLocale('zh-CN');
    const newer = fresh.setLocale('en');
    await Promise.all([older, newer]);
    expect(fresh.getLocale()).toBe('en');
  });
});
