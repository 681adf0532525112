import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '@gatehouse/shared';
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
  // Prepared once per connection: every audited action runs this statement.
  await preparedQuery(manager, INSERT, insertParameters(rows));
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

/** Most events one shared commit of standalone events carries, and most bytes of their data. */
const MAX_GROUP_EVENTS = 500;
const MAX_GROUP_DATA_BYTES = 4 * 1024 * 1024;
/** Shared commits in flight at once: while one waits for its WAL flush, the next group forms. */
const MAX_GROUPS_IN_FLIGHT = 2;

interface QueuedEvent {
  row: NormalizedEvent;
  bytes: number;
  resolve: (recorded: RecordedAuditEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * StandaloneAppender group-commits standalone events. Events that are the whole action (a
 * refused sign-in, a refused approval, a rejected webhook) arrive in floods exactly when
 * something is wrong; one durable commit each would cap them at the database's commit rate.
 * Calls that arrive while a commit is in flight wait for the next one and share it: one
 * multi-row INSERT statement, which PostgreSQL runs as its own transaction, so every event of
 * the group is durable when its call resolves, and none is when it rejects. A group that fails
 * is retried one event at a time, so one bad event fails only its own call.
 */
class StandaloneAppender {
  private queue: QueuedEvent[] = [];
  private inFlight = 0;
  private drainScheduled = false;

  constructor(private readonly dataSource: DataSource) {}

  append(row: NormalizedEvent): Promise<RecordedAuditEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, bytes: Buffer.byteLength(row.data), resolve, reject });
      this.scheduleDrain();
    });
  }

  /**
   * Groups form at the end of the event loop's turn (setImmediate), not at the first call: every
   * event recorded during the turn — by requests that arrived together, or by the callers a
   * commit just answered — goes into the same group.
   */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < MAX_GROUPS_IN_FLIGHT && this.queue.length > 0) {
      const group = this.take();
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.scheduleDrain();
      });
    }
  }

  /** The oldest queued events, up to the group limits (at least one). */
  private take(): QueuedEvent[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < MAX_GROUP_EVENTS && (count === 0 || bytes + this.queue[count]!.bytes <= MAX_GROUP_DATA_BYTES)) {
      bytes += this.queue[count]!.bytes;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async commit(group: QueuedEvent[]): Promise<void> {
    try {
      await preparedQuery(this.dataSource, INSERT, insertParameters(group.map((queued) => queued.row)));
      for (const queued of group) queued.resolve({ id: queued.row.id, occurredAt: queued.row.occurredAt });
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // Nothing of the group was committed (one statement); each event gets its own attempt.
      await Promise.all(group.map((queued) => this.commit([queued])));
    }
  }
}

const appenders = new WeakMap<DataSource, StandaloneAppender>();

/**
 * Records an event that is the whole action, outside any transaction of the caller: it is
 * validated at once (an invalid event throws here, before anything is queued), then committed
 * durably together with the standalone events other requests record at the same moment (see
 * StandaloneAppender). Resolves only once the event is committed.
 */
export async function recordStandaloneAuditEvent(dataSource: DataSource, event: AuditEventInput): Promise<RecordedAuditEvent> {
  const row = normalize(event);
  let appender = appenders.get(dataSource);
  if (!appender) {
    appender = new StandaloneAppender(dataSource);
    appenders.set(dataSource, appender);
  }
  return appender.append(row);
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

  /** Records an event that is the whole action, group-committed with concurrent ones; see recordStandaloneAuditEvent. */
  recordStandalone(event: AuditEventInput): Promise<RecordedAuditEvent> {
    return recordStandaloneAuditEvent(this.dataSource, event);
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
  else if (occurredAt.getUTCFullYear() < 1 || occurredAt.getUTCFullYear() > 9999) problems.push('occurredAt must lie in the years 1 to 9999');
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
