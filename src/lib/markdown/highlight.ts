/**
 * Syntax highlighting with highlight.js: the core, then each language the first time a reply
 * uses it, each language its own chunk (one static `import()` per language so the bundler can
 * split them). highlight.js emits `<span class="hljs-…">` and escapes the code itself; no
 * inline styles, so the Content-Security-Policy needs no 'unsafe-inline'. The caller still
 * sanitizes what comes out.
 *
 * Only this module (and its language chunks) imports highlight.js; it is loaded by enhance.ts
 * when a code block is first on screen.
 */
import hljs from 'highlight.js/lib/core';
import type { LanguageFn } from 'highlight.js';

type Loader = () => Promise<{ default: LanguageFn }>;

// prettier-ignore
const LOADERS: Readonly<Record<string, Loader>> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  clojure: () => import('highlight.js/lib/languages/clojure'),
  cmake: () => import('highlight.js/lib/languages/cmake'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  dart: () => import('highlight.js/lib/languages/dart'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  elixir: () => import('highlight.js/lib/languages/elixir'),
  erlang: () => import('highlight.js/lib/languages/erlang'),
  fsharp: () => import('highlight.js/lib/languages/fsharp'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  groovy: () => import('highlight.js/lib/languages/groovy'),
  haskell: () => import('highlight.js/lib/languages/haskell'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  julia: () => import('highlight.js/lib/languages/julia'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  latex: () => import('highlight.js/lib/languages/latex'),
  less: () => import('highlight.js/lib/languages/less'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  matlab: () => import('highlight.js/lib/languages/matlab'),
  nginx: () => import('highlight.js/lib/languages/nginx'),
  nix: () => import('highlight.js/lib/languages/nix'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  ocaml: () => import('highlight.js/lib/languages/ocaml'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  properties: () => import('highlight.js/lib/languages/properties'),
  protobuf: () => import('highlight.js/lib/languages/protobuf'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  vbnet: () => import('highlight.js/lib/languages/vbnet'),
  vim: () => import('highlight.js/lib/languages/vim'),
  x86asm: () => import('highlight.js/lib/languages/x86asm'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

/** The names models write for the languages above (those highlight.js itself knows, mostly). */
// prettier-ignore
const ALIASES: Readonly<Record<string, string>> = {
  sh: 'bash', zsh: 'bash', ksh: 'bash', 'shell-session': 'shell', console: 'shell',
  h: 'c', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp',
  cs: 'csharp', 'c#': 'csharp', clj: 'clojure', docker: 'dockerfile', ex: 'elixir', exs: 'elixir',
  erl: 'erlang', fs: 'fsharp', 'f#': 'fsharp', golang: 'go', gql: 'graphql', gradle: 'groovy',
  hs: 'haskell', toml: 'ini', cfg: 'ini', conf: 'ini', jl: 'julia', kt: 'kotlin', kts: 'kotlin',
  tex: 'latex', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  node: 'javascript', jsonc: 'json', json5: 'json', make: 'makefile', mk: 'makefile',
  md: 'markdown', mkd: 'markdown', objc: 'objectivec', 'objective-c': 'objectivec', ml: 'ocaml',
  pl: 'perl', pm: 'perl', ps: 'powershell', ps1: 'powershell', pwsh: 'powershell',
  proto: 'protobuf', py: 'python', py3: 'python', python3: 'python', gyp: 'python', rb: 'ruby',
  rs: 'rust', ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  vb: 'vbnet', html: 'xml', xhtml: 'xml', svg: 'xml', vue: 'xml', svelte: 'xml', plist: 'xml',
  yml: 'yaml', asm: 'x86asm', nasm: 'x86asm', postgres: 'sql', postgresql: 'sql', mysql: 'sql',
  sqlite: 'sql', tsql: 'sql', plsql: 'sql',
};

/** Languages another one embeds (HTML's <script> and <style>, a shell session's commands). */
const EMBEDS: Readonly<Record<string, readonly string[]>> = {
  xml: ['css', 'javascript'],
  markdown: ['xml'],
  shell: ['bash'],
  dockerfile: ['bash'],
};

/** The language highlight.js knows for a fence's language name, or undefined (plain text). */
export function highlightLanguage(name: string): string | undefined {
  const lower = name.toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  return Object.hasOwn(LOADERS, canonical) ? canonical : undefined;
}

const loading = new Map<string, Promise<void>>();

/** Loads a language (and those it embeds) once; later calls share the first load. */
export function loadLanguage(language: string): Promise<void> {
  let pending = loading.get(language);
  if (!pending) {
    const loader = LOADERS[language];
    if (!loader) return Promise.reject(new Error(`No highlighter for ${language}`));
    pending = Promise.all([
      loader().then((module) => hljs.registerLanguage(language, module.default)),
      ...(EMBEDS[language] ?? []).map((embedded) => loadLanguage(embedded)),
    ]).then(() => undefined);
    // A failed chunk load (offline before it was cached) may be retried later.
    pending.catch(() => loading.delete(language));
    loading.set(language, pending);
  }
  return pending;
}

export function isLanguageLoaded(language: string): boolean {
  return (
    hljs.getLanguage(language) !== undefined &&
    !(EMBEDS[language] ?? []).some((embedded) => !isLanguageLoaded(embedded))
  );
}

/**
 * Highlighted HTML (highlight.js spans, escaped text) for `code`, synchronously; the language
 * must be loaded. `ignoreIllegals` because a model's code is often a fragment.
 */
export function highlightCode(code: string, language: string): string {
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
