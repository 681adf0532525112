import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * AuditEventEntity maps audit.event for TypeORM's metadata. The audit service itself reads
 * and writes with SQL (keyset pages, batch inserts, the sealer's one-time update); nothing
 * may save this entity: the table refuses updates other than sealing.
 */
@Entity({ schema: 'audit', name: 'event' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  pk: string;

  @Column({ type: 'uuid', unique: true })
  id: string;

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

  @Column({ type: 'bigint', nullable: true, unique: true })
  seq: string | null;

  @Column({ type: 'bytea', nullable: true })
  canonical: Buffer | null;

  @Column({ name: 'prev_hash', type: 'bytea', nullable: true })
  prevHash: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  hash: Buffer | null;

  @Column({ name: 'sealed_at', type: 'timestamptz', nullable: true })
  sealedAt: Date | null;
}
