import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import cdkPlugin from 'eslint-plugin-awscdk';
import prettier from 'eslint-config-prettier';

// Type-aware linting against the dev tsconfig (jsii writes tsconfig.json for lib/ only).
const typeAware = {
  projectService: false,
  project: './tsconfig.dev.json',
  tsconfigRootDir: import.meta.dirname,
};

export default defineConfig([
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'dist/**',
      '.venv/**',
      'lib/**/*.d.ts',
      'coverage/**',
      '**/*.mjs',
      'jest.config.js',
      'scripts/**',
    ],
  },
  {
    // jsii's compiled output sits next to the sources; only the hand-written Lambda handlers are linted.
    ignores: ['lib/**/*.js', '!lib/**/handler/**/*.js'],
  },
  {
    files: ['lib/**/handler/**/*.js'],
    extends: [eslint.configs.recommended, prettier],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        URL: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['lib/**/*.ts', 'bin/**/*.ts', 'examples/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommended, prettier],
    languageOptions: {
      parserOptions: typeAware,
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // CDK semantics for the library and the apps built from it; tests and benchmarks build throwaway trees.
    files: ['lib/**/*.ts', 'bin/**/*.ts', 'examples/**/*.ts'],
    extends: [cdkPlugin.configs.recommended],
    languageOptions: {
      parserOptions: typeAware,
    },
    rules: {
      'awscdk/no-mutable-property-of-props-interface': 'error',
      'awscdk/no-mutable-public-property-of-construct': 'error',
      // Presets expose what they create (restApi, stages, webAcl, accessLogGroup) as escape hatches.
      'awscdk/no-construct-in-public-property-of-construct': 'off',
      // Route and stage constructs are keyed by their route key or stage name, which are stable inputs.
      'awscdk/no-variable-construct-id': 'off',
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'awscdk/require-props-default-doc': 'error',
      'awscdk/props-name-convention': 'error',
      'awscdk/require-jsdoc': 'error',
    },
  },
]);
