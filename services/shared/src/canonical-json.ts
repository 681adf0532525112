import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON, from the `canonicalize` package: sorted keys, no whitespace,
 * ECMAScript number form; it refuses NaN, Infinity, lone surrogates and cycles. Content hashes
 * (policy versions, audit events) are taken over these bytes.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  return text;
}
