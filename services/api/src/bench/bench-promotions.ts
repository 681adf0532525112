import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@gatehouse/shared';

/**
 * The promotions benchmark: `npm run bench:promotions`.
 *
 * Starts the built API as its own process (NODE_ENV=production, the repository's policies) on
 * a throwaway database of DATABASE_URL's server, prepares BENCH_CHANGES changes deployed up to
 * staging (one through the API, the rest cloned in SQL so that setup takes seconds), then has
 * BENCH_CLIENTS concurrent clients request their promotion into prod over HTTP: every request
 * authenticates a token, assembles the input document, evaluates the production policy (six
 * rules), stores the decision and its input, records three audit events and commits. Prints
 * requests/s, p50, p90, p99 and max, after BENCH_WARMUP requests that are not counted.
 * Env: DATABASE_URL, BENCH_CHANGES (12000), BENCH_WARMUP (1000), BENCH_CLIENTS (32), BENCH_API_NODE_ARGS
 * (extra node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHANGES = Number(process.env.BENCH_CHANGES ?? 12_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const ROOT = resolve(__dirname, '../../../..');

const say = (line: string) => console.log(`[bench:promotions] ${line}`);

async function main(): Promise<void> {
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const sync = (await admin.query('SHOW synchronous_commit')).rows[0].synchronous_commit;
  say(`database ${name} on ${url.host}; synchronous_commit=${sync}; ${CHANGES} changes, ${CLIENTS} clients, ${WARMUP} warm-up requests`);
  let api: ChildProcess | undefined;
  const db = new Client({ connectionString: url.toString() });
  try {
    const port = await freePort();
    const bootstrap = randomBytes(24).toString('hex');
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    api = spawn(process.execPath, [...nodeArgs, resolve(ROOT, 'services/api/dist/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: url.toString(),
        GATEHOUSE_BOOTSTRAP_TOKEN: bootstrap,
        GATEHOUSE_AUDIT_SIGNING_KEY: signingKey,
        GATEHOUSE_POLICIES_DIR: resolve(ROOT, 'policies'),
        GATEHOUSE_RATE_LIMIT_PER_MINUTE: '10000000',
        GATEHOUSE_DEMO_DATA: 'false',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base);
    await db.connect();

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads a few known fields of known operations
    type Data = Record<string, any>;
    const graphql = async (query: string, variables: Record<string, unknown>, token: string): Promise<Data> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
      if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data!;
    };

    // A CI token of a developer, as a pipeline would use.
    await graphql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { username: 'ci', displayName: 'CI', roles: ['DEVELOPER'] } }, bootstrap);
    const token = (await graphql('mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', { input: { user: 'ci', name: 'bench', scopes: ['READ', 'WRITE'] } }, bootstrap))
      .createApiToken.token as string;
    await graphql(
      'mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }',
      {
        input: {
          name: 'bench',
          team: 'payments-platform',
          tier: 'CRITICAL',
          environments: [
            { name: 'dev', tier: 'DEVELOPMENT' },
            { name: 'staging', tier: 'STAGING' },
            { name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'Europe/London' },
          ],
        },
      },
      bootstrap,
    );

    // One change walked through the API to staging: the template the others are cloned from.
    const setup = process.hrtime.bigint();
    const template = (
      await graphql(
        'mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id } }',
        {
          input: {
            application: 'bench',
            version: 'template',
            commits: [{ sha: 'c0ffee0123456', author: 'alice', message: 'Change the ledger' }],
            artifactDigest: `sha256:${'ab'.repeat(32)}`,
            title: 'Ledger change',
            ticket: 'CHG-1',
            labels: [],
            changedPaths: ['payments/ledger.ts'],
            linesAdded: 40,
            linesRemoved: 4,
          },
        },
        token,
      )
    ).registerChange.id as string;
    await graphql('mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }', { input: { change: template, kind: 'TESTS', tests: { passed: 812, failed: 0, skipped: 3 } } }, token);
    for (const environment of ['dev', 'staging']) {
      const promotion = (await graphql('mutation($input: RequestPromotionInput!) { requestPromotion(input: $input) { id state } }', { input: { change: template, environment } }, token)).requestPromotion;
      if (promotion.state !== 'APPROVED') throw new Error(`template promotion into ${environment} is ${promotion.state}`);
      await graphql('mutation($input: ReportDeploymentInput!) { reportDeployment(input: $input) { id } }', { input: { promotion: promotion.id, status: 'SUCCEEDED' } }, token);
    }
    const ids = await cloneDeployedToStaging(db, template, CHANGES);
    say(`prepared ${ids.length} changes deployed in staging in ${elapsed(setup).toFixed(1)} s`);

    // The load: CLIENTS clients, each taking the next change, requesting it into prod.
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    let measuredFrom = 0n;
    let cpuFrom: CpuSample | undefined;
    const outcomes = new Map<string, number>();
    const body = (change: string) => JSON.stringify({ query: REQUEST, variables: { input: { change, environment: 'prod', reason: 'bench' } } });
    const worker = async () => {
      while (next < ids.length) {
        const index = next++;
        if (index === WARMUP) {
          measuredFrom = process.hrtime.bigint();
          void cpuSample(db, api!.pid!, name).then((sample) => (cpuFrom = sample));
        }
        const started = process.hrtime.bigint();
        const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body(ids[index]!) });
        const result = (await response.json()) as { data?: { requestPromotion: { state: string } }; errors?: unknown[] };
        const took = Number(process.hrtime.bigint() - started) / 1e6;
        if (result.errors || !result.data) {
          failures++;
          if (failures <= 3) say(`failed: ${JSON.stringify(result.errors)}`);
          continue;
        }
        if (index >= WARMUP) {
          latencies.push(took);
          outcomes.set(result.data.requestPromotion.state, (outcomes.get(result.data.requestPromotion.state) ?? 0) + 1);
        }
      }
    };
    const load = process.hrtime.bigint();
    await Promise.all(Array.from({ length: CLIENTS }, worker));
    const measured = elapsed(measuredFrom || load);
    const cpuTo = await cpuSample(db, api.pid!, name);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    say(`requestPromotion over HTTP, ${CLIENTS} concurrent clients: ${latencies.length} requests in ${measured.toFixed(2)} s`);
    say(`  throughput ${(latencies.length / measured).toFixed(0)} requests/s`);
    say(`  latency p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`);
    if (cpuFrom && cpuTo) {
      const perRequest = (from: Map<number, number>, to: Map<number, number>) => {
        let ticks = 0;
        for (const [pid, t] of to) ticks += t - (from.get(pid) ?? 0);
        return ((ticks * 10) / latencies.length).toFixed(2); // 100 ticks a second
      };
      say(`  CPU per request: API ${perRequest(cpuFrom.api, cpuTo.api)} ms, PostgreSQL backends ${perRequest(cpuFrom.backends, cpuTo.backends)} ms (from /proc)`);
    }
    say(`  outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, failures ${failures}`);
    const stored = await db.query(
      `SELECT (SELECT count(*) FROM pipelines.decision)::int AS decisions, (SELECT count(*) FROM policy.decision_input)::int AS inputs, (SELECT count(*) FROM audit.event WHERE action = 'decision.made')::int AS audited`,
    );
    say(`  stored: ${JSON.stringify(stored.rows[0])}`);
    say(`  load average after the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores; the API, PostgreSQL and this client share them)`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api!.once('exit', r));
    }
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const REQUEST = 'mutation($input: RequestPromotionInput!) { requestPromotion(input: $input) { id state decision { outcome } } }';

/** CPU time (clock ticks) of the API process and of this database's PostgreSQL backends, from /proc (Linux, same machine). */
interface CpuSample {
  api: Map<number, number>;
  backends: Map<number, number>;
}

const ticksOf = (pid: number): number | undefined => {
  try {
    // Fields after the command (which may hold spaces) start at state: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
};

async function cpuSample(db: Client, apiPid: number, database: string): Promise<CpuSample | undefined> {
  const api = ticksOf(apiPid);
  if (api === undefined) return undefined;
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  const backends = new Map<number, number>();
  for (const { pid } of rows as { pid: number }[]) {
    const ticks = ticksOf(pid);
    if (ticks !== undefined) backends.set(pid, ticks);
  }
  return { api: new Map([[apiPid, api]]), backends };
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function waitUntilReady(base: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the API at ${base} did not become ready`);
}

/** Clones the template change (commits, evidence, its deployed staging promotion) `count` times, in SQL. */
async function cloneDeployedToStaging(db: Client, template: string, count: number): Promise<string[]> {
  await db.query('BEGIN');
  const { rows } = await db.query(
    `INSERT INTO pipelines.change (application_id, version, content_hash, artifact_digest, title, ticket, labels, changed_paths, lines_added, lines_removed, registered_by)
     SELECT application_id, 'bench-' || g, content_hash, artifact_digest, title, ticket, labels, changed_paths, lines_added, lines_removed, registered_by
       FROM pipelines.change, generate_series(1, $2) g WHERE id = $1
     RETURNING id`,
    [template, count],
  );
  const ids = rows.map((r) => r.id as string);
  await db.query(
    `INSERT INTO pipelines.change_commit (change_id, position, sha, author, message)
     SELECT n, c.position, c.sha, c.author, c.message FROM pipelines.change_commit c, unnest($2::uuid[]) n WHERE c.change_id = $1`,
    [template, ids],
  );
  await db.query(
    `INSERT INTO pipelines.evidence (change_id, kind, check_name, payload, source, url, attached_by)
     SELECT n, e.kind, e.check_name, e.payload, e.source, e.url, e.attached_by FROM pipelines.evidence e, unnest($2::uuid[]) n WHERE e.change_id = $1`,
    [template, ids],
  );
  await db.query(
    `WITH staging AS (
       SELECT p.* FROM pipelines.promotion p JOIN pipelines.environment e ON e.id = p.environment_id WHERE p.change_id = $1 AND e.name = 'staging'
     ), cloned AS (
       INSERT INTO pipelines.promotion (change_id, application_id, environment_id, source_environment_id, state, reason, requested_by, requested_by_username, requested_by_name, requested_by_kind)
       SELECT n, s.application_id, s.environment_id, s.source_environment_id, 'DEPLOYED', 'bench', s.requested_by, s.requested_by_username, s.requested_by_name, s.requested_by_kind
         FROM staging s, unnest($2::uuid[]) n
       RETURNING id, application_id, environment_id
     )
     INSERT INTO pipelines.deployment (promotion_id, application_id, environment_id, status, reported_by, reported_by_username, reported_by_name)
     SELECT c.id, c.application_id, c.environment_id, 'SUCCEEDED', 'bench', 'bench', 'Bench' FROM cloned c`,
    [template, ids],
  );
  await db.query('COMMIT');
  await db.query('ANALYZE');
  return ids;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
