// One Jest run for every service: unit specs beside the code (src/**/*.spec.ts) and
// integration/e2e specs (test/**/*.spec.ts) against real PostgreSQL.
// NestJS 12 and a few of its dependencies ship ESM only; @swc/jest compiles them to CommonJS.
const esm = ['@nestjs', 'mercurius', 'quick-lru', 'content-disposition', 'cookie', '@fastify/cookie', 'canonicalize', 'commander', 'openid-client', 'oauth4webapi', 'jose'];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/services/*/src/**/*.spec.ts', '<rootDir>/services/*/test/**/*.spec.ts', '<rootDir>/policies/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { swcrc: false, ...require('./swc.config.js') }],
    '^.+\\.[mc]?js$': [
      '@swc/jest',
      { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:.*/node_modules/)?(?:${esm.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    '^@gatehouse/(shared|identity|pipelines|policy|audit|integrations|api|cli)$': '<rootDir>/services/$1/src/index.ts',
  },
  globalSetup: '<rootDir>/services/shared/src/testing/jest-global-setup.ts',
  globalTeardown: '<rootDir>/services/shared/src/testing/jest-global-teardown.ts',
  testTimeout: 30000,
};
