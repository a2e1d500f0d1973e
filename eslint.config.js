// Lint keeps the module boundaries honest so that extracting a module stays possible.
// The architecture rules live in eslint-rules/ and are explained in docs/adr/0008.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import architecture from './eslint-rules/index.js';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'coverage/**', 'dist/**', '.data/**', 'reports/**', '.stryker-tmp/**', 'migrations/**', 'test/architecture/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      // TypeScript checks undefined names in .ts files; the few .js files are tooling on Node.
      globals: Object.fromEntries(
        ['process', 'console', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'URL', 'Buffer', 'fetch', 'structuredClone'].map((g) => [g, 'readonly']),
      ),
    },
    plugins: { architecture },
    rules: {
      'architecture/public-entry': 'error',
      'architecture/shared-independent': 'error',
      'architecture/no-module-cycle': 'error',
      'architecture/no-foreign-tables': 'error',
      'architecture/no-foreign-sql': 'error',
      'architecture/no-composition-root': 'error',
      'architecture/kernel-entry': 'error',
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and tooling read loosely typed JSON bodies; `any` there is the honest type.
    files: ['test/**/*.ts', 'src/**/test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
