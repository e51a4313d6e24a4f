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
];

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
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    files: ['*.js', '*.config.*', 'scripts/**/*.mjs'],
    ...ts.configs.disableTypeChecked,
  },
  ...owners.map(({ lib, folder }) => ({
    files: ['src/**/*'],
    ignores: [`${folder}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: lib, message: `Only ${folder} imports ${lib}.` }], patterns: [`${lib}/*`] },
      ],
    },
  })),
);
