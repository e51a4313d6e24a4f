import { describe, expect, it } from 'vitest';
import { en } from './en';
import { FIRST_SCREEN_PREFIXES, isFirstScreenKey } from './first-screen-keys';
import { zhCN } from './zh-CN';
import enSetup from 'virtual:parley-strings/en/setup';
import enChat from 'virtual:parley-strings/en/chat';
import enRest from 'virtual:parley-strings/en/rest';
import zhSetup from 'virtual:parley-strings/zh-CN/setup';
import zhChat from 'virtual:parley-strings/zh-CN/chat';
import zhRest from 'virtual:parley-strings/zh-CN/rest';

// The parts come from the strings-split plugin (scripts/strings-split.mjs), as in the build.
describe.each([
  ['en', en, enSetup, enChat, enRest],
  ['zh-CN', zhCN, zhSetup, zhChat, zhRest],
] as const)('the %s catalog in parts', (_locale, catalog, setup, chat, rest) => {
  it('holds every string, the rest apart from both first screens', () => {
    expect({ ...setup, ...chat, ...rest }).toEqual(catalog);
    expect(Object.keys(rest).filter((key) => key in setup || key in chat)).toEqual([]);
  });

  it('gives each first screen its own keys and nothing else', () => {
    expect(Object.keys(setup).every((key) => isFirstScreenKey(key, 'setup'))).toBe(true);
    expect(Object.keys(chat).every((key) => isFirstScreenKey(key, 'chat'))).toBe(true);
    expect(Object.keys(rest).some((key) => isFirstScreenKey(key))).toBe(false);
  });

  it('has the banners in both first screens', () => {
    for (const key of ['app.loading', 'storage.unknown', 'guard.chunkFailed'] as const) {
      expect(setup[key]).toBe(catalog[key]);
      expect(chat[key]).toBe(catalog[key]);
    }
  });

  it('keeps most strings out of the first screens', () => {
    expect(Object.keys({ ...setup, ...chat }).length).toBeLessThan(Object.keys(rest).length);
  });
});

describe.each(['setup', 'chat'] as const)('the %s prefixes', (screen) => {
  it.each(FIRST_SCREEN_PREFIXES[screen])('%s still names a key', (prefix) => {
    expect(Object.keys(en).some((key) => key.startsWith(prefix))).toBe(true);
  });
});
