/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/integrations/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  // NestJS 12 and parts of its graph ship as ES modules only; Jest's CommonJS runtime needs them
  // transformed. Temporal's packages are CommonJS and large, so they are left alone.
  transform: { '^.+\\.(t|j)s$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: ['/node_modules/(@temporalio|typescript|@swc|pg|pg-[a-z-]+|pino|pino-[a-z-]+)/'],
  testTimeout: 120_000,
  reporters: ['default'],
};
