import { createTestDatabase, revertMigrations, runMigrations, type TestDatabase } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { auditEntities, auditMigrations } from '../src';
import { toSealedDocument, type AuditEventRow } from '../src/audit-event/audit-event.row';
import { AuditEventRepository } from '../src/audit-event/audit-event.repository';
import { canonicalEventBytes, chainHash, GENESIS_HASH } from '../src/chain/audit-chain.canonical';
import { AuditChainService } from '../src/chain/audit-chain.service';
import { AuditSealer } from '../src/chain/audit-sealer';
import { AuditSigner } from '../src/checkpoint/audit-signer';
import { recordAuditEvents } from '../src/audit-event/audit-event.recorder';
import { anEvent } from './support/audit-fixture';

const BEFORE_PARTITIONING = auditMigrations.slice(0, 2);

/**
 * The partitioning migration on a log that already holds events: sealed ones keep their chain,
 * pending ones are sealed after it, and `down` puts every row back in the unpartitioned tables.
 */
describe('partitioning an existing audit log (integration)', () => {
  let db: TestDatabase;
  let dataSource: DataSource | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('gatehouse_audit_mig');
    await runMigrations(db.url, BEFORE_PARTITIONING);
    const client = await new DataSource({ type: 'postgres', url: db.url, logging: false }).initialize();
    // Eight events, five of them sealed the way the unpartitioned sealer sealed them.
    await client.query(
      `INSERT INTO audit.event (id, occurred_at, actor_kind, actor_id, action, subject_type, subject_id, data)
       SELECT gen_random_uuid(), now() - (9 - i) * interval '1 minute', 'USER', 'user-' || i, 'application.created', 'application', 'app-' || i, jsonb_build_object('i', i)
         FROM generate_series(1, 8) AS i`,
    );
    const rows: AuditEventRow[] = await client.query('SELECT * FROM audit.event ORDER BY pk LIMIT 5');
    let prev: Buffer = GENESIS_HASH;
    for (const [i, row] of rows.entries()) {
      const canonical = canonicalEventBytes(toSealedDocument(row, i + 1));
      const hash = chainHash(prev, canonical);
      await client.query('INSERT INTO audit.chain (seq, event_pk, canonical, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)', [i + 1, row.pk, canonical, prev, hash]);
      prev = hash;
    }
    await client.destroy();
  });

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
    await db.drop();
  });

  it('keeps the sealed chain, seals the pending events after it, and reverts with every row', async () => {
    await runMigrations(db.url, auditMigrations);
    dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: auditEntities, logging: false }).initialize();
    const repository = new AuditEventRepository(dataSource);
    const chain = new AuditChainService(repository, AuditSigner.generate());
    expect(await repository.chainState()).toEqual({ headSeq: 5, pendingCount: 3 });

    const sealer = new AuditSealer(dataSource, AuditSigner.generate(), { checkpointEveryEvents: 1000, checkpointEverySeconds: 60 });
    sealer.start();
    await dataSource.transaction((manager) => recordAuditEvents(manager, [anEvent(), anEvent()]));
    while ((await repository.chainState()).pendingCount > 0) await new Promise((r) => setTimeout(r, 5));
    await sealer.stop();
    expect(await chain.verify()).toMatchObject({ valid: true, sealedTo: 10, eventsChecked: 10, firstBroken: null });

    await dataSource.destroy();
    dataSource = undefined;
    await revertMigrations(db.url, auditMigrations, 1);
    const client = await new DataSource({ type: 'postgres', url: db.url, logging: false }).initialize();
    try {
      const [{ events, chained, partitioned }] = await client.query(
        `SELECT (SELECT count(*)::int FROM audit.event) AS events, (SELECT count(*)::int FROM audit.chain) AS chained,
                (SELECT count(*)::int FROM pg_class WHERE relnamespace = 'audit'::regnamespace AND relkind = 'p') AS partitioned`,
      );
      expect({ events, chained, partitioned }).toEqual({ events: 10, chained: 10, partitioned: 0 });
      await expect(client.query('DELETE FROM audit.event')).rejects.toThrow(/append-only/);
      // New events still get keys after the reverted ones.
      await client.query(`INSERT INTO audit.event (id, occurred_at, actor_kind, actor_id, action, subject_type, subject_id) VALUES (gen_random_uuid(), now(), 'USER', 'u', 'a.b', 's', '1')`);
      const [{ max }] = await client.query('SELECT max(pk)::int AS max FROM audit.event');
      expect(max).toBe(11);
    } finally {
      await client.destroy();
    }
  });
});
