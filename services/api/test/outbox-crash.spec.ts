import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recordAuditEvent } from '@gatehouse/audit';
import { createTestDatabase, freePort, type TestDatabase } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { WebhookReceiver } from './support/webhook-receiver';

// The outbox under a crash: the API process is killed (SIGKILL) while a receiver holds a
// delivery open, then started again. Guarantee documented in the integrations README: at
// least once, with a stable Gatehouse-Delivery id; after de-duplicating on that id the
// receiver sees every event exactly once. This test checks exactly that, on the built API.
const MAIN = join(__dirname, '..', 'dist', 'main.js');
const TOKEN = 'outbox-crash-bootstrap-token-0123456789abcdef';

function startApi(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('API ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`API exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('outgoing webhooks when the API is killed during a delivery', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const receiver = new WebhookReceiver();
  const children: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build:services first`);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await dataSource?.destroy();
    await receiver.close();
    await database?.drop();
  });

  it('sends every event again after a restart, under the same delivery id, and each exactly once after de-duplication', async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: database.url,
      GATEHOUSE_BOOTSTRAP_TOKEN: TOKEN,
      GATEHOUSE_WEBHOOK_POLL_MS: '20',
      GATEHOUSE_WEBHOOK_TIMEOUT_MS: '1000', // the claim's lease: timeout + 5 s
      GATEHOUSE_WEBHOOK_RETRY_BASE_MS: '100',
    };
    const first = startApi(env);
    children.push(first.child);
    await first.ready;

    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return body.data!;
    };
    const url = await receiver.listen();
    await graphql(`mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: { name: 'crash-app', team: 'platform', environments: [{ name: 'prod', tier: 'PRODUCTION' }] },
    });
    await graphql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`, { input: { application: 'crash-app', url, events: ['promotion.approved'] } });

    // The first delivery hangs, and the process dies while it does.
    receiver.respond = (_delivery, index) => {
      if (index === 0) {
        first.child.kill('SIGKILL');
        return 'hang';
      }
      return 200;
    };
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    const events: string[] = [];
    for (const n of [1, 2, 3]) {
      await dataSource.transaction(async (manager) => {
        const { id } = await recordAuditEvent(manager, {
          action: 'promotion.approved',
          actor: { kind: 'USER', id: 'ana' },
          subject: { type: 'promotion', id: `p-${n}` },
          application: 'crash-app',
          environment: 'prod',
          data: { promotion: `p-${n}`, version: `1.0.${n}`, state: 'APPROVED' },
        });
        events.push(id);
      });
    }
    await receiver.waitFor(1);
    await exited(first.child);

    const second = startApi(env);
    children.push(second.child);
    await second.ready;
    // Wait until every delivery is recorded as delivered by the restarted process.
    for (;;) {
      const [{ pending, total }] = await dataSource.query(`SELECT count(*) FILTER (WHERE state <> 'DELIVERED')::int AS pending, count(*)::int AS total FROM integrations.delivery`);
      if (total === 3 && pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const byDelivery = new Map<string, string[]>();
    for (const delivery of receiver.received) {
      const id = String(delivery.headers['gatehouse-delivery']);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), JSON.parse(delivery.body).eventId]);
    }
    // The hung delivery came again under its id; de-duplicated, each event arrived once.
    const hungId = String(receiver.received[0]!.headers['gatehouse-delivery']);
    expect(byDelivery.get(hungId)!.length).toBeGreaterThanOrEqual(2);
    expect(new Set(byDelivery.get(hungId)).size).toBe(1);
    const eventsOnce = [...byDelivery.values()].map((ids) => ids[0]!).sort();
    expect(eventsOnce).toEqual([...events].sort());
    // The database holds one delivery per event; the one that was in flight counts both tries.
    const rows: { id: string; attempts: number }[] = await dataSource.query('SELECT id, attempts FROM integrations.delivery ORDER BY event_seq');
    expect(rows.map((row) => row.id).sort()).toEqual([...byDelivery.keys()].sort());
    expect(rows.find((row) => row.id === hungId)!.attempts).toBeGreaterThanOrEqual(2);
    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 90_000);
});
