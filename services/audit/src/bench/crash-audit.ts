import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '@gatehouse/shared';
import { auditEntities, auditMigrations } from '../index';
import { recordAuditEvent } from '../audit-event/audit-event.recorder';
import { AuditEventRepository } from '../audit-event/audit-event.repository';
import { AuditSealer } from '../chain/audit-sealer';
import { AuditChainService } from '../chain/audit-chain.service';
import { AuditSigner } from '../checkpoint/audit-signer';

/**
 * Crash safety: `node services/audit/dist/bench/crash-audit.js [--mode api|recorder]`.
 *
 * Starts a process that performs audited actions, fires ACTIONS of them concurrently, kills
 * the process with SIGKILL while they are in flight, restarts it, and checks:
 * every acknowledged action has its event; no event without its action; every event sealed, seq gap-free
 * with no duplicate; the chain (and its checkpoints) verifies.
 *
 * `api` (the default when services/api/dist/main.js exists) drives the real API: the action
 * is `createApplication`, whose event `application.created` is written in its transaction.
 * `recorder` drives a small child process (this file with --child) whose action inserts a row
 * and records its event through recordAuditEvent in one transaction, with the sealer running.
 */
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACTIONS = Number(process.env.CRASH_ACTIONS ?? 1000);
// All of them in flight at once by default: the kill lands with hundreds unanswered.
const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY ?? ACTIONS);
const API_MAIN = resolve(__dirname, '../../../api/dist/main.js');
const TOKEN = `crash-${randomBytes(24).toString('hex')}`;

const say = (line: string) => console.log(`[test:crash] ${line}`);

interface Target {
  start(): Promise<void>;
  /** Performs action i; resolves with the action's id once the server acknowledged it. */
  act(i: number): Promise<string>;
  kill(): void;
  stop(): Promise<void>;
  /** Ids of actions that exist in the database, and ids of actions that events name. */
  actionIds(db: Client): Promise<Set<string>>;
  eventActionIds(db: Client): Promise<Set<string>>;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child();
  const modeArg = process.argv[process.argv.indexOf('--mode') + 1];
  const mode = process.argv.includes('--mode') ? modeArg : existsSync(API_MAIN) ? 'api' : 'recorder';
  const name = `gatehouse_crash_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
  const db = new Client({ connectionString: url.toString() });
  let target: Target | undefined;
  let failed: boolean;
  try {
    say(`mode ${mode}, database ${name}, ${ACTIONS} actions, ${CONCURRENCY} in flight`);
    target = mode === 'api' ? apiTarget(url.toString(), dataDir) : recorderTarget(url.toString());
    await target.start();
    await db.connect();

    // Fire the actions; kill the process once a third of them are acknowledged.
    const acknowledged = new Set<string>();
    let killed = false;
    let next = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ACTIONS) {
          const i = next++;
          try {
            acknowledged.add(await target!.act(i));
          } catch {
            refused++;
          }
          if (!killed && acknowledged.size >= ACTIONS / 3) {
            killed = true;
            target!.kill();
            say(`SIGKILL after ${acknowledged.size} acknowledged actions`);
          }
        }
      }),
    );
    say(`${acknowledged.size} acknowledged, ${refused} failed or cut off by the kill`);
    await target.start();
    say('restarted; waiting for the sealer to seal what was pending');
    await waitUntilSealed(db);

    const actions = await target.actionIds(db);
    const eventActions = await target.eventActionIds(db);
    const missingEvents = [...acknowledged].filter((id) => !eventActions.has(id));
    const orphanEvents = [...eventActions].filter((id) => !actions.has(id));
    const actionsWithoutEvent = [...actions].filter((id) => !eventActions.has(id));
    const [seqs] = (
      await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seqs, min(seq)::int AS min, max(seq)::int AS max,
                (SELECT count(*)::int FROM audit.event) AS events
           FROM audit.chain`,
      )
    ).rows;
    await target.stop();
    target = undefined;
    const verification = await verifyChain(url.toString());

    const checks: [string, boolean, string][] = [
      ['every acknowledged action has its event', missingEvents.length === 0, `${missingEvents.length} missing`],
      ['no event without its action', orphanEvents.length === 0, `${orphanEvents.length} orphan events`],
      ['no action without its event', actionsWithoutEvent.length === 0, `${actionsWithoutEvent.length} actions without event`],
      [
        'every event sealed; seq gap-free from 1, no duplicates',
        seqs.n === seqs.events && seqs.n === seqs.distinct_seqs && seqs.min === 1 && seqs.max === seqs.n,
        `${seqs.events} events, ${seqs.n} sealed, ${seqs.distinct_seqs} distinct seqs, ${seqs.min}–${seqs.max}`,
      ],
      ['the chain verifies', verification.valid, verification.firstBroken ? `${verification.firstBroken.problem} at ${verification.firstBroken.seq}` : `${verification.eventsChecked} events, ${verification.checkpointsChecked} checkpoints`],
      ['the kill happened with actions in flight', killed && acknowledged.size < ACTIONS, `${acknowledged.size} of ${ACTIONS} acknowledged`],
    ];
    for (const [what, ok, detail] of checks) say(`${ok ? 'PASS' : 'FAIL'} ${what} (${detail})`);
    failed = checks.some(([, ok]) => !ok);
  } finally {
    target?.kill();
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
  else say('crash safety holds');
}

async function waitUntilSealed(db: Client): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query('SELECT (SELECT count(*) FROM audit.event) - (SELECT count(*) FROM audit.chain) AS n');
    if (Number(rows[0].n) === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('events stayed pending for 60 s after the restart');
}

async function verifyChain(url: string) {
  const dataSource = await new DataSource({ type: 'postgres', url, entities: auditEntities, logging: false }).initialize();
  try {
    return await new AuditChainService(new AuditEventRepository(dataSource), AuditSigner.generate()).verify();
  } finally {
    await dataSource.destroy();
  }
}

/** The real API: createApplication is the audited action. */
function apiTarget(databaseUrl: string, dataDir: string): Target {
  let proc: ChildProcess | undefined;
  let port = 0;
  return {
    async start() {
      port = 20000 + Math.floor(Math.random() * 20000);
      proc = spawn(process.execPath, [API_MAIN], {
        env: {
          ...process.env,
          NODE_ENV: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: databaseUrl,
          GATEHOUSE_DATA_DIR: dataDir,
          GATEHOUSE_BOOTSTRAP_TOKEN: TOKEN,
          GATEHOUSE_DEMO_DATA: 'false',
          GATEHOUSE_AUDIT_CHECKPOINT_EVERY: '100',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const stderr: string[] = [];
      proc.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (proc.exitCode !== null) throw new Error(`the API exited with ${proc.exitCode}:\n${stderr.join('')}`);
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the API did not get ready in 60 s:\n${stderr.join('')}`);
    },
    async act(i) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          query: `mutation Create($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`,
          variables: { input: { name: `crash-app-${i}`, team: 'crash-team', description: 'crash test', environments: [{ name: 'dev', regulated: false, tier: 'DEVELOPMENT', timezone: 'UTC' }, { name: 'prod', regulated: true, tier: 'PRODUCTION', timezone: 'Europe/London' }] } },
        }),
      });
      const body = (await response.json()) as { data?: { createApplication?: { id: string } }; errors?: { message: string }[] };
      if (!body.data?.createApplication) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
      return body.data.createApplication.id;
    },
    kill() {
      proc?.kill('SIGKILL');
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
    async actionIds(db) {
      return new Set((await db.query('SELECT id::text FROM pipelines.application')).rows.map((r) => r.id as string));
    },
    async eventActionIds(db) {
      return new Set(
        (await db.query(`SELECT subject_id FROM audit.event WHERE action = 'application.created'`)).rows.map((r) => r.subject_id as string),
      );
    },
  };
}

/** A child process running the recorder and the sealer; the action is a row in crash_action. */
function recorderTarget(databaseUrl: string): Target {
  let proc: ChildProcess | undefined;
  const waiting = new Map<number, { resolve: (id: string) => void; reject: (e: Error) => void }>();
  let started = false;
  return {
    async start() {
      if (!started) {
        await runMigrations(databaseUrl, auditMigrations);
        const db = new Client({ connectionString: databaseUrl });
        await db.connect();
        await db.query('CREATE TABLE public.crash_action (id uuid PRIMARY KEY, n int NOT NULL)');
        await db.end();
        started = true;
      }
      proc = spawn(process.execPath, [__filename, '--child'], { env: { ...process.env, CRASH_DATABASE_URL: databaseUrl }, stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: proc.stdout! });
      await new Promise<void>((resolveReady, rejectReady) => {
        proc!.once('exit', (code) => {
          rejectReady(new Error(`child exited with ${code}`));
          for (const w of waiting.values()) w.reject(new Error('child died'));
          waiting.clear();
        });
        lines.on('line', (line) => {
          const [word, n, id] = line.split(' ');
          if (word === 'ready') resolveReady();
          if (word === 'ack') waiting.get(Number(n))?.resolve(id!);
          if (word === 'fail') waiting.get(Number(n))?.reject(new Error(id));
          waiting.delete(Number(n));
        });
      });
    },
    act(i) {
      return new Promise((resolveAck, rejectAck) => {
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) return rejectAck(new Error('child is down'));
        waiting.set(i, { resolve: resolveAck, reject: rejectAck });
        proc.stdin!.write(`${i}\n`);
      });
    },
    kill() {
      proc?.kill('SIGKILL');
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.stdin!.end();
      await exited;
    },
    async actionIds(db) {
      return new Set((await db.query('SELECT id::text FROM public.crash_action')).rows.map((r) => r.id as string));
    },
    async eventActionIds(db) {
      return new Set((await db.query(`SELECT subject_id FROM audit.event WHERE action = 'crash.action'`)).rows.map((r) => r.subject_id as string));
    },
  };
}

/** The child: reads action numbers on stdin, performs each in one transaction with its event, acks on stdout. */
async function child(): Promise<void> {
  const dataSource = await new DataSource({ type: 'postgres', url: process.env.CRASH_DATABASE_URL, entities: auditEntities, logging: false, extra: { max: 40 } }).initialize();
  const sealer = new AuditSealer(dataSource, AuditSigner.generate(), { checkpointEveryEvents: 100, checkpointEverySeconds: 1 });
  sealer.start();
  process.stdout.write('ready\n');
  const inFlight = new Set<Promise<void>>();
  for await (const line of createInterface({ input: process.stdin })) {
    const n = Number(line);
    const work = dataSource
      .transaction(async (manager) => {
        const id = (await manager.query('INSERT INTO public.crash_action (id, n) VALUES (gen_random_uuid(), $1) RETURNING id', [n]))[0].id as string;
        await recordAuditEvent(manager, { action: 'crash.action', actor: { kind: 'SYSTEM', id: 'crash-test' }, subject: { type: 'crash-action', id }, data: { n } });
        return id;
      })
      .then(
        (id) => void process.stdout.write(`ack ${n} ${id}\n`),
        (error: Error) => void process.stdout.write(`fail ${n} ${error.message.replace(/\s+/g, '_')}\n`),
      );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }
  await Promise.all(inFlight);
  await sealer.stop();
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
