import { stringify } from 'csv-stringify/sync';
import type { AuditEventRow } from '../audit-event/audit-event.row';

/** The `type` of an export's first line; the offline verifier refuses anything else. */
export const EXPORT_FORMAT = 'gatehouse.audit.export';
export const EXPORT_VERSION = 1;

/** ExportHeader is the first line of a JSONL export. */
export interface ExportHeader {
  type: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  fromSeq: number;
  toSeq: number;
  headSeq: number;
  pendingCount: number;
  since: string | null;
  until: string | null;
  /** The hash before fromSeq (all zeroes from seq 1): the chain in the file continues from it. */
  anchorHash: string;
  publicKeys: { keyId: string; algorithm: 'Ed25519'; publicKeyPem: string }[];
  /** The checkpoint before fromSeq, so the first checkpoint in the file can be linked to it. */
  previousCheckpoint: ExportCheckpointLine | null;
  /**
   * When the file starts where retention cut the log: the signed month seal at the cut, which
   * the offline verifier checks (genuine, at fromSeq - 1, hash = anchorHash, old enough).
   * Absent in files written before retention existed.
   */
  retention?: ExportRetentionAnchor | null;
}

/** ExportRetentionAnchor: which events retention removed, and the month seal the file's chain continues from. */
export interface ExportRetentionAnchor {
  prunedBefore: number;
  keptFrom: string;
  prunedAt: string;
  operator: string;
  ticket: string | null;
  seal: { month: string; lastSeq: number; hash: string; keyId: string; payload: string; signature: string };
}

/** ExportEventLine carries one sealed event exactly as hashed. */
export interface ExportEventLine {
  type: 'event';
  seq: number;
  prevHash: string;
  hash: string;
  /** The RFC 8785 bytes that were hashed, as UTF-8 text. */
  canonical: string;
}

/** ExportCheckpointLine carries one signed checkpoint; it follows the event at its seq. */
export interface ExportCheckpointLine {
  type: 'checkpoint';
  seq: number;
  hash: string;
  keyId: string;
  /** The signed bytes (canonical JSON) as UTF-8 text. */
  payload: string;
  signature: string;
}

/** ExportEndLine closes the file; a file without it was cut short. */
export interface ExportEndLine {
  type: 'end';
  events: number;
  checkpoints: number;
  lastSeq: number | null;
}

export const CSV_COLUMNS = [
  'seq', 'id', 'occurredAt', 'actorKind', 'actorId', 'actorDisplayName', 'actorIp', 'actorUserAgent', 'action',
  'subjectType', 'subjectId', 'application', 'environment', 'requestId', 'data', 'prevHash', 'hash',
] as const;

/** One CSV record (CRLF-terminated, as RFC 4180 says) for a sealed row. */
export function csvRecord(row: AuditEventRow): string {
  const values: (string | number | null)[] = [
    row.seq, row.id, row.occurred_at.toISOString(), row.actor_kind, row.actor_id, row.actor_display_name, row.actor_ip,
    row.actor_user_agent, row.action, row.subject_type, row.subject_id, row.application, row.environment, row.request_id,
    JSON.stringify(row.data), row.prev_hash?.toString('hex') ?? null, row.hash?.toString('hex') ?? null,
  ];
  // RFC 4180 quoting and CRLF from csv-stringify; formula-like cells (=, +, -, @ …) are
  // neutralised, because auditors open these files in spreadsheets.
  return stringify([values], { record_delimiter: '\r\n', escape_formulas: true });
}
