import { describe, expect, it } from 'vitest';
import {
  applyTheme,
  LOCALE_KEY,
  rememberLocale,
  rememberScreen,
  SCREEN_KEY,
  THEME_KEY,
} from './theme';

function fakeTarget(throws = false) {
  const items = new Map<string, string>();
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (throws) throw new DOMException('full', 'QuotaExceededError');
      items.set(key, value);
    },
    removeItem: (key: string) => void items.delete(key),
  };
  return { root: { dataset: {} as DOMStringMap }, storage, items };
}

describe('applyTheme', () => {
  it('sets data-theme for an explicit choice and remembers it for the first paint', () => {
    const target = fakeTarget();
    applyTheme('dark', target);
    expect(target.root.dataset.theme).toBe('dark');
    expect(target.items.get(THEME_KEY)).toBe('dark');
  });

  it('System removes the attribute and the copy, so prefers-color-scheme decides', () => {
    const target = fakeTarget();
    applyTheme('light', target);
    applyTheme('system', target);
    expect(target.root.dataset.theme).toBeUndefined();
    expect(target.items.has(THEME_KEY)).toBe(false);
  });

  it('still applies the theme when storage refuses the copy', () => {
    const target = fakeTarget(true);
    expect(() => applyTheme('dark', target)).not.toThrow();
    expect(target.root.dataset.theme).toBe('dark');
  });

  it('works without storage at all', () => {
    const target = { root: { dataset: {} as DOMStringMap }, storage: null };
    applyTheme('light', target);
    expect(target.root.dataset.theme).toBe('light');
  });
});

describe('rememberLocale and rememberScreen', () => {
  it('keep copies under the keys boot.js reads', () => {
    const target = fakeTarget();
    rememberLocale('zh-CN', target);
    rememberScreen('chat', target);
    expect(target.items.get(LOCALE_KEY)).toBe('zh-CN');
    expect(target.items.get(SCREEN_KEY)).toBe('chat');
  });
});
