/**
 * Vite plugin: builds each string catalog (src/lib/i18n/en.ts, zh-CN.ts) into three modules, the
 * strings each first screen shows (first run and unlock: `setup`; the chat: `chat`; the banners
 * are in both) and the rest (src/lib/i18n/first-screen-keys.ts decides), so the first load
 * fetches a few KB of strings instead of the whole catalog. The catalogs stay one
 * object each, the file every engineer adds keys to; the split happens here, at build (and dev,
 * and test) time:
 *
 *   import('virtual:parley-strings/en/chat')   -> { default: { 'app.name': 'Parley', … } }
 *   import('virtual:parley-strings/zh-CN/rest') -> { default: { 'usage.title': '用量', … } }
 *
 * The catalogs are plain data (their only import is a type), so they are evaluated as they are:
 * transpiled with TypeScript and imported from a data: URL.
 */
// JavaScript with JSDoc types (checked: tsconfig has checkJs), like first-screen-preload.mjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PREFIX = 'virtual:parley-strings/';
/** Rollup's mark for a module that is no file: other plugins leave it alone. */
const RESOLVED = '\0parley-strings/';
const I18N = fileURLToPath(new URL('../src/lib/i18n/', import.meta.url));
const KEYS_FILE = `${I18N}first-screen-keys.ts`;

/** Locale -> the catalog's file and the name it exports. */
/** @type {Record<string, { file: string; name: string }>} */
export const CATALOGS = {
  en: { file: `${I18N}en.ts`, name: 'en' },
  'zh-CN': { file: `${I18N}zh-CN.ts`, name: 'zhCN' },
};

/** @typedef {'setup' | 'chat' | 'rest'} Part */
/** @type {readonly Part[]} */
export const PARTS = ['setup', 'chat', 'rest'];

/** The resolved id of one part, as it appears as a chunk's facadeModuleId. */
/**
 * @param {string} locale
 * @param {Part} part
 */
export function stringsModuleId(locale, part) {
  return `${RESOLVED}${locale}-${part}`;
}

/**
 * Evaluates a TypeScript module that imports nothing but types.
 * @param {string} file
 * @returns {Promise<Record<string, unknown>>}
 */
async function evaluate(file) {
  const source = await readFile(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const url = `data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`;
  return /** @type {Record<string, unknown>} */ (await import(url));
}

/**
 * Each first screen's keys of a catalog and the rest, in the catalog's order.
 * @param {string} locale
 * @returns {Promise<Record<Part, Record<string, string>>>}
 */
export async function splitCatalog(locale) {
  const catalog = CATALOGS[locale];
  if (!catalog) throw new Error(`No catalog for ${locale}`);
  const [strings, keys] = await Promise.all([evaluate(catalog.file), evaluate(KEYS_FILE)]);
  const all = /** @type {Record<string, string>} */ (strings[catalog.name]);
  const isFirst = /** @type {(key: string, screen: string) => boolean} */ (
    keys['isFirstScreenKey']
  );
  if (typeof all !== 'object' || typeof isFirst !== 'function') {
    throw new Error(
      `${catalog.file} must export ${catalog.name}, first-screen-keys.ts isFirstScreenKey`,
    );
  }
  /** @type {Record<Part, Record<string, string>>} */
  const parts = { setup: {}, chat: {}, rest: {} };
  for (const [key, text] of Object.entries(all)) {
    const screens = ['setup', 'chat'].filter((screen) => isFirst(key, screen));
    for (const screen of screens) parts[/** @type {Part} */ (screen)][key] = text;
    if (screens.length === 0) parts.rest[key] = text;
  }
  return parts;
}

/** @returns {import('vite').Plugin} */
export function stringsSplit() {
  return {
    name: 'parley:strings-split',
    resolveId(id) {
      return id.startsWith(PREFIX) ? RESOLVED + id.slice(PREFIX.length).replace('/', '-') : null;
    },
    async load(id) {
      if (!id.startsWith(RESOLVED)) return null;
      const match = /^(.+)-(setup|chat|rest)$/.exec(id.slice(RESOLVED.length));
      const locale = match?.[1];
      const part = /** @type {Part | undefined} */ (match?.[2]);
      const catalog = locale ? CATALOGS[locale] : undefined;
      if (!locale || !catalog || !part) {
        throw new Error(`Unknown strings module ${id}`);
      }
      // Dev and watch builds regenerate both parts when a catalog or the key list changes.
      this.addWatchFile(catalog.file);
      this.addWatchFile(KEYS_FILE);
      const parts = await splitCatalog(locale);
      return `export default ${JSON.stringify(parts[part])};\n`;
    },
  };
}
