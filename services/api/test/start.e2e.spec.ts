import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/shared';

const MAIN = join(__dirname, '..', 'dist', 'main.js');


function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Starts `node dist/main.js` exactly as `npm start` does, with no DATABASE_URL: the embedded path. */
function startApi(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const cleanEnv = { ...process.env };
  delete cleanEnv.DATABASE_URL;
  delete cleanEnv.TEST_DATABASE_URL;
  const child = spawn(process.execPath, [MAIN], { env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('API ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited with ${code} before it was ready:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const BOOTSTRAP_TOKEN = 'e2e-bootstrap-token-0123456789abcdef0123456789';

async function graphql(port: number, query: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('npm start on the embedded database (real start path)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let apiPort: number;
  let pgPort: number;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build:services\` first (npm test does).`);
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
    await chmod(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
    apiPort = await freePort();
    pgPort = await freePort();
    env = { GATEHOUSE_DATA_DIR: dataDir, PORT: String(apiPort), EMBEDDED_POSTGRES_PORT: String(pgPort), LOG_LEVEL: 'warn', NODE_ENV: 'development', GATEHOUSE_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN };
  });

  afterAll(async () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(running.map(exited));
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves /healthz and /readyz, seeds the demo bank, survives a SIGKILL, and stops cleanly on SIGTERM', async () => {
    const first = startApi(env);
    running.push(first.child);
    await first.ready;

    expect(await (await fetch(`http://127.0.0.1:${apiPort}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const anonymous = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ applications { totalCount } }' }),
    });
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');

    const seeded = await graphql(apiPort, '{ applications(first: 50) { totalCount edges { node { name environments { name regulated } } } } }');
    const names = (seeded.data!.applications as { edges: { node: { name: string } }[] }).edges.map((e) => e.node.name);
    expect(names).toEqual(expect.arrayContaining(['payments-api', 'mobile-banking', 'ledger']));
    const payments = (seeded.data!.applications as { edges: { node: { name: string; environments: { name: string; regulated: boolean }[] } }[] }).edges.find(
      (e) => e.node.name === 'payments-api',
    )!.node;
    expect(payments.environments).toEqual([
      { name: 'dev', regulated: false },
      { name: 'staging', regulated: false },
      { name: 'prod', regulated: true },
    ]);

    // The demo history went through the real services: decided by the repository's policies and audited.
    const history = await graphql(apiPort, '{ promotions(first: 100) { edges { node { application version environment state emergency } } } }');
    const promotions = (history.data!.promotions as { edges: { node: Record<string, unknown> }[] }).edges.map((e) => e.node);
    expect(promotions).toEqual(
      expect.arrayContaining([
        { application: 'payments-api', version: '1.4.0', environment: 'prod', state: 'DEPLOYED', emergency: false },
        { application: 'payments-api', version: '1.5.0', environment: 'prod', state: 'PENDING_APPROVAL', emergency: false },
        { application: 'mobile-banking', version: '2.3.0', environment: 'prod', state: 'DEPLOYED', emergency: false },
        { application: 'fraud-scoring', version: '0.9.0', environment: 'staging', state: 'DENIED', emergency: false },
        { application: 'fraud-scoring', version: '0.8.2', environment: 'staging', state: 'ROLLED_BACK', emergency: false },
        { application: 'mobile-banking', version: '2.3.1', environment: 'prod', state: 'DEPLOYED', emergency: true },
      ]),
    );

    const created = await graphql(apiPort, 'mutation { createApplication(input: { name: "kept-across-restarts", team: "qa", environments: [{ name: "dev", tier: DEVELOPMENT }] }) { id } }');
    expect(created.errors).toBeUndefined();

    // A SIGKILL leaves the embedded postmaster orphaned and holding its port; the next start must cope.
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(await portIsFree(pgPort)).toBe(false);

    const second = startApi(env);
    running.push(second.child);
    await second.ready;
    const after = await graphql(apiPort, '{ applications(first: 50) { totalCount edges { node { name } } } }');
    const afterNames = (after.data!.applications as { edges: { node: { name: string } }[] }).edges.map((e) => e.node.name);
    expect(afterNames).toContain('kept-across-restarts');
    expect(afterNames.filter((n) => n === 'payments-api')).toHaveLength(1); // not seeded twice

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(await portIsFree(pgPort)).toBe(true);
  }, 120_000);

  it('refuses to start with a bad configuration, naming every bad variable', async () => {
    const bad = startApi({ ...env, PORT: 'eighty', LOG_LEVEL: 'loud' });
    running.push(bad.child);
    await expect(bad.ready).rejects.toThrow(/PORT="eighty".*\n.*LOG_LEVEL="loud"|LOG_LEVEL="loud".*\n.*PORT="eighty"/);
    expect(bad.child.exitCode).toBe(78);
  });

  it('says why when the embedded database port is taken', async () => {
    const blocker = createServer();
    const blockedPort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(blockedPort, '127.0.0.1', () => resolve()));
    try {
      const blocked = startApi({ ...env, EMBEDDED_POSTGRES_PORT: String(blockedPort), GATEHOUSE_DATA_DIR: join(dataDir, 'other') });
      running.push(blocked.child);
      await expect(blocked.ready).rejects.toThrow(new RegExp(`Port ${blockedPort} for the embedded PostgreSQL is already in use`));
    } finally {
      blocker.close();
    }
  });
});
