// Lint rules that catch real concurrency bugs: a promise nobody awaits is the
// commonest one, so `no-floating-promises` and `no-misused-promises` are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What Node provides to a module without an import (the `globals` package is not a
// dependency of ours; this is the part our scripts use).
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Atomics',
    'Buffer',
    'SharedArrayBuffer',
    'URL',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'globalThis',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['dist/', 'build/', 'docs/api/', 'node_modules/', 'bench/python/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.examples.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Plain JavaScript (scripts, benchmarks, loader hooks, this file): no tsconfig covers
    // it, so the rules that need type information are off; the rest apply.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: nodeGlobals,
    },
  },
  {
    // The engine room's one rule (docs/architecture.md): nothing in src/internal imports a
    // public folder, so the layers run one way — public rooms over the engines, never back.
    files: ['src/internal/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+(asyncio|futures|threading|multiprocessing|distributed|testing|cli)/|^(\\.\\./)+index\\.js$',
              message:
                'src/internal must not import a public folder: move what both need into src/internal.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ImportExpression[source.value=/^(\\.\\.\\/)+(asyncio|futures|threading|multiprocessing|distributed|testing|cli)\\//]',
          message:
            'src/internal must not import a public folder, not even lazily: move what both need into src/internal.',
        },
      ],
    },
  },
);
