import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_MIN_RETENTION_MONTHS } from '@gatehouse/shared';
import { AUDIT_SIGNER } from '../audit.tokens';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { AuditEventRepository, type CheckpointRow, type RetentionAnchorRow } from '../audit-event/audit-event.repository';
import type { MonthSeal } from '../checkpoint/audit-month-seal';
import type { AuditSigner } from '../checkpoint/audit-signer';
import { AuditPublicKeyModel, toVerificationModel, type AuditChainVerificationModel } from './audit-chain.model';
import { ChainVerifier, type ChainCheckpoint, type TrustedCheckpoint } from './audit-chain.verifier';

/** VerifyChainRequest: the range (defaults: the whole chain) and what to check besides the chain. */
export interface VerifyChainRequest {
  fromSeq?: number | null;
  toSeq?: number | null;
  /** Also compare every row's columns with its sealed bytes (in the database; costs time on big ranges). */
  checkColumns?: boolean;
  /** Chain heads kept outside the database, e.g. the last checkpoint of an earlier export. */
  trusted?: TrustedCheckpoint[];
  /** Seqs per database query on the fast path (tests use tiny ranges to put breaks on range ends). */
  rangeSize?: number;
}

const BATCH = 20_000;
const RANGE = 100_000;

/** The next seq the verifier expects (undefined once broken). */
function verifierExpected(verifier: ChainVerifier): number | undefined {
  return verifier.isBroken ? undefined : verifier.expectedNext;
}

/** AuditChainService verifies the stored chain and publishes the checkpoint keys. */
@Injectable()
export class AuditChainService {
  constructor(
    private readonly events: AuditEventRepository,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  /**
   * Verifies seq `fromSeq`..`toSeq` against the database, streaming batches (the next batch
   * loads while the current one is hashed), and names the first broken seq.
   */
  async verify(request: VerifyChainRequest = {}): Promise<AuditChainVerificationModel> {
    // After a prune, the log starts after the retention anchor's month seal.
    const anchor = await this.events.latestRetentionAnchor();
    const prunedBefore = anchor ? Number(anchor.cut_seq) + 1 : 1;
    const fromSeq = request.fromSeq ?? prunedBefore;
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
      throw new AuditException(AuditErrorReason.INVALID_RANGE, `fromSeq must be at least 1, got ${fromSeq}`, { fields: [{ path: 'input.fromSeq', message: 'must be at least 1' }] });
    }
    if (anchor && fromSeq < prunedBefore) {
      throw new AuditException(
        AuditErrorReason.INVALID_RANGE,
        `seq 1–${prunedBefore - 1} were removed by retention on ${anchor.pruned_at.toISOString()} (events recorded before ${anchor.kept_from}); verify from seq ${prunedBefore}`,
        { fields: [{ path: 'input.fromSeq', message: `must be at least ${prunedBefore} (earlier events were pruned)` }] },
      );
    }
    if (request.toSeq != null && request.toSeq < fromSeq) {
      throw new AuditException(AuditErrorReason.INVALID_RANGE, `toSeq (${request.toSeq}) is before fromSeq (${fromSeq})`, { fields: [{ path: 'input.toSeq', message: 'must not be before fromSeq' }] });
    }
    // Checkpoints first, the head after: a checkpoint commits with its events, so every
    // checkpoint read here is at or below the head read next, unless events were removed.
    const stored = await this.events.checkpoints(fromSeq, request.toSeq ?? null);
    const state = await this.events.chainState();
    const toHead = request.toSeq == null || request.toSeq >= state.headSeq;
    const toSeq = toHead ? state.headSeq : request.toSeq!;
    const checkpoints = toHead ? stored : stored.filter((c) => Number(c.seq) <= toSeq);
    const fromAnchor = anchor !== undefined && fromSeq === prunedBefore;
    const [keys, previous, anchorHash] = await Promise.all([
      this.events.signingKeys(),
      fromSeq > 1 ? this.events.checkpointBefore(fromSeq) : Promise.resolve(undefined),
      fromAnchor ? Promise.resolve(anchor.cut_hash) : fromSeq > 1 ? this.events.hashAt(fromSeq - 1) : Promise.resolve(undefined),
    ]);
    const verifier = new ChainVerifier({
      fromSeq,
      anchorHash,
      retentionAnchor: fromAnchor ? { seal: toMonthSeal(anchor), now: new Date(), minimumMonths: AUDIT_MIN_RETENTION_MONTHS } : undefined,
      publicKeys: new Map(keys.map((k) => [k.key_id, k.public_key_pem])),
      checkpoints: checkpoints.map(toChainCheckpoint),
      previousCheckpoint: previous ? toChainCheckpoint(previous) : undefined,
      trusted: (request.trusted ?? []).filter((t) => t.seq >= fromSeq && (toHead || t.seq <= toSeq)),
    });
    const checkColumns = request.checkColumns ?? true;
    if (!checkColumns) {
      const mustReturn = [...checkpoints.map((c) => Number(c.seq)), ...(request.trusted ?? []).map((t) => t.seq)];
      if (!verifier.isBroken) await this.verifyInDatabase(verifier, fromSeq, toSeq, mustReturn, request.rangeSize ?? RANGE);
      return toVerificationModel(verifier.finish(), state, anchor);
    }
    let next = fromSeq;
    let batch = next <= toSeq && !verifier.isBroken ? this.events.sealedRange(next, toSeq, BATCH, checkColumns) : Promise.resolve([]);
    while (true) {
      const rows = await batch;
      if (rows.length === 0) break;
      next = Number(rows[rows.length - 1]!.seq) + 1;
      batch = rows.length === BATCH && next <= toSeq ? this.events.sealedRange(next, toSeq, BATCH, checkColumns) : Promise.resolve([]);
      const ok = verifier.add(
        rows.map((row) => ({ seq: Number(row.seq), canonical: row.canonical, prevHash: row.prev_hash, hash: row.hash, columnsMatch: row.columns_match })),
      );
      if (!ok) {
        await batch.catch(() => undefined);
        break;
      }
    }
    return toVerificationModel(verifier.finish(), state, anchor);
  }

  /**
   * The chain check without the column comparison: PostgreSQL hashes and links the rows where
   * they are, month partition by month partition in ranges of `rangeSize` seqs (two ranges at a
   * time, one per core), and the verifier sees only the rows that matter — range ends, breaks,
   * checkpoints — and takes the rest as verified runs.
   */
  private async verifyInDatabase(verifier: ChainVerifier, fromSeq: number, toSeq: number, mustReturn: number[], rangeSize: number): Promise<void> {
    const ranges: { partition: string; from: number; to: number }[] = [];
    for (const { partition, minSeq, maxSeq } of await this.events.chainPartitions(fromSeq, toSeq)) {
      for (let start = minSeq; start <= maxSeq; start += rangeSize) ranges.push({ partition, from: start, to: Math.min(maxSeq, start + rangeSize - 1) });
    }
    const check = (i: number) => this.events.chainCheck(ranges[i]!.from, ranges[i]!.to, mustReturn, ranges[i]!.partition);
    const pending = ranges.slice(0, 2).map((_, i) => check(i));
    for (let i = 0; i < ranges.length; i++) {
      const rows = await pending[i]!;
      if (i + 2 < ranges.length) pending.push(check(i + 2));
      let ok = true;
      for (const row of rows) {
        // Rows between the previous returned one and this one passed every check in the database.
        if (row.lagSeq !== null && row.lagSeq >= (verifierExpected(verifier) ?? row.seq)) {
          ok = verifier.addVerifiedRun(verifierExpected(verifier)!, row.lagSeq, row.lagHash!);
          if (!ok) break;
        }
        ok = verifier.add([{ seq: row.seq, prevHash: row.prevHash, hash: row.hash, hashMatches: row.hashOk, canonical: row.canonical ?? undefined }]);
        if (!ok) break;
      }
      if (!ok) {
        await Promise.allSettled(pending.slice(i + 1));
        return;
      }
    }
  }

  /** The chain head and how many committed events wait for the sealer (for monitoring). */
  state(): Promise<{ headSeq: number; pendingCount: number }> {
    return this.events.chainState();
  }

  async publicKey(): Promise<AuditPublicKeyModel> {
    const keys = await this.events.signingKeys();
    const knownKeys = keys.map((k) => ({ keyId: k.key_id, algorithm: 'Ed25519', publicKeyPem: k.public_key_pem, firstUsedAt: k.first_used_at }));
    return {
      keyId: this.signer.keyId,
      algorithm: 'Ed25519',
      publicKeyPem: this.signer.publicKeyPem,
      firstUsedAt: knownKeys.find((k) => k.keyId === this.signer.keyId)?.firstUsedAt ?? null,
      knownKeys,
    };
  }
}

/** The month seal a retention anchor cut at, as the verifier checks it. */
export function toMonthSeal(anchor: RetentionAnchorRow): MonthSeal {
  return {
    month: anchor.seal_month,
    lastSeq: Number(anchor.seal_last_seq),
    hash: anchor.seal_hash,
    keyId: anchor.seal_key_id,
    payloadBytes: anchor.seal_payload,
    signature: anchor.seal_signature,
  };
}

export function toChainCheckpoint(row: CheckpointRow): ChainCheckpoint {
  return { seq: Number(row.seq), hash: row.hash, keyId: row.key_id, payloadBytes: row.payload, signature: row.signature };
}
