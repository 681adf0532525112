import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';
import type { AuditEventRow } from './audit-event.row';
import { AuditActorKind } from './audit-event.types';

/** AuditEventStatus says whether an event is in the hash chain yet. */
export enum AuditEventStatus {
  PENDING = 'PENDING',
  SEALED = 'SEALED',
}

registerEnumType(AuditActorKind, { name: 'AuditActorKind', description: 'Who acted: a person, an API token, or Gatehouse itself.' });
registerEnumType(AuditEventStatus, { name: 'AuditEventStatus', description: 'PENDING until the sealer puts the event in the hash chain (milliseconds).' });

/** AuditActorModel is whoever caused an event, as known when it happened. */
@ObjectType('AuditActor')
export class AuditActorModel {
  @Field(() => AuditActorKind)
  kind: AuditActorKind;

  @Field()
  id: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field(() => String, { nullable: true })
  ip: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;
}

/** AuditSubjectModel is what an event is about. */
@ObjectType('AuditSubject')
export class AuditSubjectModel {
  @Field()
  type: string;

  @Field()
  id: string;
}

/** AuditEventModel is one entry of the append-only audit log, with its place in the hash chain. */
@ObjectType('AuditEvent')
export class AuditEventModel {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { nullable: true, description: 'Position in the hash chain; null while pending.' })
  seq: number | null;

  @Field(() => AuditEventStatus)
  status: AuditEventStatus;

  @Field(() => GraphQLISODateTime)
  occurredAt: Date;

  @Field(() => AuditActorModel)
  actor: AuditActorModel;

  @Field({ description: 'Dotted action name, e.g. promotion.requested.' })
  action: string;

  @Field(() => AuditSubjectModel)
  subject: AuditSubjectModel;

  @Field(() => String, { nullable: true })
  application: string | null;

  @Field(() => String, { nullable: true })
  environment: string | null;

  @Field({ description: 'The event data as JSON text.' })
  data: string;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the previous event in the chain (all zeroes for seq 1).' })
  prevHash: string | null;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256(prevHash ‖ canonical).' })
  hash: string | null;

  @Field(() => String, { nullable: true, description: 'The RFC 8785 bytes that were hashed, as UTF-8 text.' })
  canonical: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  sealedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The seq before this one in the chain.' })
  previousSeq: number | null;

  @Field(() => Int, { nullable: true, description: 'The seq after this one, when it is sealed already.' })
  nextSeq: number | null;
}

/** AuditEventConnection is one page of events, newest first. */
@ObjectType()
export class AuditEventConnection extends Connection(AuditEventModel, 'AuditEvent') {}

/** Maps a row to the model; `headSeq` tells whether a next event exists. */
export function toAuditEventModel(row: AuditEventRow, headSeq: number): AuditEventModel {
  const seq = row.seq === null ? null : Number(row.seq);
  return {
    id: row.id,
    seq,
    status: seq === null ? AuditEventStatus.PENDING : AuditEventStatus.SEALED,
    occurredAt: row.occurred_at,
    actor: {
      kind: row.actor_kind as AuditActorKind,
      id: row.actor_id,
      displayName: row.actor_display_name,
      ip: row.actor_ip,
      userAgent: row.actor_user_agent,
    },
    action: row.action,
    subject: { type: row.subject_type, id: row.subject_id },
    application: row.application,
    environment: row.environment,
    data: JSON.stringify(row.data),
    requestId: row.request_id,
    prevHash: row.prev_hash?.toString('hex') ?? null,
    hash: row.hash?.toString('hex') ?? null,
    canonical: row.canonical?.toString('utf8') ?? null,
    sealedAt: row.sealed_at,
    previousSeq: seq !== null && seq > 1 ? seq - 1 : null,
    nextSeq: seq !== null && seq < headSeq ? seq + 1 : null,
  };
}
