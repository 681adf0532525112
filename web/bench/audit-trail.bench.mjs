#!/usr/bin/env node
// `npm run bench:portal`: how fast the portal's audit trail answers with 1,000,000 events.
// Creates a throwaway database on DATABASE_URL's server (default the local PostgreSQL), fills
// it with BENCH_EVENTS events (SQL generate_series, then chained and checkpointed by the real
// sealer), starts the built API and the built portal on it, signs in as an auditor and times
// the server response (full HTML, as the browser receives it) of the audit trail's first page
// and of the next page (keyset cursor from the page's own "Older events" link), unfiltered and
// filtered. Prints the figures; drops the database.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Client } = require('pg');
const { chromium } = require('playwright-core');
const { DataSource } = require('typeorm');
const { runMigrations } = require(join(root, 'services/shared/dist/index.js'));
const { allMigrations } = require(join(root, 'services/api/dist/migrations.js'));
const { AuditSealer, AuditSigner, auditEntities, generatePrivateKeyPem } = require(join(root, 'services/audit/dist/index.js'));

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const say = (line) => console.log(`[bench:portal] ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(url, what) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer at ${url} within 60 s`);
}

function start(command, args, env) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function generate(url, signingKey) {
  const dataSource = await new DataSource({ type: 'postgres', url, entities: auditEntities, logging: false }).initialize();
  try {
    say(`inserting ${EVENTS.toLocaleString('en')} events...`);
    const t0 = Date.now();
    for (let from = 1; from <= EVENTS; from += 100_000) {
      const to = Math.min(EVENTS, from + 99_999);
      await dataSource.query(
        `INSERT INTO audit.event (id, occurred_at, actor_kind, actor_id, actor_display_name, actor_ip, actor_user_agent, action,
                                  subject_type, subject_id, application, environment, data, request_id)
         SELECT gen_random_uuid(), now() - interval '400 days' + (i * interval '30 seconds'), 'USER', 'user-' || (i * 7919 % 2000),
                'User ' || (i * 7919 % 2000), '127.0.0.' || (i % 250), 'gatehouse-cli/1.0',
                (ARRAY['promotion.requested','decision.made','approval.granted','deployment.succeeded','change.registered','evidence.attached'])[1 + i % 6],
                'promotion', 'prm-' || (i * 104729 % 100000), 'app-' || (i % 50), (ARRAY['dev','staging','prod'])[1 + i % 3],
                jsonb_build_object('n', i, 'reason', 'benchmark event ' || i, 'risk', i % 5), 'req-' || i
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [from, to],
      );
    }
    say(`inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s; sealing...`);
    const t1 = Date.now();
    const sealer = new AuditSealer(dataSource, new AuditSigner(signingKey), { checkpointEveryEvents: 1000, checkpointEverySeconds: 60, batchSize: 10_000 });
    sealer.start();
    while (Number((await dataSource.query('SELECT count(*) AS n FROM audit.chain'))[0].n) < EVENTS) await sleep(500);
    await sealer.stop();
    say(`sealed in ${((Date.now() - t1) / 1000).toFixed(1)} s; analyzing...`);
    await dataSource.query('VACUUM ANALYZE audit.event, audit.chain, audit.checkpoint');
  } finally {
    await dataSource.destroy();
  }
}

async function timeGet(url, cookie) {
  const t = process.hrtime.bigint();
  const response = await fetch(url, { headers: { cookie } });
  const html = await response.text();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (response.status !== 200 || !html.includes('data-testid="audit-table"')) throw new Error(`GET ${url} answered ${response.status} without the events table`);
  return { ms, html };
}

const nextHref = (html) => {
  const anchor = html.match(/<a [^>]*rel="next"[^>]*>/)?.[0];
  const href = anchor?.match(/href="([^"]*)"/)?.[1];
  if (!href) throw new Error('the page has no "Older events" link');
  return href.replaceAll('&amp;', '&');
};

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1), max: +sorted[sorted.length - 1].toFixed(1) };
};

async function measure(portal, cookie, label, query) {
  const first = [];
  const next = [];
  for (let i = 0; i < 3; i++) await timeGet(`${portal}/audit${query}`, cookie); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const page1 = await timeGet(`${portal}/audit${query}`, cookie);
    first.push(page1.ms);
    const page2 = await timeGet(`${portal}${nextHref(page1.html)}`, cookie);
    next.push(page2.ms);
  }
  const figures = { first: stats(first), next: stats(next) };
  say(`${label}: first page median ${figures.first.median} ms, p95 ${figures.first.p95} ms; next page median ${figures.next.median} ms, p95 ${figures.next.p95} ms`);
  return figures;
}

/**
 * The next page as a person gets it: in Chromium, a click on "Older events" is a client-side
 * navigation that fetches only the page's React Server Components payload (the shared layout is
 * not rendered again). Times the click until page 2 is on screen (server response and render).
 */
async function measureInBrowser(portal, cookie, query) {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: portal }]);
    const page = await context.newPage();
    const samples = [];
    for (let i = 0; i < Math.min(RUNS, 15) + 2; i++) {
      await page.goto(`${portal}/audit${query}`);
      // Hydrated once the badge (a client component) has verified; a click before that would load a whole document.
      await page.getByTestId('chain-status').filter({ hasText: 'Chain verified' }).waitFor({ timeout: 120_000 });
      const rsc = page.waitForResponse((r) => r.url().includes('after=') && r.request().headers()['rsc'] === '1');
      const t = process.hrtime.bigint();
      await page.getByRole('link', { name: /Older events/ }).click();
      await rsc; // a client-side navigation, not a whole document
      await page.getByRole('heading', { name: /page 2/ }).waitFor();
      if (i >= 2) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return stats(samples);
  } finally {
    await browser.close();
  }
}

async function main() {
  const name = `gatehouse_bench_portal_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  say(`database ${name} on ${url.host}`);
  try {
    await runMigrations(url.toString(), allMigrations);
    const signingKey = generatePrivateKeyPem();
    await generate(url.toString(), signingKey);

    const apiPort = await freePort();
    const portalPort = await freePort();
    const bootstrap = `bench-portal-${randomBytes(16).toString('hex')}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const portal = `http://127.0.0.1:${portalPort}`;
    start(process.execPath, ['services/api/dist/main.js'], {
      DATABASE_URL: url.toString(), PORT: String(apiPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production',
      GATEHOUSE_AUDIT_SIGNING_KEY: signingKey, GATEHOUSE_BOOTSTRAP_TOKEN: bootstrap, GATEHOUSE_DEMO_DATA: 'false', GATEHOUSE_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    start(join(root, 'node_modules/.bin/next'), ['start', 'web', '-p', String(portalPort), '-H', '127.0.0.1'], { GATEHOUSE_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' });
    await waitFor(`${apiUrl}/readyz`, 'the API');
    await waitFor(`${portal}/sign-in`, 'the portal');

    const gql = async (query, variables, headers) => {
      const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      const body = await response.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { body, response };
    };
    const password = randomBytes(12).toString('hex');
    await gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { username: 'bench-auditor', displayName: 'Bench Auditor', roles: ['AUDITOR'], password } }, { authorization: `Bearer ${bootstrap}` });
    const { response } = await gql('mutation($input: LoginInput!) { login(input: $input) { csrfToken } }', { input: { username: 'bench-auditor', password } }, {});
    const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('gatehouse_session='));
    if (!cookie) throw new Error('sign-in set no session cookie');

    const events = EVENTS;
    say(`${events.toLocaleString('en')} events; ${RUNS} runs of each (after 3 warm-ups)`);
    const softNext = await measureInBrowser(portal, cookie, '');
    say(`next page in Chromium (click on "Older events" → page 2 on screen): median ${softNext.median} ms, p95 ${softNext.p95} ms`);
    const figures = {
      events,
      nextPageInBrowser: softNext,
      unfiltered: await measure(portal, cookie, 'unfiltered', ''),
      byApplication: await measure(portal, cookie, 'application=app-7', '?application=app-7'),
      byActionAndEnvironment: await measure(portal, cookie, 'action=approval.granted, environment=prod', '?action=approval.granted&environment=prod'),
      byText: await measure(portal, cookie, 'text=user-42', '?text=user-42'),
    };
    console.log(JSON.stringify(figures, null, 2));
    const worstFirst = Math.max(figures.unfiltered.first.median, figures.byApplication.first.median, figures.byActionAndEnvironment.first.median);
    const worstNext = Math.max(figures.unfiltered.next.median, figures.byApplication.next.median, figures.byActionAndEnvironment.next.median);
    say(`targets: first page ≤ 500 ms (worst median of the indexed filters ${worstFirst} ms), next page ≤ 200 ms (${worstNext} ms as a full document); in Chromium, click to page 2 on screen ${softNext.median} ms`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await sleep(1500);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    say(`dropped ${name}`);
  }
}

main().catch((error) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
