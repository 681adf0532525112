const BASE = 'http://gatehouse.invalid';

/**
 * The path to send a person to after signing in, or null when `value` could leave this site.
 * Only a path that starts with exactly one `/` is accepted: `//host`, `/\host`, absolute URLs,
 * backslashes and control characters (which browsers may read as another origin) are refused.
 */
export function safeReturnTo(value: unknown): string | null {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > 2048) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  const parsed = new URL(value, BASE);
  return parsed.origin === BASE ? value : null;
}
