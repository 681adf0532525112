import { createPublicKey } from 'node:crypto';
import { AUDIT_MIN_RETENTION_MONTHS } from '@gatehouse/shared';
import { keyIdOf } from '../chain/audit-chain.canonical';
import {
  AuditChainProblem,
  ChainVerifier,
  type ChainCheckpoint,
  type ChainVerificationResult,
  type TrustedCheckpoint,
} from '../chain/audit-chain.verifier';
import { EXPORT_FORMAT, type ExportCheckpointLine, type ExportHeader } from './audit-export.format';

/** ExportVerificationOptions: what the auditor brings from outside the file. */
export interface ExportVerificationOptions {
  /** PEM public key(s) the auditor trusts; when given, checkpoints signed by any other key fail. */
  pinnedPublicKeys?: string[];
  /** Chain heads the auditor kept from earlier exports: a shorter or different chain fails. */
  trusted?: TrustedCheckpoint[];
  /** The verifier's clock, for the minimum-retention check of a pruned file (default: now). */
  now?: Date;
}

/** ExportVerificationResult is a chain verification plus what the file's header says. */
export interface ExportVerificationResult extends ChainVerificationResult {
  sealedFrom: number;
  sealedTo: number;
  headSeq: number | null;
  pendingCount: number | null;
  exportedAt: string | null;
  /** The first seq not removed by retention, when the file starts at a retention cut. */
  prunedBefore: number | null;
}

/**
 * Verifies a JSONL export line by line with no server and no database: the header's anchor,
 * every event's link and hash, every checkpoint's Ed25519 signature and link, the end line,
 * and any checkpoints the auditor kept. Memory stays flat: the file is never held whole.
 */
export async function verifyAuditExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: ExportVerificationOptions = {},
): Promise<ExportVerificationResult> {
  let header: ExportHeader | undefined;
  let verifier: ChainVerifier | undefined;
  let ended = false;
  let lineNo = 0;
  const incomplete = (seq: number, message: string): ExportVerificationResult => {
    const base: ChainVerificationResult = verifier?.finish() ?? {
      valid: false, checkedFrom: null, checkedTo: null, eventsChecked: 0, checkpointsChecked: 0, lastCheckpoint: null, unsignedTail: 0, keyIds: [], firstBroken: null, anchoredBy: null,
    };
    const firstBroken = base.firstBroken ?? { seq, problem: AuditChainProblem.INCOMPLETE_EXPORT, message };
    return withHeader({ ...base, valid: false, firstBroken }, header);
  };

  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    let record: { type?: string } & Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      return incomplete(0, `line ${lineNo} is not JSON`);
    }
    if (ended) return incomplete(0, `line ${lineNo} follows the end line`);
    if (!header) {
      if (record.type !== EXPORT_FORMAT) return incomplete(0, `line 1 is not a ${EXPORT_FORMAT} header`);
      header = record as unknown as ExportHeader;
      verifier = startVerifier(header, options);
      continue;
    }
    switch (record.type) {
      case 'event': {
        const ok = verifier!.add([
          {
            seq: record.seq as number,
            canonical: Buffer.from(record.canonical as string, 'utf8'),
            prevHash: Buffer.from(record.prevHash as string, 'hex'),
            hash: Buffer.from(record.hash as string, 'hex'),
          },
        ]);
        if (!ok) return withHeader(verifier!.finish(), header);
        break;
      }
      case 'checkpoint':
        if (!verifier!.addCheckpoint(toChainCheckpoint(record as unknown as ExportCheckpointLine))) return withHeader(verifier!.finish(), header);
        break;
      case 'end': {
        ended = true;
        const result = verifier!.finish();
        if (!result.valid) return withHeader(result, header);
        if ((record.events as number) !== result.eventsChecked) {
          return incomplete(0, `the end line counts ${String(record.events)} events, the file holds ${result.eventsChecked}`);
        }
        break;
      }
      default:
        return incomplete(0, `line ${lineNo} has unknown type ${JSON.stringify(record.type)}`);
    }
  }
  if (!header) return incomplete(0, 'the file is empty');
  if (!ended) {
    return incomplete((verifier!.finish().checkedTo ?? header.fromSeq - 1) + 1, 'the file ends without its end line: it was cut short');
  }
  return withHeader(verifier!.finish(), header);
}

function startVerifier(header: ExportHeader, options: ExportVerificationOptions): ChainVerifier {
  const publicKeys = new Map(header.publicKeys.map((k) => [k.keyId, k.publicKeyPem]));
  let pinnedKeyIds: Set<string> | undefined;
  if (options.pinnedPublicKeys?.length) {
    pinnedKeyIds = new Set();
    for (const pem of options.pinnedPublicKeys) {
      const keyId = keyIdOf(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
      pinnedKeyIds.add(keyId);
      publicKeys.set(keyId, pem);
    }
  }
  return new ChainVerifier({
    fromSeq: header.fromSeq,
    anchorHash: Buffer.from(header.anchorHash, 'hex'),
    publicKeys,
    pinnedKeyIds,
    checkpoints: [],
    previousCheckpoint: header.previousCheckpoint ? toChainCheckpoint(header.previousCheckpoint) : undefined,
    trusted: options.trusted?.filter((t) => t.seq >= header.fromSeq),
    retentionAnchor: header.retention
      ? {
          seal: {
            month: header.retention.seal.month,
            lastSeq: header.retention.seal.lastSeq,
            hash: Buffer.from(header.retention.seal.hash, 'hex'),
            keyId: header.retention.seal.keyId,
            payloadBytes: Buffer.from(header.retention.seal.payload, 'utf8'),
            signature: Buffer.from(header.retention.seal.signature, 'base64'),
          },
          now: options.now ?? new Date(),
          minimumMonths: AUDIT_MIN_RETENTION_MONTHS,
        }
      : undefined,
  });
}

function toChainCheckpoint(line: ExportCheckpointLine): ChainCheckpoint {
  return {
    seq: line.seq,
    hash: Buffer.from(line.hash, 'hex'),
    keyId: line.keyId,
    payloadBytes: Buffer.from(line.payload, 'utf8'),
    signature: Buffer.from(line.signature, 'base64'),
  };
}

function withHeader(result: ChainVerificationResult, header: ExportHeader | undefined): ExportVerificationResult {
  return {
    ...result,
    sealedFrom: header?.fromSeq ?? 0,
    sealedTo: header?.toSeq ?? 0,
    headSeq: header?.headSeq ?? null,
    pendingCount: header?.pendingCount ?? null,
    exportedAt: header?.exportedAt ?? null,
    prunedBefore: header?.retention?.prunedBefore ?? null,
  };
}
