import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../chain/audit-chain.canonical';

/**
 * CheckpointPayload is the document a checkpoint signs: the chain head (`seq`, `hash`), when,
 * by which key, and the previous checkpoint (its seq and signature), so checkpoints form
 * their own chain and one cannot be dropped or replaced without breaking the next.
 */
export interface CheckpointPayload {
  v: 1;
  seq: number;
  hash: string;
  time: string;
  keyId: string;
  previous: { seq: number; signature: string } | null;
}

/** SignedCheckpoint is a checkpoint as stored and exported: the exact signed bytes and the signature. */
export interface SignedCheckpoint {
  payload: CheckpointPayload;
  /** Canonical bytes of `payload`, exactly as signed. */
  payloadBytes: Buffer;
  signature: Buffer;
}

export function checkpointPayloadBytes(payload: CheckpointPayload): Buffer {
  return canonicalBytes(payload);
}

/** Parsed public keys by PEM text: a long chain has a checkpoint every thousand events, signed by a handful of keys. */
const publicKeys = new Map<string, KeyObject>();

function publicKeyOf(publicKeyPem: string): KeyObject {
  let key = publicKeys.get(publicKeyPem);
  if (!key) {
    key = createPublicKey(publicKeyPem);
    if (publicKeys.size >= 64) publicKeys.clear();
    publicKeys.set(publicKeyPem, key);
  }
  return key;
}

/** Whether `signature` is a valid Ed25519 signature of `payloadBytes` by the key in `publicKeyPem`. */
export function checkpointSignatureValid(payloadBytes: Buffer, signature: Buffer, publicKeyPem: string): boolean {
  try {
    return verify(null, payloadBytes, publicKeyOf(publicKeyPem), signature);
  } catch {
    return false;
  }
}

/** Reads a checkpoint payload back from its signed bytes; undefined when they are not one. */
export function parseCheckpointPayload(payloadBytes: Buffer): CheckpointPayload | undefined {
  try {
    const value = JSON.parse(payloadBytes.toString('utf8')) as CheckpointPayload;
    if (value?.v !== 1 || !Number.isSafeInteger(value.seq) || typeof value.hash !== 'string' || typeof value.keyId !== 'string') return undefined;
    return value;
  } catch {
    return undefined;
  }
}
