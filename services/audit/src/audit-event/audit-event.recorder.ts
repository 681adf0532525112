import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AUDIT_DATA_SOURCE } from '../audit.tokens';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { canonicalJson, isWellFormed } from '../chain/audit-chain.canonical';
import { AuditActorKind, type AuditEventInput, type RecordedAuditEvent } from './audit-event.types';

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DATA_BYTES = 64 * 1024;
const MAX_TEXT = 1000;

const INSERT = `
  INSERT INTO audit.event (id, occurred_at, actor_kind, actor_id, actor_display_name, actor_ip, actor_user_agent,
                           action, subject_type, subject_id, application, environment, data, request_id)
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[])`;

/**
 * Writes audit events inside the caller's transaction: the event commits with the action or
 * not at all. Throws AuditException(NOT_IN_TRANSACTION) when the manager has no open
 * transaction, because an event written on its own could outlive a rolled-back action.
 */
export async function recordAuditEvents(manager: EntityManager, events: AuditEventInput[]): Promise<RecordedAuditEvent[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new AuditException(
      AuditErrorReason.NOT_IN_TRANSACTION,
      'Audit events are recorded inside the transaction of the action they describe; pass the EntityManager of an open transaction.',
    );
  }
  if (events.length === 0) return [];
  const rows = events.map(normalize);
  await manager.query(INSERT, insertParameters(rows));
  return rows.map((row) => ({ id: row.id, occurredAt: row.occurredAt }));
}

type NormalizedEvent = ReturnType<typeof normalize>;

function insertParameters(rows: NormalizedEvent[]): unknown[][] {
  const column = <K extends keyof NormalizedEvent>(key: K) => rows.map((row) => row[key]);
  return [
    column('id'),
    column('occurredAt'),
    column('actorKind'),
    column('actorId'),
    column('actorDisplayName'),
    column('actorIp'),
    column('actorUserAgent'),
    column('action'),
    column('subjectType'),
    column('subjectId'),
    column('application'),
    column('environment'),
    column('data'),
    column('requestId'),
  ];
}

/** Records one event inside the caller's transaction; see recordAuditEvents. */
export async function recordAuditEvent(manager: EntityManager, event: AuditEventInput): Promise<RecordedAuditEvent> {
  const [recorded] = await recordAuditEvents(manager, [event]);
  return recorded!;
}

/**
 * AuditRecorder is the injectable face of the recorder. `record` joins the caller's
 * transaction; `recordStandalone` is for events that are the whole action (a failed login).
 */
@Injectable()
export class AuditRecorder {
  constructor(@Inject(AUDIT_DATA_SOURCE) private readonly dataSource: DataSource) {}

  record(manager: EntityManager, event: AuditEventInput): Promise<RecordedAuditEvent> {
    return recordAuditEvent(manager, event);
  }

  recordMany(manager: EntityManager, events: AuditEventInput[]): Promise<RecordedAuditEvent[]> {
    return recordAuditEvents(manager, events);
  }

  /**
   * Records an event that is the whole action, as one INSERT statement: PostgreSQL runs a lone
   * statement as its own transaction, so the event is committed (durably) when this resolves,
   * in one round trip instead of three (BEGIN, INSERT, COMMIT).
   */
  async recordStandalone(event: AuditEventInput): Promise<RecordedAuditEvent> {
    const row = normalize(event);
    await this.dataSource.query(INSERT, insertParameters([row]));
    return { id: row.id, occurredAt: row.occurredAt };
  }
}

function normalize(event: AuditEventInput) {
  const problems: string[] = [];
  const text = (value: unknown, path: string, required: boolean): string | null => {
    if (value === undefined || value === null || value === '') {
      if (required) problems.push(`${path} is required`);
      return null;
    }
    if (typeof value !== 'string') problems.push(`${path} must be a string`);
    else if (value.length > MAX_TEXT) problems.push(`${path} must be at most ${MAX_TEXT} characters`);
    else if (!isWellFormed(value) || value.includes('\u0000')) problems.push(`${path} must be valid text`);
    return typeof value === 'string' ? value : null;
  };
  if (typeof event.action !== 'string' || !ACTION.test(event.action)) {
    problems.push(`action must be a dotted lower-case name such as promotion.requested, got ${JSON.stringify(event.action)}`);
  }
  if (!Object.values(AuditActorKind).includes(event.actor?.kind as AuditActorKind)) {
    problems.push(`actor.kind must be one of ${Object.values(AuditActorKind).join(', ')}`);
  }
  const id = event.id ?? randomUUID();
  if (!UUID.test(id)) problems.push('id must be a UUID');
  const occurredAt = event.occurredAt ?? new Date();
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) problems.push('occurredAt must be a valid date');
  let data = '{}';
  if (event.data !== undefined) {
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      problems.push('data must be a JSON object');
    } else {
      try {
        // Canonical JSON refuses what would not survive the round trip through jsonb and back.
        data = canonicalJson(event.data);
        if (data.includes('\\u0000')) problems.push('data must not contain NUL characters');
        if (Buffer.byteLength(data) > MAX_DATA_BYTES) problems.push(`data must be at most ${MAX_DATA_BYTES} bytes as JSON`);
      } catch (error) {
        problems.push(`data must be plain JSON: ${(error as Error).message}`);
      }
    }
  }
  const row = {
    id,
    occurredAt,
    actorKind: String(event.actor?.kind),
    actorId: text(event.actor?.id, 'actor.id', true),
    actorDisplayName: text(event.actor?.displayName, 'actor.displayName', false),
    actorIp: text(event.actor?.ip, 'actor.ip', false),
    actorUserAgent: text(event.actor?.userAgent, 'actor.userAgent', false),
    action: event.action,
    subjectType: text(event.subject?.type, 'subject.type', true),
    subjectId: text(event.subject?.id, 'subject.id', true),
    application: text(event.application, 'application', false),
    environment: text(event.environment, 'environment', false),
    data,
    requestId: text(event.requestId, 'requestId', false),
  };
  if (problems.length > 0) {
    throw new AuditException(AuditErrorReason.INVALID_EVENT, `Invalid audit event: ${problems.join('; ')}`, { problems });
  }
  return row;
}
