import { DateTime, Duration } from 'luxon';
import { RRule, type Options } from 'rrule';
import { ChangeWindowKind } from './change-window-kind';
import { parseRecurrence } from './change-window.recurrence';

/** The name the state carries when ALLOW windows exist and the instant is outside all of them. */
export const OUTSIDE_ALLOWED_HOURS = 'outside-allowed-hours';

/**
 * ChangeWindowDefinition is one window as evaluation needs it. `start` and `end` are local
 * date-times (`2026-12-20T00:00`) in the environment's time zone. One-off: `start` to `end`.
 * Recurring: occurrences of `rrule` from `start` (its DTSTART), none starting at or after
 * `end`, each lasting `duration` (ISO 8601: hours are exact, days are calendar days).
 */
export interface ChangeWindowDefinition {
  name: string;
  kind: ChangeWindowKind;
  start: string;
  end: string | null;
  rrule: string | null;
  duration: string | null;
}

/** ChangeWindowState is what the windows say at one instant; policies read it as `window.*`. */
export interface ChangeWindowState {
  /** Inside a FREEZE, or outside every ALLOW window when the environment has any. */
  frozen: boolean;
  /** The freeze in force (the first by name), OUTSIDE_ALLOWED_HOURS, or null. */
  name: string | null;
  /** Inside an ALLOW window, or the environment has none. */
  allowed: boolean;
}

/** The `window.*` part of the policy input document (`policies/input.schema.json`). */
export interface WindowPolicyInput {
  frozen: boolean;
  freeze: string | null;
  /** The same as `freeze`: the name of the window that freezes the environment, or null. */
  name: string | null;
  inChangeWindow: boolean;
  localTime: string;
  dayOfWeek: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
}

const DAY_MS = 86_400_000;

/** Whether `instant` falls inside the window (start inclusive, end exclusive), read in `timezone`. */
export function isInsideWindow(window: ChangeWindowDefinition, timezone: string, instant: Date): boolean {
  const now = DateTime.fromJSDate(instant, { zone: timezone });
  const start = DateTime.fromISO(window.start, { zone: timezone });
  if (window.rrule === null || window.duration === null) {
    const end = DateTime.fromISO(window.end ?? window.start, { zone: timezone });
    return start <= now && now < end;
  }
  const { options } = parseRecurrence(window.rrule);
  const duration = Duration.fromISO(window.duration);
  if (!options || !duration.isValid) return false;
  // rrule works on "floating" times: local wall-clock times written as UTC. Occurrences are
  // turned back into instants in the zone, so DST shifts land where the wall clock says.
  const here = floating(now).getTime();
  const from = new Date(here - duration.toMillis() - 2 * DAY_MS);
  const rule = new RRule({ ...options, dtstart: laterAnchor(floating(start), options, from) });
  const to = new Date(here + DAY_MS);
  const seriesEnd = window.end === null ? null : floating(DateTime.fromISO(window.end, { zone: timezone })).getTime();
  return rule.between(from, to, true).some((occurrence) => {
    if (seriesEnd !== null && occurrence.getTime() >= seriesEnd) return false;
    const begins = fromFloating(occurrence, timezone);
    return begins <= now && now < begins.plus(duration);
  });
}

/**
 * What the windows of an environment say at `instant`: frozen inside any FREEZE; with ALLOW
 * windows, frozen (named OUTSIDE_ALLOWED_HOURS) outside all of them as well.
 */
export function windowStateAt(windows: ChangeWindowDefinition[], timezone: string, instant: Date): ChangeWindowState {
  const freezes = windows
    .filter((w) => w.kind === ChangeWindowKind.FREEZE && isInsideWindow(w, timezone, instant))
    .map((w) => w.name)
    .sort();
  const allows = windows.filter((w) => w.kind === ChangeWindowKind.ALLOW);
  const allowed = allows.length === 0 || allows.some((w) => isInsideWindow(w, timezone, instant));
  if (freezes.length > 0) return { frozen: true, name: freezes[0]!, allowed };
  if (!allowed) return { frozen: true, name: OUTSIDE_ALLOWED_HOURS, allowed };
  return { frozen: false, name: null, allowed };
}

/** Maps a window state onto the policy input's `window.*`, with the local time and day in `timezone`. */
export function toWindowPolicyInput(state: ChangeWindowState, timezone: string, instant: Date): WindowPolicyInput {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  return {
    frozen: state.frozen,
    freeze: state.name,
    name: state.name,
    inChangeWindow: state.allowed,
    localTime: local.toFormat('HH:mm'),
    dayOfWeek: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[local.weekday - 1]!,
  };
}

/**
 * rrule expands a rule from DTSTART on every call, so a daily window started years ago costs
 * thousands of steps. Moving DTSTART forward by whole periods (INTERVAL × FREQ) to just before
 * `from` gives the same occurrences after it: periods stay aligned and the parts a rule takes
 * from DTSTART (time of day, weekday, day of month, month) stay the same. Not done with COUNT
 * (it counts from the real start), nor from a day of month that not every month (or year) has.
 */
function laterAnchor(anchor: Date, options: Partial<Options>, from: Date): Date {
  if (options.count != null || anchor >= from) return anchor;
  const interval = options.interval ?? 1;
  const daysPerPeriod = options.freq === RRule.DAILY ? interval : options.freq === RRule.WEEKLY ? 7 * interval : null;
  if (daysPerPeriod !== null) {
    const periods = Math.floor((from.getTime() - anchor.getTime()) / (daysPerPeriod * DAY_MS));
    return new Date(anchor.getTime() + periods * daysPerPeriod * DAY_MS);
  }
  const months = options.freq === RRule.MONTHLY ? interval : options.freq === RRule.YEARLY ? 12 * interval : null;
  if (months === null || anchor.getUTCDate() > 28) return anchor;
  const monthsApart = (from.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (from.getUTCMonth() - anchor.getUTCMonth());
  const periods = Math.max(0, Math.floor(monthsApart / months) - 1);
  const moved = new Date(anchor.getTime());
  moved.setUTCMonth(anchor.getUTCMonth() + periods * months);
  return moved;
}

function floating(local: DateTime): Date {
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
}

/** A floating occurrence as a time in the zone; a wall time skipped by DST moves forward by the gap. */
function fromFloating(occurrence: Date, timezone: string): DateTime {
  return DateTime.fromObject(
    {
      year: occurrence.getUTCFullYear(),
      month: occurrence.getUTCMonth() + 1,
      day: occurrence.getUTCDate(),
      hour: occurrence.getUTCHours(),
      minute: occurrence.getUTCMinutes(),
      second: occurrence.getUTCSeconds(),
    },
    { zone: timezone },
  );
}
