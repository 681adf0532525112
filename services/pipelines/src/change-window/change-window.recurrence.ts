import { Duration } from 'luxon';
import { RRule, type Options } from 'rrule';

/** The longest a window's duration may be. */
export const MAX_WINDOW_DURATION_DAYS = 366;

const RANGES: [keyof Options, number, number][] = [
  ['bymonth', 1, 12],
  ['bymonthday', -31, 31],
  ['byyearday', -366, 366],
  ['byweekno', -53, 53],
  ['byhour', 0, 23],
  ['byminute', 0, 59],
  ['bysecond', 0, 59],
  ['bysetpos', -366, 366],
];

/**
 * Parses an RRULE (RFC 5545, e.g. `FREQ=WEEKLY;BYDAY=FR;BYHOUR=16`) with rrule's parser, and
 * checks what that parser lets through: FREQ present and at most daily (windows are calendars,
 * not timers), numbers in range, known days. DTSTART and TZID are refused: a window's start
 * and its environment's time zone anchor the rule.
 */
export function parseRecurrence(text: string): { options: Partial<Options>; error: null } | { options: null; error: string } {
  const rule = text.trim().replace(/^RRULE:/i, '');
  const fail = (error: string) => ({ options: null, error });
  if (rule.length === 0) return fail('must not be empty');
  if (rule.length > 500) return fail('must be at most 500 characters');
  if (/[\r\n]/.test(rule) || /(^|;)\s*(DTSTART|TZID)\b/i.test(rule)) {
    return fail("must be a single RRULE without DTSTART or TZID: the window's start and its environment's time zone anchor it");
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(rule);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (options.freq === undefined || options.freq === null) return fail('needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)');
  if (options.freq > RRule.DAILY) {
    return fail(`FREQ=${RRule.FREQUENCIES[options.freq]} recurs more often than daily; use FREQ=DAILY with BYHOUR/BYMINUTE`);
  }
  for (const [key, label] of [['interval', 'INTERVAL'], ['count', 'COUNT']] as const) {
    const value = options[key];
    if (value !== undefined && value !== null && !(Number.isInteger(value) && value >= 1)) return fail(`${label} must be a whole number of at least 1`);
  }
  for (const [key, min, max] of RANGES) {
    const raw = options[key] as unknown;
    if (raw === undefined || raw === null) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    const label = key.toUpperCase();
    for (const value of values) {
      if (!Number.isInteger(value) || value < min || value > max || (min < 0 && value === 0)) {
        return fail(`${label} value ${String(value)} is out of range (${min} to ${max}${min < 0 ? ', not 0' : ''})`);
      }
    }
  }
  const weekdays = options.byweekday as unknown;
  if (Array.isArray(weekdays) && weekdays.some((day) => day === null || day === undefined)) {
    return fail('BYDAY names an unknown day; use MO, TU, WE, TH, FR, SA or SU, optionally with an ordinal such as 1MO or -1FR');
  }
  try {
    // rrule checks the rest when it expands the rule.
    new RRule({ ...options, dtstart: new Date(Date.UTC(2000, 0, 1)) }).after(new Date(Date.UTC(2000, 0, 1)), true);
  } catch (error) {
    return fail((error as Error).message);
  }
  return { options, error: null };
}

/** Parses an ISO 8601 duration (e.g. `PT64H`, `P2DT16H`); positive and at most MAX_WINDOW_DURATION_DAYS. */
export function parseWindowDuration(text: string): { duration: Duration; error: null } | { duration: null; error: string } {
  const duration = Duration.fromISO(text.trim());
  if (!duration.isValid) return { duration: null, error: 'must be an ISO 8601 duration such as PT64H or P2DT16H' };
  const values = Object.values(duration.toObject());
  const days = duration.as('days');
  if (values.some((v) => v < 0) || days <= 0) return { duration: null, error: 'must be longer than zero' };
  if (days > MAX_WINDOW_DURATION_DAYS) return { duration: null, error: `must be at most ${MAX_WINDOW_DURATION_DAYS} days` };
  return { duration, error: null };
}
