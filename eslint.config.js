import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Import paths of sibling parts of server/ as seen from one or two folders down
 * (`../packages`, `../packages/x`, `../../packages/x`): what a layer may not import.
 */
function above(...names) {
  return names.flatMap((n) => [`../${n}`, `../${n}/**`, `../../${n}`, `../../${n}/**`]);
}

/** The ban every server file shares: no browser code. */
const SERVER_WIDE = { group: ['**/client/**', 'react', 'react-dom'], message: 'server/ never imports client/: put shared facts in shared/.' };

/** One layer rule of server/: the server-wide ban plus what `files` may not import. */
function serverLayer(files, patterns) {
  return [{ files, rules: { 'no-restricted-imports': ['error', { patterns: [SERVER_WIDE, ...patterns] }] } }];
}

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
  // The layers of server/ (docs/architecture.md): each rule lists what a part may NOT
  // import. Flat config applies the last matching `no-restricted-imports`, so every
  // block repeats the server-wide client/React ban.
  ...serverLayer(['server/**/*.ts'], []),
  // The sync core knows documents, connections and storage — not packages, accounts,
  // exports or HTTP. Only the AuthProvider contract's types may come from auth/.
  ...serverLayer(['server/sync/**/*.ts'], [
    { group: above('packages', 'hooks', 'export', 'import', 'app', 'ws', 'server', 'start', 'main'), message: 'server/sync is the core: rules plug in as hooks (server/hooks), never the reverse.' },
    { group: ['../auth/*', '!../auth/types'], message: 'server/sync may use only the AuthProvider contract (server/auth/types).' },
  ]),
  // Storage back-ends know only their own interface and shared/.
  ...serverLayer(['server/storage/**/*.ts'], [
    { group: above('sync', 'packages', 'hooks', 'auth', 'export', 'import', 'app', 'ws', 'server'), message: 'server/storage implements DocStorage and knows nothing above it.' },
  ]),
  // Hooks are the rules of the write path: they use the sync core's hook types, storage
  // types and shared/, never HTTP routes.
  ...serverLayer(['server/hooks/**/*.ts'], [
    { group: above('packages', 'export', 'import', 'app', 'ws', 'server', 'start'), message: 'server/hooks plug into the sync core; they do not reach into routes.' },
  ]),
  // Exports and imports turn plain packages into files and back: shared/ only (and the worker budget).
  ...serverLayer(['server/export/**/*.ts', 'server/import/**/*.ts'], [
    { group: above('sync', 'packages', 'hooks', 'auth', 'storage', 'app', 'ws', 'server'), message: 'exports and imports work on plain data from shared/, not on rooms or storage.' },
  ]),
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
