import { createTestDatabase, runMigrations, type TestDatabase } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { auditEntities, auditMigrations } from '../../src';
import { AuditActorKind, type AuditEventInput } from '../../src/audit-event/audit-event.types';
import { recordAuditEvents } from '../../src/audit-event/audit-event.recorder';
import { AuditEventRepository } from '../../src/audit-event/audit-event.repository';
import { AuditChainService } from '../../src/chain/audit-chain.service';
import { AuditSealer, type AuditSealerOptions } from '../../src/chain/audit-sealer';
import { AuditSigner } from '../../src/checkpoint/audit-signer';

/** AuditFixture is a migrated throwaway database with the audit service's parts built on it. */
export interface AuditFixture {
  db: TestDatabase;
  dataSource: DataSource;
  signer: AuditSigner;
  sealer: AuditSealer;
  repository: AuditEventRepository;
  chain: AuditChainService;
  record(events: AuditEventInput[]): Promise<void>;
  waitUntilSealed(): Promise<void>;
  close(): Promise<void>;
}

export async function startAuditFixture(options: Partial<AuditSealerOptions> = {}): Promise<AuditFixture> {
  const db = await createTestDatabase('gatehouse_audit');
  await runMigrations(db.url, auditMigrations);
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: auditEntities, logging: false }).initialize();
  const signer = AuditSigner.generate();
  const sealer = new AuditSealer(dataSource, signer, { checkpointEveryEvents: 1000, checkpointEverySeconds: 60, ...options });
  const repository = new AuditEventRepository(dataSource);
  const chain = new AuditChainService(repository, signer);
  return {
    db,
    dataSource,
    signer,
    sealer,
    repository,
    chain,
    record: (events) => dataSource.transaction((manager) => recordAuditEvents(manager, events)).then(() => undefined),
    async waitUntilSealed() {
      // Polls until the sealer caught up; Jest's timeout bounds it.
      while ((await repository.chainState()).pendingCount > 0) await new Promise((r) => setTimeout(r, 5));
    },
    async close() {
      await sealer.stop();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

let counter = 0;

/** A small valid event; override what a test cares about. */
export function anEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  counter++;
  return {
    action: 'application.created',
    actor: { kind: AuditActorKind.USER, id: `user-${counter % 7}`, displayName: 'Ada Lovelace', ip: '10.0.0.1', userAgent: 'jest' },
    subject: { type: 'application', id: `app-${counter}` },
    application: 'payments',
    environment: 'prod',
    data: { n: counter, note: 'hello, "world"' },
    requestId: `req-${counter}`,
    ...overrides,
  };
}

/** Runs SQL as the superuser with triggers off, the way an insider would tamper. */
export async function tamper(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL session_replication_role = replica');
    await manager.query(sql, params);
  });
}
