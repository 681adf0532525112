import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SERVICES_DIR = resolve(__dirname, '..', '..');
const SERVICES = readdirSync(SERVICES_DIR).filter((name) => statSync(join(SERVICES_DIR, name)).isDirectory());

/** Which services each service may import (through their public index only). */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  audit: ['shared'],
  identity: ['shared', 'audit'],
  policy: ['shared', 'audit'],
  pipelines: ['shared', 'audit', 'identity', 'policy'],
  integrations: ['shared', 'audit', 'identity', 'pipelines', 'policy'],
  api: ['shared', 'identity', 'pipelines', 'policy', 'audit', 'integrations'],
  cli: ['shared', 'policy', 'audit'],
};

/** The system tests in services/api/test drive the whole product, the CLI included. */
const TEST_HARNESS_ALLOWED: Record<string, string[]> = { api: ['cli'] };

function allowedFor(service: string, file: string): string[] {
  const inTests = file.includes(`${sep}${service}${sep}test${sep}`);
  return [...ALLOWED[service]!, ...(inTests ? (TEST_HARNESS_ALLOWED[service] ?? []) : [])];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers;
}

describe('service boundaries', () => {
  it('knows every service folder', () => {
    expect(SERVICES.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(SERVICES)('%s imports other services only through their public index, and only those it may', (service) => {
    const root = join(SERVICES_DIR, service);
    const violations: string[] = [];
    for (const file of sourceFiles(root)) {
      for (const specifier of importsOf(file)) {
        const where = `${relative(SERVICES_DIR, file)} imports '${specifier}'`;
        const packaged = /^@gatehouse\/([^/]+)(\/.*)?$/.exec(specifier);
        if (packaged) {
          const [, target, deep] = packaged;
          if (target === service) violations.push(`${where}: a service imports itself by relative path`);
          else if (deep) violations.push(`${where}: deep import; use '@gatehouse/${target}'`);
          else if (!allowedFor(service, file).includes(target!)) violations.push(`${where}: ${service} may not depend on ${target}`);
        } else if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!target.startsWith(root + sep)) violations.push(`${where}: reaches outside services/${service} by path`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
