/** AuditActorKind says who acted: a person, an API token, or Gatehouse itself. */
export enum AuditActorKind {
  USER = 'USER',
  TOKEN = 'TOKEN',
  SYSTEM = 'SYSTEM',
}

/** AuditActor is whoever caused an event, as known when it happened. */
export interface AuditActor {
  kind: AuditActorKind | `${AuditActorKind}`;
  id: string;
  displayName?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** AuditSubject is the thing an event is about, e.g. `{ type: 'change', id }`. */
export interface AuditSubject {
  type: string;
  id: string;
}

/**
 * AuditEventInput is what a caller records. `action` is a dotted name (`promotion.requested`).
 * Put `changeId` in `data` when an event concerns a change that is not its subject, so that
 * the change's evidence pack finds it.
 */
export interface AuditEventInput {
  action: string;
  actor: AuditActor;
  subject: AuditSubject;
  application?: string | null;
  environment?: string | null;
  data?: Record<string, unknown>;
  requestId?: string | null;
  /** Defaults to now; kept to the millisecond. */
  occurredAt?: Date;
  /** Defaults to a random UUID; an id that already exists fails the transaction. */
  id?: string;
}

/** RecordedAuditEvent identifies an event that was written (pending until the sealer seals it). */
export interface RecordedAuditEvent {
  id: string;
  occurredAt: Date;
}
