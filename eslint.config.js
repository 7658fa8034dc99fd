import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const engineImports = ['electron', 'electron/*', 'react', 'react-dom', 'react-dom/*', 'zustand', '@tanstack/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'scratch/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // Layer: core/ is plain TypeScript — no Electron, React or DOM, no renderer code.
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: engineImports, message: 'core/ must not import UI or Electron code.' },
            { group: ['**/renderer/**', '**/electron/**'], message: 'core/ must not import renderer/ or electron/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'navigator'],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use the Random port.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use the Clock port.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the Clock port.' },
        { selector: "CallExpression[callee.name='setTimeout']", message: 'Use clock.setTimer / clock.sleep.' },
      ],
    },
  },
  // No import cycles in core/ (the engine once imported the simulator that builds an engine).
  // Imports name the .js a .ts file compiles to; the resolver maps them back.
  {
    files: ['core/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // The ports' real adapters (clock, random, database drivers) may use real time.
  {
    files: ['core/ports/clock.ts', 'core/ports/random.ts', 'core/db/pglite.ts', 'core/db/postgres.ts', 'core/db/pg-listen.ts', 'core/cli/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // Layer: renderer/ sees only the contract in core/api.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+core/(?!api(/|$))',
              message: 'renderer/ may import only core/api (the contract).',
            },
            { group: ['electron', 'electron/*', 'node:*', 'pg', '@electric-sql/*', 'ollama'], message: 'renderer/ runs in the browser sandbox.' },
          ],
        },
      ],
    },
  },
  // electron/ wires the contract to IPC; it holds no business rules and never reaches into the engine's insides.
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'electron/ does not import renderer code.' }] },
      ],
    },
  },
);
