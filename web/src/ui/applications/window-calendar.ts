import { DateTime, Duration } from 'luxon';
import { RRule } from 'rrule';

/** A change window as the calendar needs it (local date-times in the environment's zone). */
export interface CalendarWindow {
  name: string;
  kind: 'ALLOW' | 'FREEZE';
  start: string;
  end?: string | null;
  rrule?: string | null;
  duration?: string | null;
}

/** One day of the month grid: the windows that touch it (local time of the environment). */
export interface CalendarDay {
  date: string;
  inMonth: boolean;
  windows: { name: string; kind: 'ALLOW' | 'FREEZE' }[];
}

// rrule works on "floating" times: a local date-time is written as if it were UTC and read
// back the same way, so nothing here depends on the server's or the browser's zone.
const floating = (local: DateTime) => new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
const fromFloating = (date: Date) => DateTime.fromJSDate(date, { zone: 'utc' }).setZone('utc', { keepLocalTime: true });

function occurrences(window: CalendarWindow, from: DateTime, to: DateTime): [DateTime, DateTime][] {
  const start = DateTime.fromISO(window.start, { zone: 'utc' });
  if (!start.isValid) return [];
  if (!window.rrule) {
    const end = window.end ? DateTime.fromISO(window.end, { zone: 'utc' }) : start;
    return end >= from && start <= to ? [[start, end]] : [];
  }
  const duration = Duration.fromISO(window.duration ?? 'PT1H');
  const options = RRule.parseString(window.rrule);
  const until = window.end ? DateTime.fromISO(window.end, { zone: 'utc' }) : null;
  const rule = new RRule({ ...options, dtstart: floating(start) });
  const longest = Math.max(1, Math.ceil(duration.as('days')));
  return rule
    .between(floating(from.minus({ days: longest })), floating(to), true)
    .map((date) => fromFloating(date))
    .filter((occurrence) => !until || occurrence < until)
    .map((occurrence): [DateTime, DateTime] => [occurrence, occurrence.plus(duration)])
    .filter(([, end]) => end >= from);
}

/** The six-week grid around `month` (YYYY-MM), Monday first, with the windows of each day. */
export function monthGrid(month: string, windows: CalendarWindow[]): CalendarDay[] {
  const first = DateTime.fromISO(`${month}-01`, { zone: 'utc' });
  const gridStart = first.minus({ days: first.weekday - 1 });
  const gridEnd = gridStart.plus({ days: 42 });
  const spans = windows.flatMap((window) => occurrences(window, gridStart, gridEnd).map(([start, end]) => ({ window, start, end })));
  return Array.from({ length: 42 }, (_, i) => {
    const day = gridStart.plus({ days: i });
    const next = day.plus({ days: 1 });
    const touching = spans.filter(({ start, end }) => start < next && end > day);
    const names = new Map<string, 'ALLOW' | 'FREEZE'>();
    for (const { window } of touching) names.set(window.name, window.kind);
    return { date: day.toISODate()!, inMonth: day.month === first.month, windows: [...names].map(([name, kind]) => ({ name, kind })) };
  });
}
