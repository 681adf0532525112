import { createHash } from 'node:crypto';
import { canonicalJson } from '@gatehouse/shared';

export { canonicalJson };

/** The content hash of a policy version: SHA-256 (hex) of the RFC 8785 JSON of the parsed document. */
export function policyContentHash(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
