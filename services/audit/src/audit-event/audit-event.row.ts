import { CANONICAL_EVENT_VERSION, type SealedEventDocument } from '../chain/audit-chain.canonical';

/** AuditEventRow is one row of audit.event as the repository selects it (see EVENT_COLUMNS). */
export interface AuditEventRow {
  pk: string;
  id: string;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  actor_display_name: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  application: string | null;
  environment: string | null;
  data: unknown;
  request_id: string | null;
  seq: string | null;
  canonical: Buffer | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
  sealed_at: Date | null;
}

/** The select list that yields an AuditEventRow. */
export const EVENT_COLUMNS = `pk, id, occurred_at, actor_kind, actor_id, actor_display_name, actor_ip, actor_user_agent,
  action, subject_type, subject_id, application, environment, data, request_id, seq, canonical, prev_hash, hash, sealed_at`;

/** The document the sealer hashes for a row at a given position. */
export function toSealedDocument(row: AuditEventRow, seq: number): SealedEventDocument {
  return {
    v: CANONICAL_EVENT_VERSION,
    seq,
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actor: {
      kind: row.actor_kind,
      id: row.actor_id,
      displayName: row.actor_display_name,
      ip: row.actor_ip,
      userAgent: row.actor_user_agent,
    },
    action: row.action,
    subject: { type: row.subject_type, id: row.subject_id },
    application: row.application,
    environment: row.environment,
    data: row.data,
    requestId: row.request_id,
  };
}

/**
 * SQL that rebuilds the sealed document from a row's columns, as jsonb. Verification compares
 * it with the stored canonical bytes (as jsonb) so that an edited column is caught even when
 * the canonical bytes and the hashes were left alone. Runs in the database, beside the scan.
 */
export const DOCUMENT_FROM_COLUMNS_SQL = `jsonb_build_object(
  'v', ${CANONICAL_EVENT_VERSION}, 'seq', seq, 'id', id,
  'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'actor', jsonb_build_object('kind', actor_kind, 'id', actor_id, 'displayName', actor_display_name, 'ip', actor_ip, 'userAgent', actor_user_agent),
  'action', action, 'subject', jsonb_build_object('type', subject_type, 'id', subject_id),
  'application', application, 'environment', environment, 'data', data, 'requestId', request_id)`;
