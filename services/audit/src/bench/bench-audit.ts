import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '@gatehouse/shared';
import { auditEntities, auditMigrations } from '../index';
import { AuditRecorder, recordAuditEvents } from '../audit-event/audit-event.recorder';
import { AuditActorKind, type AuditEventInput } from '../audit-event/audit-event.types';
import { AuditEventRepository } from '../audit-event/audit-event.repository';
import { AuditEventService } from '../audit-event/audit-event.service';
import { AuditChainService } from '../chain/audit-chain.service';
import { ChainVerifier } from '../chain/audit-chain.verifier';
import { AuditSealer } from '../chain/audit-sealer';
import { AuditSigner } from '../checkpoint/audit-signer';
import { AuditExportService } from '../export/audit-export.service';
import { verifyAuditExport } from '../export/audit-export.verifier';
import { canonicalJson } from '../chain/audit-chain.canonical';

/**
 * The audit benchmark: `node --expose-gc services/audit/dist/bench/bench-audit.js` (after building).
 * Creates a throwaway database on DATABASE_URL's server, generates a history, measures
 * append throughput with concurrent writers, chain verification, filtered newest-50 reads
 * and a full export, prints the figures and drops the database.
 * Env: DATABASE_URL, BENCH_EVENTS (1000000), BENCH_WRITERS (64), BENCH_APPEND_SECONDS (15),
 * BENCH_COMMIT_DELAY_US (500: the server's commit_delay for the group-commit runs),
 * BENCH_RETAINED_MONTHS (84: monthly partitions created before this month, as 7 years of retention leave).
 *
 * Appends, each for BENCH_APPEND_SECONDS with BENCH_WRITERS writers and synchronous_commit on:
 * one event per transaction inside a caller's transaction (BEGIN, INSERT, COMMIT: what every
 * audited action does), the same with PostgreSQL's group commit (commit_delay/commit_siblings,
 * a server setting, set here on the writers' sessions only), standalone events
 * (AuditRecorder.recordStandalone: each call returns once its event is durable, and concurrent
 * calls share commits), and 10 and 50 events per transaction. The standalone run is made twice:
 * with the sealer in the writers' process (one replica), and with the sealer in a process of its
 * own (this file with `--sealer`), as when a deployment runs two replicas and the other one holds
 * the sealer lock: the sealer's hashing then no longer shares the writers' event loop, though it
 * still shares the machine's two cores; and a third time with the sealer paused until the
 * writers stop (the append path alone, then how fast the sealer catches up).
 */
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 64);
const APPEND_SECONDS = Number(process.env.BENCH_APPEND_SECONDS ?? 15);
const COMMIT_DELAY_US = Number(process.env.BENCH_COMMIT_DELAY_US ?? 500);
const RETAINED_MONTHS = Number(process.env.BENCH_RETAINED_MONTHS ?? 84);
const ACTORS = 2000;
const SUBJECTS = 100_000;

const SEALER_OPTIONS = { checkpointEveryEvents: 1000, checkpointEverySeconds: 60, batchSize: 10_000 };

const figures: Record<string, unknown> = {};
const say = (line: string) => console.log(`[bench:audit] ${line}`);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function main(): Promise<void> {
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const setting = async (key: string) => (await admin.query('SELECT current_setting($1) AS value', [key])).rows[0].value as string;
  figures.server = {
    version: await setting('server_version'),
    sharedBuffers: await setting('shared_buffers'),
    synchronousCommit: await setting('synchronous_commit'),
    fsync: await setting('fsync'),
    cores: cpus().length,
  };
  say(`database ${name} on ${url.host}; ${JSON.stringify(figures.server)}`);
  let dataSource: DataSource | undefined;
  let sealer: AuditSealer | undefined;
  try {
    await runMigrations(url.toString(), auditMigrations);
    // A deployment keeping 7 years has ~85 monthly partitions; queries that cannot prune pay for
    // each one, so the reads below run against that many (the generated events all land in this month).
    const setup = new Client({ connectionString: url.toString() });
    await setup.connect();
    await setup.query(`SELECT audit.create_month_partitions(((now() AT TIME ZONE 'UTC') - make_interval(months => $1))::date, (now() AT TIME ZONE 'UTC')::date)`, [
      RETAINED_MONTHS,
    ]);
    figures.partitions = Number((await setup.query(`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'audit.event'::regclass`)).rows[0].n);
    await setup.end();
    // The sealer, generation and reads; each append run opens its own pool of WRITERS connections.
    dataSource = await new DataSource({ type: 'postgres', url: url.toString(), entities: auditEntities, logging: false, extra: { max: 4 } }).initialize();
    // The key is shared with the sealer process of the own-process run: one signer throughout.
    const signerKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signer = new AuditSigner(signerKeyPem);
    const repository = new AuditEventRepository(dataSource);
    sealer = new AuditSealer(dataSource, signer, SEALER_OPTIONS);

    await generate(dataSource, sealer, repository);
    await append(url.toString(), repository, sealer, signerKeyPem);
    await sealer.stop();
    // This server runs with autovacuum off; a production one analyzes on its own.
    await dataSource.query('VACUUM ANALYZE audit.event, audit.chain, audit.checkpoint');
    const total = (await repository.chainState()).headSeq;
    await verify(repository, signer, total);
    await reads(repository, dataSource);
    await exportAll(repository, total);

    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await sealer?.stop().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    say(`dropped ${name}`);
  }
}

/** Inserts EVENTS events with SQL (what writers would have committed), then lets the sealer chain them. */
async function generate(dataSource: DataSource, sealer: AuditSealer, repository: AuditEventRepository): Promise<void> {
  say(`generating ${EVENTS} events...`);
  const start = process.hrtime.bigint();
  const chunk = 100_000;
  for (let from = 1; from <= EVENTS; from += chunk) {
    const to = Math.min(EVENTS, from + chunk - 1);
    await dataSource.query(
      `INSERT INTO audit.event (id, occurred_at, actor_kind, actor_id, actor_display_name, actor_ip, actor_user_agent, action,
                                subject_type, subject_id, application, environment, data, request_id)
       SELECT gen_random_uuid(), now() - interval '365 days' + (i * interval '31 seconds'), 'USER', 'user-' || (i * 7919 % $3),
              'User ' || (i * 7919 % $3), '10.0.' || (i % 250) || '.' || (i % 200), 'gatehouse-cli/1.0',
              (ARRAY['promotion.requested','decision.made','approval.granted','deployment.succeeded','change.registered','evidence.attached'])[1 + i % 6],
              'change', 'chg-' || (i * 104729 % $4), 'app-' || (i % 50), (ARRAY['dev','staging','prod'])[1 + i % 3],
              jsonb_build_object('n', i, 'reason', 'benchmark event ' || i, 'risk', i % 5, 'paths', jsonb_build_array('src/a.ts', 'payments/b.ts')),
              'req-' || i
         FROM generate_series($1::bigint, $2::bigint) AS i`,
      [from, to, ACTORS, SUBJECTS],
    );
  }
  const inserted = seconds(start);
  const sealStart = process.hrtime.bigint();
  sealer.start();
  while ((await repository.chainState()).pendingCount > 0) await sleep(200);
  const sealedIn = seconds(sealStart);
  figures.generation = {
    events: EVENTS,
    insertSeconds: round(inserted),
    sealSeconds: round(sealedIn),
    sealEventsPerSecond: Math.round(EVENTS / sealedIn),
    totalSeconds: round(inserted + sealedIn),
  };
  say(`generated: insert ${round(inserted)} s, seal ${round(sealedIn)} s (${Math.round(EVENTS / sealedIn)} events/s)`);
}

/** AppendRun is one append measurement: how events are written, and on which connections. */
interface AppendRun {
  key: string;
  perTransaction: number;
  /** `transaction`: recordAuditEvents inside dataSource.transaction (BEGIN, INSERT, COMMIT); `standalone`: recordStandalone (group-committed). */
  mode: 'transaction' | 'standalone';
  groupCommit: boolean;
  /**
   * Where the sealer runs meanwhile: in this process (the default), in a process of its own, or
   * nowhere until the writers stop (`paused`: the append path alone; the sealer then catches up).
   */
  sealer?: 'own-process' | 'paused';
}

const APPEND_RUNS: AppendRun[] = [
  { key: 'appendOneEventPerTransaction', perTransaction: 1, mode: 'transaction', groupCommit: false },
  { key: 'appendOneEventPerTransactionGroupCommit', perTransaction: 1, mode: 'transaction', groupCommit: true },
  { key: 'appendStandaloneEvent', perTransaction: 1, mode: 'standalone', groupCommit: false },
  { key: 'appendStandaloneEventSealerInOwnProcess', perTransaction: 1, mode: 'standalone', groupCommit: false, sealer: 'own-process' },
  { key: 'appendStandaloneEventSealerPaused', perTransaction: 1, mode: 'standalone', groupCommit: false, sealer: 'paused' },
  { key: 'append10EventsPerTransaction', perTransaction: 10, mode: 'transaction', groupCommit: false },
  { key: 'append50EventsPerTransaction', perTransaction: 50, mode: 'transaction', groupCommit: false },
];

/** WRITERS concurrent writers, each committing events for APPEND_SECONDS per run; the sealer runs meanwhile. */
async function append(url: string, repository: AuditEventRepository, sealer: AuditSealer, signerKeyPem: string): Promise<void> {
  for (const run of APPEND_RUNS) {
    const { perTransaction } = run;
    let sealerProcess: ChildProcess | undefined;
    if (run.sealer) await sealer.stop();
    if (run.sealer === 'own-process') sealerProcess = await startSealerProcess(url, signerKeyPem);
    // With group commit, a committing backend waits commit_delay µs when at least commit_siblings
    // others are in a transaction, so one WAL flush covers them all (a server setting; set here
    // on the writers' sessions only).
    const options = run.groupCommit ? { options: `-c commit_delay=${COMMIT_DELAY_US} -c commit_siblings=5` } : {};
    const dataSource = await new DataSource({ type: 'postgres', url, entities: auditEntities, logging: false, extra: { max: WRITERS, ...options } }).initialize();
    const recorder = new AuditRecorder(dataSource);
    say(
      `append: ${WRITERS} writers, ${run.mode === 'standalone' ? 'standalone events (recordStandalone, group-committed)' : `${perTransaction} event(s) per transaction`}` +
        `${run.groupCommit ? `, commit_delay=${COMMIT_DELAY_US}µs` : ''}, ${APPEND_SECONDS} s, synchronous_commit on` +
        `${run.sealer === 'own-process' ? ', sealer in its own process' : run.sealer === 'paused' ? ', sealer paused until the writers stop' : ''}...`,
    );
    let committed = 0;
    let transactions = 0;
    const latencies: number[] = [];
    const stopAt = Date.now() + APPEND_SECONDS * 1000;
    const before = (await repository.chainState()).headSeq;
    const [{ pk: pkBefore }] = await dataSource.query('SELECT coalesce(max(pk), 0) AS pk FROM audit.event');
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        let n = 0;
        while (Date.now() < stopAt) {
          const events: AuditEventInput[] = Array.from({ length: perTransaction }, () => benchEvent(writer, n++));
          const t = process.hrtime.bigint();
          if (run.mode === 'standalone') await recorder.recordStandalone(events[0]!);
          else await dataSource.transaction((manager) => recordAuditEvents(manager, events));
          latencies.push(seconds(t) * 1000);
          committed += perTransaction;
          transactions++;
        }
      }),
    );
    const elapsed = seconds(start);
    // Durable commits the events took (one per transaction; fewer when standalone events share them).
    const [{ commits }] = await dataSource.query('SELECT count(DISTINCT tx)::int AS commits FROM audit.event WHERE pk > $1', [pkBefore]);
    await dataSource.destroy();
    if (run.sealer === 'paused') sealer.start();
    const drainStart = process.hrtime.bigint();
    // Waits on the chain head (an index probe per partition): counting the pending tail, as
    // chainState does, costs the database in proportion to the tail and halved the sealer's catch-up rate.
    while ((await repository.headSeq()) < before + committed) await sleep(5);
    const drain = seconds(drainStart);
    const state = await repository.chainState();
    if (state.pendingCount > 0) throw new Error(`${run.key}: events pending after the chain head reached every appended event`);
    const sealedDuring = state.headSeq - before;
    if (sealerProcess) {
      sealerProcess.kill('SIGTERM');
      if (sealerProcess.exitCode === null) await once(sealerProcess, 'exit');
      sealer.start();
    }
    latencies.sort((a, b) => a - b);
    const load = loadavg()[0];
    figures[run.key] = {
      writers: WRITERS,
      mode: run.mode,
      sealer: run.sealer ?? 'in-process',
      eventsPerTransaction: perTransaction,
      commitDelayUs: run.groupCommit ? COMMIT_DELAY_US : 0,
      seconds: round(elapsed),
      events: committed,
      transactions,
      eventsPerSecond: Math.round(committed / elapsed),
      callsPerSecond: Math.round(transactions / elapsed),
      durableCommits: commits,
      eventsPerCommit: round(committed / commits),
      callLatencyMs: { p50: round(pct(latencies, 0.5)), p95: round(pct(latencies, 0.95)), p99: round(pct(latencies, 0.99)) },
      sealedAll: sealedDuring === committed,
      loadAverage1m: round(load),
      sealerDrainAfterStopMs: Math.round(drain * 1000),
      ...(run.sealer === 'paused' ? { sealerCatchUpEventsPerSecond: Math.round(committed / drain) } : {}),
    };
    say(
      `append: ${Math.round(committed / elapsed)} events/s (${Math.round(commits / elapsed)} durable commits/s), call p95 ${round(pct(latencies, 0.95))} ms, sealer drained ${Math.round(drain * 1000)} ms after the writers stopped` +
        `${run.sealer === 'paused' ? ` (${Math.round(committed / drain)} events/s)` : ''}`,
    );
  }
}

/** Starts this file as a sealer process on `url` and resolves once it holds the sealer lock. */
async function startSealerProcess(url: string, signerKeyPem: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [__filename, '--sealer', url], {
    env: { ...process.env, BENCH_SEALER_KEY: signerKeyPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its log lines pass through; the line `leader` says it holds the lock.
  const leader = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => (line === 'leader' ? resolve() : console.log(line)));
    child.once('exit', (code) => reject(new Error(`the sealer process exited (${code}) before it became the sealer`)));
  });
  await leader;
  return child;
}

/** `--sealer <url>`: seals on `url` with BENCH_SEALER_KEY until SIGTERM, then seals what is left and exits. */
async function sealerProcess(url: string): Promise<void> {
  const dataSource = await new DataSource({ type: 'postgres', url, entities: auditEntities, logging: false, extra: { max: 2 } }).initialize();
  const sealer = new AuditSealer(dataSource, new AuditSigner(process.env.BENCH_SEALER_KEY!), { ...SEALER_OPTIONS, standbyRetryMs: 10 });
  sealer.start();
  while (!sealer.isLeader) await sleep(5);
  console.log('leader');
  await once(process, 'SIGTERM');
  await sealer.stop();
  await dataSource.destroy();
}

/** Chain verification: the API path (database read + verify), and the verifier alone on the same rows. */
async function verify(repository: AuditEventRepository, signer: AuditSigner, total: number): Promise<void> {
  const chain = new AuditChainService(repository, signer);
  let start = process.hrtime.bigint();
  const fast = await chain.verify({ checkColumns: false });
  const apiSeconds = seconds(start);
  start = process.hrtime.bigint();
  const full = await chain.verify({ checkColumns: true });
  const fullSeconds = seconds(start);

  // The verifier alone: the same batches, timing only the hashing and linking.
  const keys = await repository.signingKeys();
  const checkpoints = await repository.checkpoints(1, null);
  const verifier = new ChainVerifier({
    fromSeq: 1,
    publicKeys: new Map(keys.map((k) => [k.key_id, k.public_key_pem])),
    checkpoints: checkpoints.map((c) => ({ seq: Number(c.seq), hash: c.hash, keyId: c.key_id, payloadBytes: c.payload, signature: c.signature })),
  });
  let cpu = 0;
  for (let next = 1; next <= total; ) {
    const rows = await repository.sealedRange(next, total, 20_000, false);
    if (rows.length === 0) break;
    const entries = rows.map((r) => ({ seq: Number(r.seq), canonical: r.canonical, prevHash: r.prev_hash, hash: r.hash }));
    const t = process.hrtime.bigint();
    verifier.add(entries);
    cpu += seconds(t);
    next = entries[entries.length - 1]!.seq + 1;
  }
  const core = verifier.finish();
  figures.verification = {
    events: total,
    valid: fast.valid && full.valid && core.valid,
    checkpoints: fast.checkpointsChecked,
    verifyAuditChainSeconds: round(apiSeconds),
    verifyAuditChainEventsPerSecond: Math.round(total / apiSeconds),
    withColumnCheckSeconds: round(fullSeconds),
    withColumnCheckEventsPerSecond: Math.round(total / fullSeconds),
    verifierAloneSeconds: round(cpu),
    verifierAloneEventsPerSecond: Math.round(total / cpu),
  };
  say(`verify: API path ${Math.round(total / apiSeconds)} events/s (${round(apiSeconds)} s), with column check ${Math.round(total / fullSeconds)} events/s, verifier alone ${Math.round(total / cpu)} events/s`);
}

/** Newest 50 by subject and by actor, as the service runs them (two queries: page + chain state). */
async function reads(repository: AuditEventRepository, dataSource: DataSource): Promise<void> {
  const service = new AuditEventService(repository);
  const measure = async (label: string, filterOf: (i: number) => Parameters<AuditEventService['list']>[0]) => {
    const times: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const t = process.hrtime.bigint();
      const page = await service.list(filterOf(i), 50);
      const ms = seconds(t) * 1000;
      if (i >= 200) times.push(ms); // the first 200 warm the connections and caches
      if (page.edges.length === 0) throw new Error(`${label}: empty page`);
    }
    times.sort((a, b) => a - b);
    return { queries: times.length, p50Ms: round(pct(times, 0.5)), p95Ms: round(pct(times, 0.95)), p99Ms: round(pct(times, 0.99)) };
  };
  // Subjects and actors of generated events (the generator's formulas), so every page has rows.
  const bySubject = await measure('subject', (i) => ({ subjectType: 'change', subjectId: `chg-${(((i * 7907) % EVENTS) + 1) * 104729 % SUBJECTS}` }));
  const byActor = await measure('actor', (i) => ({ actors: [`user-${(((i * 31) % EVENTS) + 1) * 7919 % ACTORS}`] }));
  const [plan] = await dataSource.query(`EXPLAIN (FORMAT JSON) SELECT pk FROM audit.event WHERE actor_id = 'user-1' ORDER BY pk DESC LIMIT 51`);
  figures.newest50 = { bySubject, byActor, actorPlan: plan['QUERY PLAN'][0].Plan['Node Type'] };
  say(`newest 50 by subject: p95 ${bySubject.p95Ms} ms; by actor: p95 ${byActor.p95Ms} ms`);
}

/** Export of everything as JSONL to a file, with peak memory; then the offline verifier on that file. */
async function exportAll(repository: AuditEventRepository, total: number): Promise<void> {
  const file = join(tmpdir(), `gatehouse-bench-export-${process.pid}.jsonl`);
  const exports = new AuditExportService(repository);
  global.gc?.(); // run with --expose-gc so the baseline is not last phase's garbage
  const baseline = process.memoryUsage().rss;
  const heapBaseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let heapPeak = heapBaseline;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, 20);
  try {
    const start = process.hrtime.bigint();
    const out = createWriteStream(file);
    for await (const chunk of exports.lines({ format: 'jsonl' })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const exportSeconds = seconds(start);
    const exportPeak = peak;
    peak = process.memoryUsage().rss;
    const verifyStart = process.hrtime.bigint();
    const offline = await verifyAuditExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }));
    const verifySeconds = seconds(verifyStart);
    figures.export = {
      events: total,
      format: 'jsonl',
      seconds: round(exportSeconds),
      eventsPerSecond: Math.round(total / exportSeconds),
      bytes: statSync(file).size,
      rssBeforeMb: mb(baseline),
      peakRssMb: mb(exportPeak),
      heapUsedBeforeMb: mb(heapBaseline),
      peakHeapUsedMb: mb(heapPeak),
      offlineVerify: { valid: offline.valid, seconds: round(verifySeconds), eventsPerSecond: Math.round(total / verifySeconds), peakRssMb: mb(peak) },
    };
    say(`export: ${round(exportSeconds)} s, ${mb(statSync(file).size)} MB file, peak RSS ${mb(exportPeak)} MB (was ${mb(baseline)} MB); offline verify ${round(verifySeconds)} s`);
    // canonicalJson agrees with the `canonicalize` package on this history (a differential check outside Jest).
    figures.canonicalizeAgreement = await differential(file);
  } finally {
    clearInterval(sampler);
    rmSync(file, { force: true });
  }
}

async function differential(file: string): Promise<string> {
  const mod = (await import('canonicalize')) as unknown as { default: (v: unknown) => string };
  let checked = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.startsWith('{"type":"event"')) continue;
    const canonical = (JSON.parse(line) as { canonical: string }).canonical;
    const value = JSON.parse(canonical);
    if (mod.default(value) !== canonicalJson(value) || canonicalJson(value) !== canonical) throw new Error(`canonical forms differ: ${canonical}`);
    if (++checked === 20_000) break;
  }
  return `canonicalJson === canonicalize() on ${checked} events`;
}

function benchEvent(writer: number, n: number): AuditEventInput {
  return {
    action: 'promotion.requested',
    actor: { kind: AuditActorKind.TOKEN, id: `ci-${writer}`, displayName: `CI runner ${writer}`, ip: '10.1.0.1', userAgent: 'bench' },
    subject: { type: 'change', id: `chg-w${writer}-${n}` },
    application: 'payments',
    environment: 'prod',
    data: { writer, n, reason: 'append benchmark' },
    requestId: `w${writer}-${n}`,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 100) / 100;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

(process.argv[2] === '--sealer' ? sealerProcess(process.argv[3]!) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
