import { canonicalBytes } from '../chain/audit-chain.canonical';
import { addMonths, parseMonthKey } from '../chain/audit-month';
import { checkpointSignatureValid } from './audit-checkpoint';

/**
 * MonthSealPayload is what the sealer signs when it closes a month: every event recorded in
 * `month` (and before) is sealed at or below `lastSeq`, and the chain hash there is `hash`.
 * Retention cuts only at a month seal, and verification of what is kept starts from it.
 */
export interface MonthSealPayload {
  v: 1;
  type: 'month-seal';
  /** `YYYY-MM` (UTC). */
  month: string;
  lastSeq: number;
  hash: string;
  time: string;
  keyId: string;
}

/** MonthSeal is a signed month seal as stored and exported. */
export interface MonthSeal {
  month: string;
  lastSeq: number;
  hash: Buffer;
  keyId: string;
  payloadBytes: Buffer;
  signature: Buffer;
}

export function monthSealPayloadBytes(payload: MonthSealPayload): Buffer {
  return canonicalBytes(payload);
}

export function parseMonthSealPayload(bytes: Buffer): MonthSealPayload | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as MonthSealPayload;
    if (value?.v !== 1 || value.type !== 'month-seal' || !parseMonthKey(value.month) || !Number.isSafeInteger(value.lastSeq)) return undefined;
    if (typeof value.hash !== 'string' || typeof value.keyId !== 'string' || typeof value.time !== 'string') return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Why a month seal cannot anchor verification, or undefined when it can: its signature must
 * verify with a known (and, when pinned, pinned) key and its signed bytes must say what its
 * row says. `now` and `minimumMonths` check that the month it closes is old enough to have
 * been pruned: retention never removes a month younger than the minimum.
 */
export function monthSealProblem(
  seal: MonthSeal,
  publicKeys: Map<string, string>,
  options: { pinnedKeyIds?: Set<string>; now: Date; minimumMonths: number },
): { kind: 'unknown-key' | 'forged' | 'premature'; message: string } | undefined {
  const publicKey = publicKeys.get(seal.keyId);
  if (!publicKey || (options.pinnedKeyIds && !options.pinnedKeyIds.has(seal.keyId))) {
    return { kind: 'unknown-key', message: `the month seal of ${seal.month} is signed by key ${seal.keyId}, which is ${publicKey ? 'not the key you pinned' : 'unknown'}` };
  }
  if (!checkpointSignatureValid(seal.payloadBytes, seal.signature, publicKey)) {
    return { kind: 'forged', message: `the month seal of ${seal.month} is not genuine: its signature does not verify` };
  }
  const payload = parseMonthSealPayload(seal.payloadBytes);
  if (!payload || payload.month !== seal.month || payload.lastSeq !== seal.lastSeq || payload.hash !== seal.hash.toString('hex') || payload.keyId !== seal.keyId) {
    return { kind: 'forged', message: `the month seal of ${seal.month} is not genuine: its signed bytes disagree with its month, seq, hash or key` };
  }
  const oldestPrunable = addMonths(new Date(Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), 1)), -options.minimumMonths);
  if (addMonths(parseMonthKey(payload.month)!, 1) > oldestPrunable) {
    return {
      kind: 'premature',
      message: `events up to ${payload.month} were removed, less than the ${options.minimumMonths}-month minimum retention ago: this was not a sanctioned prune`,
    };
  }
  return undefined;
}
