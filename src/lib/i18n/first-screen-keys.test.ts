import { describe, expect, it } from 'vitest';
import { en } from './en';
import { FIRST_SCREEN_PREFIXES, isFirstScreenKey } from './first-screen-keys';
import { zhCN } from './zh-CN';
import enFirst from 'virtual:parley-strings/en/first';
import enRest from 'virtual:parley-strings/en/rest';
import zhFirst from 'virtual:parley-strings/zh-CN/first';
import zhRest from 'virtual:parley-strings/zh-CN/rest';

// The parts come from the strings-split plugin (scripts/strings-split.mjs), as in the build.
describe.each([
  ['en', en, enFirst, enRest],
  ['zh-CN', zhCN, zhFirst, zhRest],
] as const)('the %s catalog in two parts', (_locale, catalog, first, rest) => {
  it('holds every string exactly once', () => {
    expect({ ...first, ...rest }).toEqual(catalog);
    expect(Object.keys(first).filter((key) => key in rest)).toEqual([]);
  });

  it('has the first-screen keys first and nothing else', () => {
    expect(Object.keys(first).every(isFirstScreenKey)).toBe(true);
    expect(Object.keys(rest).some(isFirstScreenKey)).toBe(false);
  });

  it('keeps most strings out of the first part', () => {
    expect(Object.keys(first).length).toBeLessThan(Object.keys(rest).length);
  });
});

describe('FIRST_SCREEN_PREFIXES', () => {
  it.each(FIRST_SCREEN_PREFIXES)('%s still names a key', (prefix) => {
    expect(Object.keys(en).some((key) => key.startsWith(prefix))).toBe(true);
  });
});
