import { createHash } from 'node:crypto';

/**
 * RFC 8785 (JCS) canonical JSON. The installed `canonicalize` package is ESM-only and Jest here
 * cannot load it, so this is a small implementation of the same rules: ECMAScript's own
 * JSON.stringify for strings and numbers, keys sorted by UTF-16 code units, no whitespace.
 * The benchmark cross-checks it against `canonicalize` under plain Node.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw new TypeError('canonical JSON refuses a string with a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON refuses the number ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON refuses a ${typeof value}`);
  }
}

/** The content hash of a policy version: SHA-256 (hex) of the RFC 8785 JSON of the parsed document. */
export function policyContentHash(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
