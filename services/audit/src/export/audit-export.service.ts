import { Injectable } from '@nestjs/common';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { AuditEventRepository, type CheckpointRow, type RetentionAnchorRow } from '../audit-event/audit-event.repository';
import { GENESIS_HASH } from '../chain/audit-chain.canonical';
import {
  CSV_COLUMNS,
  csvRecord,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportCheckpointLine,
  type ExportEndLine,
  type ExportEventLine,
  type ExportHeader,
  type ExportRetentionAnchor,
} from './audit-export.format';

/** ExportFormat: JSONL (verifiable offline) or CSV (for spreadsheets; not verifiable). */
export type ExportFormat = 'jsonl' | 'csv';

/** ExportRequest selects events by when they occurred, or by seq; everything when empty. */
export interface ExportRequest {
  format: ExportFormat;
  since?: Date;
  until?: Date;
  fromSeq?: number;
  toSeq?: number;
}

const BATCH = 5000;

/**
 * AuditExportService streams sealed events as lines, reading the chain in batches by seq, so
 * memory stays flat however many events there are. A time window becomes the seq range that
 * covers it (the chain is contiguous, so a few events just outside the window may appear),
 * and a JSONL export runs on to the next checkpoint so that every event in it is signed.
 */
@Injectable()
export class AuditExportService {
  constructor(private readonly events: AuditEventRepository) {}

  async *lines(request: ExportRequest): AsyncGenerator<string> {
    const [state, anchor] = await Promise.all([this.events.chainState(), this.events.latestRetentionAnchor()]);
    const prunedBefore = anchor ? Number(anchor.cut_seq) + 1 : 1;
    const range = await this.range(request, state.headSeq, prunedBefore);
    if (request.format === 'csv') {
      yield `${CSV_COLUMNS.join(',')}\r\n`;
      if (!range) return;
      for (let next = range.fromSeq; next <= range.toSeq; ) {
        const rows = await this.events.sealedRows(next, range.toSeq, BATCH);
        if (rows.length === 0) break;
        yield rows.map(csvRecord).join('');
        next = Number(rows[rows.length - 1]!.seq) + 1;
      }
      return;
    }

    const fromSeq = range?.fromSeq ?? prunedBefore;
    const fromAnchor = anchor !== undefined && fromSeq === prunedBefore;
    let toSeq = range?.toSeq ?? 0;
    if (range) {
      const signedEnd = await this.events.firstCheckpointFrom(toSeq);
      if (signedEnd && Number(signedEnd.seq) <= state.headSeq) toSeq = Number(signedEnd.seq);
    }
    const [keys, checkpoints, previous, anchorHash] = await Promise.all([
      this.events.signingKeys(),
      range ? this.events.checkpoints(fromSeq, toSeq) : Promise.resolve([]),
      this.events.checkpointBefore(fromSeq),
      fromAnchor ? Promise.resolve(anchor.cut_hash) : fromSeq > 1 ? this.events.hashAt(fromSeq - 1) : Promise.resolve(GENESIS_HASH),
    ]);
    const header: ExportHeader = {
      type: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      fromSeq,
      toSeq,
      headSeq: state.headSeq,
      pendingCount: state.pendingCount,
      since: request.since?.toISOString() ?? null,
      until: request.until?.toISOString() ?? null,
      anchorHash: (anchorHash ?? GENESIS_HASH).toString('hex'),
      publicKeys: keys.map((k) => ({ keyId: k.key_id, algorithm: 'Ed25519', publicKeyPem: k.public_key_pem })),
      previousCheckpoint: previous ? toCheckpointLine(previous) : null,
      retention: fromAnchor ? toRetentionLine(anchor) : null,
    };
    yield `${JSON.stringify(header)}\n`;
    let events = 0;
    let lastSeq: number | null = null;
    let nextCheckpoint = 0;
    for (let next = fromSeq; range && next <= toSeq; ) {
      const rows = await this.events.sealedRange(next, toSeq, BATCH, false);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        const seq = Number(row.seq);
        const line: ExportEventLine = {
          type: 'event',
          seq,
          prevHash: row.prev_hash.toString('hex'),
          hash: row.hash.toString('hex'),
          canonical: row.canonical.toString('utf8'),
        };
        chunk += `${JSON.stringify(line)}\n`;
        while (nextCheckpoint < checkpoints.length && Number(checkpoints[nextCheckpoint]!.seq) === seq) {
          chunk += `${JSON.stringify(toCheckpointLine(checkpoints[nextCheckpoint++]!))}\n`;
        }
        events++;
        lastSeq = seq;
      }
      yield chunk;
      next = lastSeq! + 1;
    }
    const end: ExportEndLine = { type: 'end', events, checkpoints: nextCheckpoint, lastSeq };
    yield `${JSON.stringify(end)}\n`;
  }

  private async range(request: ExportRequest, headSeq: number, prunedBefore: number): Promise<{ fromSeq: number; toSeq: number } | undefined> {
    if (request.since && request.until && request.until <= request.since) {
      throw new AuditException(AuditErrorReason.INVALID_FILTER, 'until must be after since');
    }
    if (headSeq < prunedBefore) return undefined;
    // Events before prunedBefore were removed by retention: an export holds what is kept.
    let fromSeq = prunedBefore;
    let toSeq = headSeq;
    if (request.since || request.until) {
      const byTime = await this.events.seqRangeForTime(request.since, request.until);
      if (!byTime) return undefined;
      ({ fromSeq, toSeq } = byTime);
    }
    if (request.fromSeq !== undefined) fromSeq = Math.max(fromSeq, request.fromSeq);
    if (request.toSeq !== undefined) toSeq = Math.min(toSeq, request.toSeq);
    return fromSeq <= toSeq ? { fromSeq, toSeq } : undefined;
  }
}

function toRetentionLine(anchor: RetentionAnchorRow): ExportRetentionAnchor {
  return {
    prunedBefore: Number(anchor.cut_seq) + 1,
    keptFrom: anchor.kept_from,
    prunedAt: anchor.pruned_at.toISOString(),
    operator: anchor.operator,
    ticket: anchor.ticket,
    seal: {
      month: anchor.seal_month,
      lastSeq: Number(anchor.seal_last_seq),
      hash: anchor.seal_hash.toString('hex'),
      keyId: anchor.seal_key_id,
      payload: anchor.seal_payload.toString('utf8'),
      signature: anchor.seal_signature.toString('base64'),
    },
  };
}

function toCheckpointLine(row: CheckpointRow): ExportCheckpointLine {
  return {
    type: 'checkpoint',
    seq: Number(row.seq),
    hash: row.hash.toString('hex'),
    keyId: row.key_id,
    payload: row.payload.toString('utf8'),
    signature: row.signature.toString('base64'),
  };
}
