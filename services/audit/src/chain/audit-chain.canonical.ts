import { createHash } from 'node:crypto';
import { canonicalJson } from '@gatehouse/shared';

/** The hash a chain starts from: the `prevHash` of seq 1. */
export const GENESIS_HASH = Buffer.alloc(32);

/** Version of the sealed event document; a new field means a new version. */
export const CANONICAL_EVENT_VERSION = 1;

/** SealedEventDocument is the exact JSON object that is canonicalized and hashed for one event. */
export interface SealedEventDocument {
  v: number;
  seq: number;
  id: string;
  occurredAt: string;
  actor: { kind: string; id: string; displayName: string | null; ip: string | null; userAgent: string | null };
  action: string;
  subject: { type: string; id: string };
  application: string | null;
  environment: string | null;
  data: unknown;
  requestId: string | null;
}

/** RFC 8785 canonical JSON of any JSON value, as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** RFC 8785 canonical JSON (the shared implementation, from the `canonicalize` package). */
export { canonicalJson };

/** hash = SHA-256(prevHash ‖ canonical bytes). */
export function chainHash(prevHash: Buffer, canonical: Buffer): Buffer {
  return createHash('sha256').update(prevHash).update(canonical).digest();
}

/** Fingerprint of a public key, as the `keyId` checkpoints name: SHA-256 of its DER, hex, first 32 chars. */
export function keyIdOf(publicKeyDer: Buffer): string {
  return createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 32);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is valid Unicode (no lone surrogate), i.e. can be written as UTF-8. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

const str = (value: string | null): string => (value === null ? 'null' : canonicalJson(value));

/**
 * canonicalEventBytes is canonicalBytes(document) for the one document shape the sealer hashes,
 * written with its keys already in RFC 8785 order (the sealer's hot path); only `data` goes
 * through the general serializer. A spec holds it byte-identical to canonicalBytes.
 */
export function canonicalEventBytes(d: SealedEventDocument): Buffer {
  const a = d.actor;
  return Buffer.from(
    `{"action":${str(d.action)},"actor":{"displayName":${str(a.displayName)},"id":${str(a.id)},"ip":${str(a.ip)},"kind":${str(a.kind)},"userAgent":${str(a.userAgent)}},` +
      `"application":${str(d.application)},"data":${canonicalJson(d.data)},"environment":${str(d.environment)},"id":${str(d.id)},` +
      `"occurredAt":${str(d.occurredAt)},"requestId":${str(d.requestId)},"seq":${canonicalJson(d.seq)},` +
      `"subject":{"id":${str(d.subject.id)},"type":${str(d.subject.type)}},"v":${canonicalJson(d.v)}}`,
    'utf8',
  );
}
