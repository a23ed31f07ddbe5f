// ESLint flat config: typescript-eslint's `recommended` set plus a few type-aware rules that catch real
// bugs in a server (a promise nobody awaits loses its error and can crash the process on rejection).
// Formatting is Prettier's job (`npm run format`); eslint-config-prettier switches off every stylistic
// rule that could disagree with it. Run with `npm run lint` (also part of `npm test`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.ferry-test-*/', '.build-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The console's TSX is checked with the same type-aware rules under its own tsconfig. The two
    // tsconfigs are named (not found by the project service): one program each, ~15 % faster here, and a
    // .ts file outside both is an error rather than a slow default program.
    // `npm run lint` caches results by file content (node_modules/.cache/eslint/): a re-run lints only
    // changed files (~6 s instead of ~36 s on this 2-core VM). A type change can make an unchanged file
    // wrong and the cache would not see it; CI lints a clean clone, without a cache, so it always does.
    files: ['**/*.ts', 'console/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './console/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware: an un-awaited promise drops its rejection (and since Node 15 an unhandled rejection
      // ends the process); a promise passed where a void callback is expected does the same.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's top-level test()/describe()/it() return promises the runner itself tracks.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try/catch/finally skips the catch and runs the finally too early.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Throwing or rejecting with a non-Error loses the stack the InternalFailure log line needs
      // (rethrowing a caught `unknown` is fine).
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A switch over a union (DomainError kinds, action names, storage kinds) must name every member, so
      // a new member cannot silently fall through to a default answer.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // "[object Object]" in a message or a queue URL is always a bug.
      '@typescript-eslint/no-base-to-string': 'error',
      eqeqeq: ['error', 'smart'],
      // `_`-prefixed names are deliberately unused (interface-shaped callbacks, destructuring to omit).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        module: 'writable',
        require: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  prettier,
);
