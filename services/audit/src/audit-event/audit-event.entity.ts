import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * AuditEventEntity maps audit.event for TypeORM's metadata. The audit service itself reads
 * and writes with SQL (keyset pages, batch inserts); the table is insert-only. The `tx` column
 * (the inserting transaction, for the sealer) is left out: TypeORM has no xid8 type.
 */
@Entity({ schema: 'audit', name: 'event' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  pk: string;

  @Column({ type: 'uuid' })
  id: string;

  /** When the row was inserted (server clock): the partition key, one partition a month. */
  @PrimaryColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'actor_kind', type: 'text' })
  actorKind: string;

  @Column({ name: 'actor_id', type: 'text' })
  actorId: string;

  @Column({ name: 'actor_display_name', type: 'text', nullable: true })
  actorDisplayName: string | null;

  @Column({ name: 'actor_ip', type: 'text', nullable: true })
  actorIp: string | null;

  @Column({ name: 'actor_user_agent', type: 'text', nullable: true })
  actorUserAgent: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId: string;

  @Column({ type: 'text', nullable: true })
  application: string | null;

  @Column({ type: 'text', nullable: true })
  environment: string | null;

  @Column({ type: 'jsonb' })
  data: unknown;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;
}

/** AuditChainEntity maps audit.chain: one row per sealed event, inserted by the sealer only. */
@Entity({ schema: 'audit', name: 'chain' })
export class AuditChainEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ name: 'event_pk', type: 'bigint' })
  eventPk: string;

  /** The event's recorded_at: the chain is partitioned by the event's month too. */
  @PrimaryColumn({ name: 'event_recorded_at', type: 'timestamptz' })
  eventRecordedAt: Date;

  @Column({ type: 'bytea' })
  canonical: Buffer;

  @Column({ name: 'prev_hash', type: 'bytea' })
  prevHash: Buffer;

  @Column({ type: 'bytea' })
  hash: Buffer;

  @Column({ name: 'sealed_at', type: 'timestamptz' })
  sealedAt: Date;
}
