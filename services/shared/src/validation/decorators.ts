import { Matches, MaxLength, ValidateBy, buildMessage } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

const SLUG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** IsSlug: lowercase letters, digits and inner hyphens, at most 63 characters (a DNS label). */
export function IsSlug(): PropertyDecorator {
  return applyDecorators(
    MaxLength(63, { message: 'must be at most 63 characters' }),
    Matches(SLUG, {
      message: 'must be a slug: lowercase letters, digits and hyphens, starting and ending with a letter or digit',
    }),
  );
}

let zones: Set<string> | undefined;

/** Whether `value` names a real IANA time zone (e.g. `Europe/London`, `UTC`); offsets such as `+01:00` are not zones. */
export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  if (zones.has(value)) return true;
  try {
    // Aliases (e.g. `Europe/Kiev`) resolve to a canonical zone the platform knows.
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    return zones.has(resolved) && !/^[+-]/.test(value);
  } catch {
    return false;
  }
}

/** IsIanaTimeZone validates a time zone name against the IANA database that Node ships. */
export function IsIanaTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isIanaTimeZone',
    validator: {
      validate: (value) => isIanaTimeZone(value),
      defaultMessage: buildMessage(() => 'must be an IANA time zone such as Europe/London or America/New_York'),
    },
  });
}
