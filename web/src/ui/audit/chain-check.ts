import { createHash } from 'node:crypto';

/**
 * Recomputes an event's chain hash as the sealer made it: SHA-256 over the previous hash
 * (32 bytes) followed by the event's canonical bytes. True when it equals the stored hash.
 */
export function chainLinkHolds(prevHashHex: string | null | undefined, canonical: string | null | undefined, hashHex: string | null | undefined): boolean | null {
  if (!prevHashHex || canonical == null || !hashHex) return null;
  const recomputed = createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(Buffer.from(canonical, 'utf8')).digest('hex');
  return recomputed === hashHex;
}
