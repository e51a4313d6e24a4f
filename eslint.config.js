import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** Library owners: each heavy dependency is imported in exactly one folder. */
const owners = [
  { lib: 'openai', folder: 'src/lib/api' },
  { lib: 'idb', folder: 'src/lib/storage' },
  { lib: 'marked', folder: 'src/lib/markdown' },
  { lib: 'dompurify', folder: 'src/lib/markdown' },
  { lib: 'highlight.js', folder: 'src/lib/markdown' },
  { lib: 'katex', folder: 'src/lib/markdown' },
  { lib: 'gpt-tokenizer', folder: 'src/lib/models' },
  { lib: 'minisearch', folder: 'src/lib/search' },
  { lib: '@pydantic/genai-prices', folder: 'src/lib/models' },
];

/**
 * Layers: arrows run one way (views -> components; views -> state -> api, storage -> domain).
 * Patterns are matched against the import path as written.
 */
const layers = [
  {
    files: ['src/lib/domain/**/*'],
    patterns: [
      {
        group: ['**/state', '**/state/*', '**/api/*', '**/storage', '**/storage/*'],
        message: 'lib/domain is pure: it imports nothing from state, api or storage.',
      },
      {
        group: ['**/components/*', '**/views/*', 'svelte', 'svelte/*'],
        message: 'lib/domain imports no UI.',
      },
    ],
  },
  {
    files: ['src/lib/components/**/*'],
    patterns: [
      {
        group: ['**/state', '**/state/*', '**/api/*', '**/storage', '**/storage/*'],
        allowTypeImports: true,
        message:
          'Components import no state, api or storage values: what they show comes in props.',
      },
    ],
  },
];

/** Test set-up (fakes, factories, corpora) lives in `testing/` folders that only tests import. */
const TESTING = {
  group: ['**/testing', '**/testing/*'],
  message: 'Only tests import a testing/ folder.',
};

/**
 * One `no-restricted-imports` entry per group of files: a later entry replaces an earlier one for
 * the files both match, so each entry carries everything forbidden there.
 */
function restrictImports(files, forbidden, extra = [], { ignores = [] } = {}) {
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: forbidden.map(({ lib, folder }) => ({
            name: lib,
            message: `Only ${folder} imports ${lib}.`,
          })),
          patterns: [
            ...forbidden.map(({ lib, folder }) => ({
              group: [`${lib}/*`],
              message: `Only ${folder} imports ${lib}.`,
            })),
            ...extra,
          ],
        },
      ],
    },
  };
}

const TESTS = ['**/*.test.ts', '**/testing/**'];

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench/results/'] },
  js.configs.recommended,
  ...ts.configs.strictTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `onclick={() => (open = false)}` and `() => void send()` read clearly; the rule's
      // required braces add noise and catch nothing svelte-check and the types do not.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    // State classes use plain Maps and Sets on purpose for bookkeeping and locals; what renders
    // is declared with $state or SvelteMap explicitly, so the rule only produces noise there.
    files: ['**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    // typescript-eslint cannot see the prop types of imported .svelte components, so callback
    // parameters in templates look like `any` to it. svelte-check (with full types) guards these.
    files: ['**/*.svelte'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['*.js', '*.config.*', 'scripts/**/*.mjs', 'public/**/*.js'],
    ...ts.configs.disableTypeChecked,
  },
  // Later entries win for the files they match: all of src/ may import none of the owned
  // libraries, then each owner folder may import its own, then the layers add their arrows.
  restrictImports(['src/**/*'], owners),
  restrictImports(['src/**/*'], owners, [TESTING], { ignores: TESTS }),
  ...owners.flatMap(({ folder }) => {
    const others = owners.filter((owner) => owner.folder !== folder);
    return [
      restrictImports([`${folder}/**/*`], others),
      restrictImports([`${folder}/**/*`], others, [TESTING], { ignores: TESTS }),
    ];
  }),
  ...layers.map(({ files, patterns }) =>
    restrictImports(files, owners, [...patterns, TESTING], { ignores: TESTS }),
  ),
);
