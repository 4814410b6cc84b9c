/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    // openapi-typescript's CommonJS build requires a few ES-module-only packages: compiled for jest.
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(.*/node_modules/)?(parse-json|supports-color|change-case|index-to-position)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Snapshots are only written by `npm run test:update-snapshots`, never by the test command.
  ci: true,
  testTimeout: 120000,
};
