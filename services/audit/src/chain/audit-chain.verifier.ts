import { timingSafeEqual } from 'node:crypto';
import { chainHash, GENESIS_HASH } from './audit-chain.canonical';
import { checkpointSignatureValid, parseCheckpointPayload } from '../checkpoint/audit-checkpoint';
import { monthSealProblem, type MonthSeal } from '../checkpoint/audit-month-seal';

/** AuditChainProblem names what broke at the first broken position. */
export enum AuditChainProblem {
  /** A seq is missing: the event there was deleted. */
  MISSING_EVENT = 'MISSING_EVENT',
  /** A seq appears twice or goes backwards. */
  OUT_OF_ORDER = 'OUT_OF_ORDER',
  /** The event at this seq carries the sealed bytes of another seq: rows were swapped or moved. */
  EVENT_MOVED = 'EVENT_MOVED',
  /** prevHash does not match the previous event's hash: an event was removed, inserted or reordered. */
  BROKEN_LINK = 'BROKEN_LINK',
  /** SHA-256(prevHash ‖ canonical) differs from the stored hash: the sealed bytes or the hash were edited. */
  HASH_MISMATCH = 'HASH_MISMATCH',
  /** The row's columns no longer say what its sealed bytes say: the row was edited. */
  EDITED_COLUMNS = 'EDITED_COLUMNS',
  /** A checkpoint's signature does not verify, or its signed payload disagrees with its row. */
  FORGED_CHECKPOINT = 'FORGED_CHECKPOINT',
  /** A checkpoint is signed by a key that is not known or not the pinned one. */
  UNKNOWN_SIGNING_KEY = 'UNKNOWN_SIGNING_KEY',
  /** A checkpoint does not name the checkpoint before it: checkpoints were removed or replaced. */
  BROKEN_CHECKPOINT_CHAIN = 'BROKEN_CHECKPOINT_CHAIN',
  /** A validly signed checkpoint vouches for a different hash at its seq: the chain was rewritten. */
  CHAIN_REWRITTEN = 'CHAIN_REWRITTEN',
  /** A checkpoint held outside the database vouches for events beyond the end of the chain: the tail was removed. */
  TRUNCATED = 'TRUNCATED',
  /** An export file ends before its footer, or its lines are not an export. */
  INCOMPLETE_EXPORT = 'INCOMPLETE_EXPORT',
  /**
   * The start of the log is gone, but not by a retention prune: the retention anchor does not
   * match a genuine month seal, or the month it cuts at is younger than the minimum retention.
   */
  UNSANCTIONED_PRUNE = 'UNSANCTIONED_PRUNE',
}

/** ChainEntry is one sealed event as the verifier needs it. */
export interface ChainEntry {
  seq: number;
  /** The sealed bytes; may be left out when `hashMatches` says what hashing them gave. */
  canonical?: Buffer;
  /** Set when the hash was already checked elsewhere (by the database); the verifier then trusts this flag. */
  hashMatches?: boolean;
  prevHash: Buffer;
  hash: Buffer;
  /** False when the row's columns disagree with its canonical bytes; undefined when not checked (exports). */
  columnsMatch?: boolean;
}

/** ChainCheckpoint is one stored or exported checkpoint. */
export interface ChainCheckpoint {
  seq: number;
  hash: Buffer;
  keyId: string;
  payloadBytes: Buffer;
  signature: Buffer;
}

/** TrustedCheckpoint is a chain head the verifier's user kept outside the database (e.g. from an earlier export). */
export interface TrustedCheckpoint {
  seq: number;
  hash: Buffer;
}

/** ChainBreak says where verification stopped and why. */
export interface ChainBreak {
  seq: number;
  problem: AuditChainProblem;
  message: string;
}

/** ChainVerificationResult is what every verifier (API, CLI, offline) reports. */
export interface ChainVerificationResult {
  valid: boolean;
  /** The range that was checked, inclusive; null when it held no sealed event. */
  checkedFrom: number | null;
  checkedTo: number | null;
  eventsChecked: number;
  checkpointsChecked: number;
  /** The newest valid checkpoint in the range. */
  lastCheckpoint: { seq: number; time: string; keyId: string } | null;
  /** Checked events after the last checkpoint: verified as a chain, not yet vouched for by a signature. */
  unsignedTail: number;
  keyIds: string[];
  firstBroken: ChainBreak | null;
  /** The month seal verification started after, when events before it were removed by retention. */
  anchoredBy: { month: string; lastSeq: number; keyId: string } | null;
}

/** RetentionAnchorSeal: the month seal a prune cut at, which verification of what is kept starts from. */
export interface RetentionAnchorSeal {
  seal: MonthSeal;
  /** The verifier's clock, for the minimum-retention check. */
  now: Date;
  /** Retention never removes a month younger than this (12). */
  minimumMonths: number;
}

/** ChainVerifierOptions: the range's anchor and the keys checkpoints may be signed with. */
export interface ChainVerifierOptions {
  /** The first seq expected. */
  fromSeq: number;
  /** The prevHash the first event must carry: all zeroes at seq 1; for a later start, the hash before it, when known. */
  anchorHash?: Buffer;
  /** keyId → PEM public key. */
  publicKeys: Map<string, string>;
  /** When set, only checkpoints signed by these key ids are accepted. */
  pinnedKeyIds?: Set<string>;
  /** Checkpoints whose seq lies in the range, in any order. */
  checkpoints: ChainCheckpoint[];
  /** The checkpoint right before the range, if any, so the first in-range one can be linked to it. */
  previousCheckpoint?: ChainCheckpoint;
  trusted?: TrustedCheckpoint[];
  /** When events before `fromSeq` were pruned: the month seal at the cut (its hash must be `anchorHash`). */
  retentionAnchor?: RetentionAnchorSeal;
}

/**
 * ChainVerifier checks a run of sealed events in seq order, one batch at a time, so that a
 * million events never sit in memory: gap-free seqs, each prevHash equal to the previous hash,
 * each hash equal to SHA-256(prevHash ‖ canonical), columns equal to the sealed bytes, and
 * every checkpoint (signature, key, link to the previous checkpoint, hash at its seq). It
 * stops at the first break and names it.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: Buffer | undefined;
  private readonly checkpoints: ChainCheckpoint[];
  private nextCheckpoint = 0;
  private lastEntry: ChainEntry | undefined;
  private previousCheckpoint: ChainCheckpoint | undefined;
  private readonly trusted: Map<number, Buffer>;
  private broken: ChainBreak | null = null;
  private eventsChecked = 0;
  private checkpointsChecked = 0;
  private lastCheckpoint: ChainVerificationResult['lastCheckpoint'] = null;
  private readonly keyIds = new Set<string>();
  private anchoredBy: ChainVerificationResult['anchoredBy'] = null;

  constructor(private readonly options: ChainVerifierOptions) {
    this.expectedSeq = options.fromSeq;
    this.previousHash = options.fromSeq === 1 ? GENESIS_HASH : options.anchorHash;
    this.checkpoints = [...options.checkpoints].sort((a, b) => a.seq - b.seq);
    this.previousCheckpoint = options.previousCheckpoint;
    this.trusted = new Map((options.trusted ?? []).map((t) => [t.seq, t.hash]));
    if (options.retentionAnchor) this.checkRetentionAnchor(options.retentionAnchor);
  }

  /**
   * A pruned log starts after a month seal: it must be genuine, signed by a known (or the
   * pinned) key, cut exactly where the kept chain starts, and close a month old enough that the
   * minimum retention allowed removing it. Anything else means the start was removed by someone
   * other than a retention prune.
   */
  private checkRetentionAnchor(anchor: RetentionAnchorSeal): void {
    const cut = this.options.fromSeq - 1;
    const { seal } = anchor;
    const problem = monthSealProblem(seal, this.options.publicKeys, { pinnedKeyIds: this.options.pinnedKeyIds, now: anchor.now, minimumMonths: anchor.minimumMonths });
    if (problem) {
      this.fail({
        seq: cut,
        problem: problem.kind === 'unknown-key' ? AuditChainProblem.UNKNOWN_SIGNING_KEY : problem.kind === 'forged' ? AuditChainProblem.FORGED_CHECKPOINT : AuditChainProblem.UNSANCTIONED_PRUNE,
        message: problem.message,
      });
      return;
    }
    if (seal.lastSeq !== cut || !this.options.anchorHash || !seal.hash.equals(this.options.anchorHash)) {
      this.fail({
        seq: cut,
        problem: AuditChainProblem.UNSANCTIONED_PRUNE,
        message: `the retention anchor cuts at seq ${cut}, but the month seal of ${seal.month} vouches for seq ${seal.lastSeq} with another hash: events were removed other than by a retention prune`,
      });
      return;
    }
    this.anchoredBy = { month: seal.month, lastSeq: seal.lastSeq, keyId: seal.keyId };
    this.keyIds.add(seal.keyId);
  }

  /**
   * Adds checkpoints found while streaming (an export carries each right after its event).
   * One for a seq already passed can only be checked if it is the last event added.
   */
  addCheckpoint(checkpoint: ChainCheckpoint): boolean {
    if (this.broken) return false;
    if (this.lastEntry && checkpoint.seq <= this.lastEntry.seq) {
      if (checkpoint.seq !== this.lastEntry.seq) {
        return this.fail({
          seq: checkpoint.seq,
          problem: AuditChainProblem.INCOMPLETE_EXPORT,
          message: `checkpoint for seq ${checkpoint.seq} appears after seq ${this.lastEntry.seq}: the export is out of order`,
        });
      }
      return this.checkCheckpoint(checkpoint, this.lastEntry);
    }
    const at = this.checkpoints.findIndex((c, i) => i >= this.nextCheckpoint && c.seq > checkpoint.seq);
    this.checkpoints.splice(at === -1 ? this.checkpoints.length : at, 0, checkpoint);
    return true;
  }

  /** The seq the next event must have. */
  get expectedNext(): number {
    return this.expectedSeq;
  }

  get isBroken(): boolean {
    return this.broken !== null;
  }

  /** Checks the next events; returns false once the chain is broken (later calls are ignored). */
  add(entries: Iterable<ChainEntry>): boolean {
    if (this.broken) return false;
    for (const entry of entries) {
      if (entry.seq !== this.expectedSeq) {
        return this.fail(
          entry.seq > this.expectedSeq
            ? {
                seq: this.expectedSeq,
                problem: AuditChainProblem.MISSING_EVENT,
                message: `event${entry.seq - this.expectedSeq > 1 ? `s ${this.expectedSeq}–${entry.seq - 1} are` : ` ${this.expectedSeq} is`} missing: the chain jumps from ${this.expectedSeq - 1} to ${entry.seq}`,
              }
            : { seq: entry.seq, problem: AuditChainProblem.OUT_OF_ORDER, message: `seq ${entry.seq} appears again after ${this.expectedSeq - 1}` },
        );
      }
      if (this.previousHash && !entry.prevHash.equals(this.previousHash)) {
        const sealedSeq = entry.canonical ? sealedSeqOf(entry.canonical) : undefined;
        if (sealedSeq !== undefined && sealedSeq !== entry.seq) {
          return this.fail({
            seq: entry.seq,
            problem: AuditChainProblem.EVENT_MOVED,
            message: `the event stored at seq ${entry.seq} was sealed as seq ${sealedSeq}: events were swapped or moved`,
          });
        }
        return this.fail({
          seq: entry.seq,
          problem: AuditChainProblem.BROKEN_LINK,
          message: `prevHash at seq ${entry.seq} is not the hash of seq ${entry.seq - 1}: an event before it was removed, replaced or rewritten`,
        });
      }
      const hashMatches = entry.hashMatches ?? (entry.canonical !== undefined && chainHash(entry.prevHash, entry.canonical).equals(entry.hash));
      if (!hashMatches) {
        return this.fail({
          seq: entry.seq,
          problem: AuditChainProblem.HASH_MISMATCH,
          message: `hash at seq ${entry.seq} is not SHA-256(prevHash ‖ sealed bytes): the sealed bytes or the hash were edited`,
        });
      }
      if (entry.columnsMatch === false) {
        return this.fail({
          seq: entry.seq,
          problem: AuditChainProblem.EDITED_COLUMNS,
          message: `the event at seq ${entry.seq} no longer says what was sealed: its columns were edited after sealing`,
        });
      }
      const trustedHash = this.trusted.get(entry.seq);
      if (trustedHash && !trustedHash.equals(entry.hash)) {
        return this.fail({
          seq: entry.seq,
          problem: AuditChainProblem.CHAIN_REWRITTEN,
          message: `your checkpoint says seq ${entry.seq} has hash ${trustedHash.toString('hex')}, the chain says ${entry.hash.toString('hex')}: the chain was rewritten`,
        });
      }
      this.previousHash = entry.hash;
      this.expectedSeq = entry.seq + 1;
      this.lastEntry = entry;
      this.eventsChecked++;
      while (this.nextCheckpoint < this.checkpoints.length && this.checkpoints[this.nextCheckpoint]!.seq <= entry.seq) {
        if (!this.checkCheckpoint(this.checkpoints[this.nextCheckpoint++]!, entry)) return false;
      }
    }
    return true;
  }

  /**
   * Accepts seq `fromSeq`..`toSeq` as checked by someone else (the database): contiguous,
   * each linked to the one before, each hash right, ending in `lastHash`. The run must hold
   * no checkpoint and no trusted head (those rows are checked here, one by one).
   */
  addVerifiedRun(fromSeq: number, toSeq: number, lastHash: Buffer): boolean {
    if (this.broken) return false;
    if (toSeq < fromSeq) return true;
    if (fromSeq !== this.expectedSeq) {
      return this.fail({ seq: this.expectedSeq, problem: AuditChainProblem.MISSING_EVENT, message: `event ${this.expectedSeq} is missing: the chain jumps to ${fromSeq}` });
    }
    const checkpoint = this.checkpoints[this.nextCheckpoint];
    if ((checkpoint && checkpoint.seq <= toSeq) || [...this.trusted.keys()].some((seq) => seq >= fromSeq && seq <= toSeq)) {
      throw new Error(`a verified run (${fromSeq}–${toSeq}) may not hold a checkpoint or trusted head; check those rows one by one`);
    }
    this.previousHash = lastHash;
    this.expectedSeq = toSeq + 1;
    this.eventsChecked += toSeq - fromSeq + 1;
    this.lastEntry = { seq: toSeq, prevHash: Buffer.alloc(0), hash: lastHash, hashMatches: true };
    return true;
  }

  /** Ends the run: checkpoints or trusted heads beyond the last event mean the tail is gone. */
  finish(): ChainVerificationResult {
    const lastSeq = this.expectedSeq - 1;
    if (!this.broken) {
      const beyondTrusted = [...this.trusted.keys()].filter((seq) => seq > lastSeq).sort((a, b) => a - b)[0];
      const beyondCheckpoint = this.checkpoints[this.nextCheckpoint];
      if (beyondTrusted !== undefined) {
        this.fail({
          seq: lastSeq + 1,
          problem: AuditChainProblem.TRUNCATED,
          message: `the chain ends at seq ${lastSeq}, but your checkpoint vouches for seq ${beyondTrusted}: events ${lastSeq + 1}–${beyondTrusted} were removed`,
        });
      } else if (beyondCheckpoint && !this.genuine(beyondCheckpoint)) {
        this.fail({
          seq: beyondCheckpoint.seq,
          problem: AuditChainProblem.FORGED_CHECKPOINT,
          message: `checkpoint at seq ${beyondCheckpoint.seq}, beyond the end of the chain, is not genuine: its signature does not verify with a known key`,
        });
      } else if (beyondCheckpoint) {
        this.fail({
          seq: lastSeq + 1,
          problem: AuditChainProblem.TRUNCATED,
          message: `the chain ends at seq ${lastSeq}, but a checkpoint vouches for seq ${beyondCheckpoint.seq}: events after ${lastSeq} were removed`,
        });
      }
    }
    return {
      valid: this.broken === null,
      checkedFrom: this.eventsChecked > 0 || this.broken ? this.options.fromSeq : null,
      checkedTo: this.eventsChecked > 0 ? lastSeq : null,
      eventsChecked: this.eventsChecked,
      checkpointsChecked: this.checkpointsChecked,
      lastCheckpoint: this.lastCheckpoint,
      unsignedTail: this.lastCheckpoint ? lastSeq - this.lastCheckpoint.seq : this.eventsChecked,
      keyIds: [...this.keyIds].sort(),
      firstBroken: this.broken,
      anchoredBy: this.anchoredBy,
    };
  }

  private checkCheckpoint(checkpoint: ChainCheckpoint, entry: ChainEntry): boolean {
    const forged = (why: string) =>
      this.fail({ seq: checkpoint.seq, problem: AuditChainProblem.FORGED_CHECKPOINT, message: `checkpoint at seq ${checkpoint.seq} is not genuine: ${why}` });
    if (checkpoint.seq !== entry.seq) {
      return this.fail({ seq: checkpoint.seq, problem: AuditChainProblem.MISSING_EVENT, message: `a checkpoint vouches for seq ${checkpoint.seq}, which is missing` });
    }
    const publicKey = this.options.publicKeys.get(checkpoint.keyId);
    if (!publicKey || (this.options.pinnedKeyIds && !this.options.pinnedKeyIds.has(checkpoint.keyId))) {
      return this.fail({
        seq: checkpoint.seq,
        problem: AuditChainProblem.UNKNOWN_SIGNING_KEY,
        message: `checkpoint at seq ${checkpoint.seq} is signed by key ${checkpoint.keyId}, which is ${publicKey ? 'not the key you pinned' : 'unknown'}`,
      });
    }
    if (!checkpointSignatureValid(checkpoint.payloadBytes, checkpoint.signature, publicKey)) return forged('its signature does not verify');
    const payload = parseCheckpointPayload(checkpoint.payloadBytes);
    if (!payload || payload.seq !== checkpoint.seq || payload.hash !== checkpoint.hash.toString('hex') || payload.keyId !== checkpoint.keyId) {
      return forged('its signed payload disagrees with its stored seq, hash or key');
    }
    const previous = this.previousCheckpoint;
    if (previous) {
      const linked =
        payload.previous !== null &&
        payload.previous.seq === previous.seq &&
        sameBytes(Buffer.from(payload.previous.signature, 'base64'), previous.signature);
      if (!linked) {
        return this.fail({
          seq: checkpoint.seq,
          problem: AuditChainProblem.BROKEN_CHECKPOINT_CHAIN,
          message: `checkpoint at seq ${checkpoint.seq} does not follow the checkpoint at seq ${previous.seq}: checkpoints were removed or replaced`,
        });
      }
    } else if (payload.previous !== null && this.options.fromSeq === 1) {
      return this.fail({
        seq: checkpoint.seq,
        problem: AuditChainProblem.BROKEN_CHECKPOINT_CHAIN,
        message: `checkpoint at seq ${checkpoint.seq} follows a checkpoint at seq ${payload.previous.seq} that is missing`,
      });
    }
    if (!checkpoint.hash.equals(entry.hash)) {
      return this.fail({
        seq: checkpoint.seq,
        problem: AuditChainProblem.CHAIN_REWRITTEN,
        message: `the signed checkpoint at seq ${checkpoint.seq} vouches for hash ${checkpoint.hash.toString('hex')}, the chain has ${entry.hash.toString('hex')}: the chain was rewritten`,
      });
    }
    this.previousCheckpoint = checkpoint;
    this.checkpointsChecked++;
    this.keyIds.add(checkpoint.keyId);
    this.lastCheckpoint = { seq: checkpoint.seq, time: payload.time, keyId: checkpoint.keyId };
    return true;
  }

  private genuine(checkpoint: ChainCheckpoint): boolean {
    const publicKey = this.options.publicKeys.get(checkpoint.keyId);
    return publicKey !== undefined && checkpointSignatureValid(checkpoint.payloadBytes, checkpoint.signature, publicKey);
  }

  private fail(problem: ChainBreak): false {
    this.broken ??= problem;
    return false;
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The seq an event's sealed bytes carry; parsed only when something already looks wrong. */
function sealedSeqOf(canonical: Buffer): number | undefined {
  try {
    const seq = (JSON.parse(canonical.toString('utf8')) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}
