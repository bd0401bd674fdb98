import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** `it.only`, `describe.only`, `test.only`: a focused test silently turns every other test off. */
const focusedTests = ['it', 'describe', 'test', 'bench'].map((object) => ({
  object,
  property: 'only',
  message: 'A focused test hides every other test; remove .only before committing.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'docs/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // shared/ is the pure core: no DOM, no I/O, no timers (tldraw lints its core the same way),
    // and it imports neither side of the wire.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'window', 'document', 'process'],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'react', 'react-dom', 'hono', 'hono/*'], message: 'shared/ is pure: no I/O, no DOM, no framework.' },
            { group: ['**/server/**', '**/client/**'], message: 'shared/ is imported by client and server, never the reverse.' },
          ],
        },
      ],
    },
  },
  {
    // The browser app talks to the server only over the wire; the facts both sides
    // need live in shared/protocol.
    files: ['client/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', 'node:*'], message: 'client/ never imports server/: put wire facts in shared/protocol.' }] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/client/**', 'react', 'react-dom'], message: 'server/ never imports client/: put shared facts in shared/.' }] }],
    },
  },
  {
    files: ['client/**/*.tsx', 'client/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: {
      'no-restricted-properties': ['error', ...focusedTests],
    },
  },
);
