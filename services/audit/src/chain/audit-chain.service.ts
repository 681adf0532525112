import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_SIGNER } from '../audit.tokens';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { AuditEventRepository, type CheckpointRow } from '../audit-event/audit-event.repository';
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
const RANGE = 200_000;

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
    const fromSeq = request.fromSeq ?? 1;
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
      throw new AuditException(AuditErrorReason.INVALID_RANGE, `fromSeq must be at least 1, got ${fromSeq}`, { fields: [{ path: 'input.fromSeq', message: 'must be at least 1' }] });
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
    const [keys, previous, anchorHash] = await Promise.all([
      this.events.signingKeys(),
      fromSeq > 1 ? this.events.checkpointBefore(fromSeq) : Promise.resolve(undefined),
      fromSeq > 1 ? this.events.hashAt(fromSeq - 1) : Promise.resolve(undefined),
    ]);
    const verifier = new ChainVerifier({
      fromSeq,
      anchorHash,
      publicKeys: new Map(keys.map((k) => [k.key_id, k.public_key_pem])),
      checkpoints: checkpoints.map(toChainCheckpoint),
      previousCheckpoint: previous ? toChainCheckpoint(previous) : undefined,
      trusted: (request.trusted ?? []).filter((t) => t.seq >= fromSeq && (toHead || t.seq <= toSeq)),
    });
    const checkColumns = request.checkColumns ?? true;
    if (!checkColumns) {
      const mustReturn = [...checkpoints.map((c) => Number(c.seq)), ...(request.trusted ?? []).map((t) => t.seq)];
      await this.verifyInDatabase(verifier, fromSeq, toSeq, mustReturn, request.rangeSize ?? RANGE);
      return toVerificationModel(verifier.finish(), state);
    }
    let next = fromSeq;
    let batch = next <= toSeq ? this.events.sealedRange(next, toSeq, BATCH, checkColumns) : Promise.resolve([]);
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
    return toVerificationModel(verifier.finish(), state);
  }

  /**
   * The chain check without the column comparison: PostgreSQL hashes and links the rows where
   * they are (two ranges at a time, one per core), and the verifier sees only the rows that
   * matter — range ends, breaks, checkpoints — and takes the rest as verified runs.
   */
  private async verifyInDatabase(verifier: ChainVerifier, fromSeq: number, toSeq: number, mustReturn: number[], rangeSize: number): Promise<void> {
    const ranges: [number, number][] = [];
    for (let start = fromSeq; start <= toSeq; start += rangeSize) ranges.push([start, Math.min(toSeq, start + rangeSize - 1)]);
    const pending = ranges.slice(0, 2).map(([a, b]) => this.events.chainCheck(a, b, mustReturn));
    for (let i = 0; i < ranges.length; i++) {
      const rows = await pending[i]!;
      if (i + 2 < ranges.length) pending.push(this.events.chainCheck(ranges[i + 2]![0], ranges[i + 2]![1], mustReturn));
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

export function toChainCheckpoint(row: CheckpointRow): ChainCheckpoint {
  return { seq: Number(row.seq), hash: row.hash, keyId: row.key_id, payloadBytes: row.payload, signature: row.signature };
}
