/**
 * Vite plugin: tells public/boot.js which chunks the first screen needs, so it can fetch them in
 * parallel with the entry (`<link rel="modulepreload">`) instead of one after another (entry,
 * then the strings, then the screen's own chunk). Only boot.js knows, before any module runs,
 * which language and which screen this visit will show (copies in localStorage, see
 * src/lib/utils/theme.ts), so the plugin writes every candidate onto boot.js's <script> tag as
 * data attributes and boot.js preloads only the ones that apply: never a language nobody reads.
 */
// JavaScript with JSDoc types (checked: tsconfig has checkJs), so that vite.config.ts can import
// it with its extension under Vite's native config loader.

/** data-* attribute name -> the source module whose chunk (with its imports) it preloads. */
/** @type {Record<string, string>} */
const FIRST_SCREEN_MODULES = {
  'data-strings-en': 'src/lib/i18n/en.ts',
  'data-strings-zh-cn': 'src/lib/i18n/zh-CN.ts',
  'data-screen-setup': 'src/views/SetupView.svelte',
  'data-screen-chat': 'src/views/ChatView.svelte',
};

/** @returns {import('vite').Plugin} */
export function firstScreenPreload() {
  return {
    name: 'parley:first-screen-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const bundle = context.bundle;
        if (!bundle) return html;
        const tag = /<script src="\.\/boot\.js"><\/script>/;
        if (!tag.test(html)) throw new Error('index.html must load ./boot.js');
        const attributes = Object.entries(FIRST_SCREEN_MODULES).map(([name, module]) => {
          const files = chunkFiles(bundle, module);
          return `${name}="${files.map((file) => `./${file}`).join(' ')}"`;
        });
        return html.replace(tag, `<script src="./boot.js" ${attributes.join(' ')}></script>`);
      },
    },
  };
}

/** The chunk built from `module` and the chunks it imports statically, except the entry's. */
/**
 * @param {import('vite').Rollup.OutputBundle} bundle
 * @param {string} module
 * @returns {string[]}
 */
function chunkFiles(bundle, module) {
  const chunks = Object.values(bundle).filter(
    /** @returns {output is import('vite').Rollup.OutputChunk} */
    (output) => output.type === 'chunk',
  );
  const root = chunks.find((chunk) =>
    chunk.facadeModuleId?.replaceAll('\\', '/').endsWith(`/${module}`),
  );
  if (!root) throw new Error(`No chunk for ${module}: is it still loaded lazily?`);
  const entryFiles = new Set(
    chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName),
  );
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {string} fileName */
  const visit = (fileName) => {
    if (seen.has(fileName) || entryFiles.has(fileName)) return;
    seen.add(fileName);
    const chunk = bundle[fileName];
    if (chunk?.type === 'chunk') chunk.imports.forEach(visit);
  };
  visit(root.fileName);
  return [...seen];
}
