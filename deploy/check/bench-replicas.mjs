#!/usr/bin/env node
// `npm run bench:replicas`: figures for the operations guide, printed, never asserted.
// Two built API processes on a fresh database of DATABASE_URL's server (created and dropped):
// start time of both together, idle memory, sealer takeover after SIGKILL of the leader (repeated),
// and SIGTERM-to-exit time of an idle replica.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(root, 'services', 'api', 'dist', 'main.js');
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_TAKEOVERS ?? 5);
const TOKEN = `bench-${randomBytes(24).toString('hex')}`;

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(sql) {
  const url = new URL(server);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const name = `gatehouse_bench_replicas_${Date.now().toString(36)}`;
const dbUrl = new URL(server);
dbUrl.pathname = `/${name}`;
const env = {
  ...process.env,
  DATABASE_URL: dbUrl.toString(),
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  GATEHOUSE_DEMO_DATA: 'false',
  GATEHOUSE_BOOTSTRAP_TOKEN: TOKEN,
  GATEHOUSE_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  GATEHOUSE_POLICIES_DIR: join(root, 'policies'),
};

function start(port) {
  const child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('API ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { port, child, ready, exit };
}

async function scrape(replica) {
  const response = await fetch(`http://127.0.0.1:${replica.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return response.text();
}
const figure = (text, metric) => Number(new RegExp(`^${metric} (\\S+)$`, 'm').exec(text)?.[1]);
const isLeader = async (replica) => figure(await scrape(replica), 'gatehouse_audit_sealer_leader') === 1;

await admin(`CREATE DATABASE "${name}"`);
const running = new Set();
try {
  let t = performance.now();
  let replicas = [start(await freePort()), start(await freePort())];
  replicas.forEach((r) => running.add(r));
  await Promise.all(replicas.map((r) => r.ready));
  const startSeconds = (performance.now() - t) / 1000;
  await sleep(2000);
  const rss = await Promise.all(replicas.map(async (r) => figure(await scrape(r), 'gatehouse_process_resident_memory_bytes') / 2 ** 20));

  const takeovers = [];
  for (let round = 0; round < ROUNDS; round++) {
    let leader;
    for (let i = 0; i < 100 && !leader; i++) {
      for (const r of replicas) if (await isLeader(r).catch(() => false)) leader = r;
      if (!leader) await sleep(50);
    }
    const survivor = replicas.find((r) => r !== leader);
    t = performance.now();
    leader.child.kill('SIGKILL');
    await leader.exit;
    running.delete(leader);
    while (!(await isLeader(survivor).catch(() => false))) await sleep(20);
    takeovers.push((performance.now() - t) / 1000);
    const again = start(await freePort());
    running.add(again);
    await again.ready;
    replicas = [survivor, again];
  }

  const idle = replicas[1];
  t = performance.now();
  idle.child.kill('SIGTERM');
  const stopped = await idle.exit;
  running.delete(idle);
  const stopSeconds = (performance.now() - t) / 1000;

  const sorted = [...takeovers].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        twoReplicasStartTogetherOnEmptyDatabaseSeconds: +startSeconds.toFixed(2),
        idleRssMiB: rss.map((m) => +m.toFixed(0)),
        sealerTakeoverAfterSigkillSeconds: { rounds: takeovers.length, min: +sorted[0].toFixed(2), median: +sorted[Math.floor(sorted.length / 2)].toFixed(2), max: +sorted.at(-1).toFixed(2) },
        sigtermToExitIdleStandbySeconds: +stopSeconds.toFixed(2),
        sigtermExit: stopped,
      },
      null,
      2,
    ),
  );
} finally {
  for (const r of running) r.child.kill('SIGKILL');
  await sleep(500);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
