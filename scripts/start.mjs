#!/usr/bin/env node
// `npm start`: builds what is missing (Nx caches the rest), then runs the API and the portal
// side by side. With no DATABASE_URL the API starts an embedded PostgreSQL with demo data.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = process.env.PORT ?? '4000';
const portalPort = process.env.GATEHOUSE_PORTAL_PORT ?? '3000';
const host = process.env.HOST ?? '127.0.0.1';
const apiUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${apiPort}`;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NEXT_TELEMETRY_DISABLED: '1' };
const say = (line) => process.stderr.write(`[gatehouse] ${line}\n`);
const children = new Set();

function run(command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function finished(child) {
  return new Promise((resolve, reject) =>
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${child.spawnargs.join(' ')} exited with ${code ?? signal}`)))),
  );
}

// Stop every child and wait for them: the API must get to stop its embedded PostgreSQL, which
// it cannot do if this process exits first and takes the API's output pipes with it.
let stopping = false;
function stopAll(code) {
  process.exitCode ??= code;
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      process.exit(process.exitCode);
    }
  }, 100);
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 20_000).unref();
}
process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));

const nx = join(root, 'node_modules', '.bin', 'nx');
try {
  // The API first (seconds); the portal builds while the API starts its database.
  await finished(run(nx, ['run', 'api:build', '--output-style=static'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  const webBuild = finished(run(nx, ['run', 'web:build', '--output-style=static'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  const api = run(process.execPath, ['services/api/dist/main.js']);
  api.once('exit', (code) => {
    if (children.size > 0) say(`the API stopped (${code}); stopping the portal`);
    stopAll(code ?? 1);
  });
  await webBuild;
  const portal = run(join(root, 'node_modules', '.bin', 'next'), ['start', 'web', '-p', portalPort, '-H', host], {
    env: { ...env, GATEHOUSE_API_URL: apiUrl, PORT: portalPort },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  portal.once('exit', (code) => {
    if (children.size > 0) say(`the portal stopped (${code}); stopping the API`);
    stopAll(code ?? 1);
  });
  const portalUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${portalPort}`;
  // Announce once both answer, so the URLs printed last are ones that work.
  for (let i = 0; i < 600 && !stopping; i++) {
    const up = await Promise.all([`${apiUrl}/readyz`, portalUrl].map((url) => fetch(url).then((r) => r.ok, () => false)));
    if (up.every(Boolean)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!stopping) say(`Gatehouse is ready. Portal: ${portalUrl}  API: ${apiUrl}/graphql`);
} catch (error) {
  say(`could not start: ${error.message}`);
  stopAll(1);
}
