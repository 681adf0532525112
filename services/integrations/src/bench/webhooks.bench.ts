import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { AuditSealer, AuditSigner, auditMigrations, generatePrivateKeyPem, recordAuditEvent } from '@gatehouse/audit';
import type { ChangeService } from '@gatehouse/pipelines';
import { runMigrations, type MigrationClass } from '@gatehouse/shared';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DeliveryDispatcher } from '../delivery/delivery.dispatcher';
import { DeliveryLoop } from '../delivery/delivery.loop';
import { DeliveryWorker } from '../delivery/delivery.worker';
import type { IntegrationsConfig } from '../integrations.config';
import { CreateIntegrations1795720000000 } from '../migrations/1795720000000-create-integrations';

/**
 * The outgoing webhook benchmark: `npm run bench:webhooks`.
 *
 * On a throwaway database of DATABASE_URL's server (audit and integrations schemas only), with
 * the real audit sealer and one delivery loop (dispatcher + worker, default settings but
 * BENCH_POLL_MS polling), BENCH_WRITERS writers record BENCH_EVENTS `promotion.approved` events,
 * each in its own transaction, for one application with BENCH_WEBHOOKS subscribed webhooks; a
 * local HTTP receiver answers 204. Prints the delivery rate and the lag from an event's commit to
 * its arrival at the receiver (p50, p95, max): sealing + dispatching + sending.
 */
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 2);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 500);

const say = (line: string) => console.log(`[bench:webhooks] ${line}`);

async function main(): Promise<void> {
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: WRITERS + 6 } });
  const committedAt = new Map<string, number>();
  const arrivedAt: number[] = [];
  const lags: number[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { eventId: string };
      arrivedAt.push(now);
      lags.push(now - committedAt.get(body.eventId)!);
      response.writeHead(204).end();
    });
  });
  try {
    const migrations = [...auditMigrations, CreateIntegrations1795720000000] as MigrationClass[];
    await runMigrations(url.toString(), migrations);
    await dataSource.initialize();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const hook = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    for (let n = 0; n < WEBHOOKS; n++) {
      await dataSource.query(
        `INSERT INTO integrations.webhook (application, url, secret, events, format, created_by) VALUES ('bench-app', $1, $2, ARRAY['promotion.approved'], 'GATEHOUSE', 'bench')`,
        [hook, randomBytes(32).toString('hex')],
      );
    }
    const sealer = new AuditSealer(dataSource, new AuditSigner(generatePrivateKeyPem()), { checkpointEveryEvents: 1000, checkpointEverySeconds: 60 });
    const config: IntegrationsConfig = { pollMs: POLL_MS, retryBaseMs: 10_000, maxRetryDelayMs: 3_600_000, maxAttempts: 12, timeoutMs: 10_000, deliver: true };
    const noChanges = {} as ChangeService; // GATEHOUSE-format deliveries never look a change up
    const loop = new DeliveryLoop(new DeliveryDispatcher(dataSource, noChanges), new DeliveryWorker(dataSource, config), config);
    sealer.start();
    loop.start();
    say(`database ${name}; ${EVENTS} events × ${WEBHOOKS} webhooks, ${WRITERS} writers, poll ${POLL_MS} ms`);

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < EVENTS) {
          const n = next++;
          const { id } = await dataSource.transaction((manager) =>
            recordAuditEvent(manager, {
              action: 'promotion.approved',
              actor: { kind: 'USER', id: 'bench' },
              subject: { type: 'promotion', id: `p-${n}` },
              application: 'bench-app',
              environment: 'prod',
              data: { promotion: `p-${n}`, version: `1.0.${n}`, state: 'APPROVED' },
            }),
          );
          committedAt.set(id, performance.now());
        }
      }),
    );
    const written = performance.now();
    while (arrivedAt.length < EVENTS * WEBHOOKS) await new Promise((resolve) => setTimeout(resolve, 20));
    const done = performance.now();
    await loop.stop();
    await sealer.stop();

    const sorted = [...lags].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
    say(`written: ${EVENTS} events in ${((written - started) / 1000).toFixed(2)} s (${(EVENTS / ((written - started) / 1000)).toFixed(0)} events/s)`);
    say(`delivered: ${arrivedAt.length} deliveries in ${((done - started) / 1000).toFixed(2)} s (${(arrivedAt.length / ((done - started) / 1000)).toFixed(0)} deliveries/s)`);
    say(`lag from commit to receiver: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    const [{ attempts }] = await dataSource.query('SELECT sum(attempts)::int AS attempts FROM integrations.delivery');
    say(`attempts recorded: ${attempts} (one per delivery when every receiver answers)`);
  } finally {
    receiver.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
