import { DateTime, Duration } from 'luxon';
import { RRule } from 'rrule';
import { ChangeWindowKind } from './change-window-kind';
import { isInsideWindow, OUTSIDE_ALLOWED_HOURS, toWindowPolicyInput, windowStateAt, type ChangeWindowDefinition } from './change-window.state';

const LONDON = 'Europe/London';

function aWindow(overrides: Partial<ChangeWindowDefinition> = {}): ChangeWindowDefinition {
  return { name: 'weekend', kind: ChangeWindowKind.FREEZE, start: '2026-01-01T00:00', end: null, rrule: null, duration: null, ...overrides };
}

/** The weekly freeze from Friday 16:00 local, for 64 exact hours unless told otherwise. */
const weekend = (duration = 'PT64H') => aWindow({ rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16', duration });
const at = (iso: string) => new Date(iso);

describe(isInsideWindow.name, () => {
  describe('a weekly freeze FREQ=WEEKLY;BYDAY=FR;BYHOUR=16 for 64 hours', () => {
    it('starts on Friday at 16:00 local time and ends 64 hours later on Monday at 08:00 in a week without a clock change', () => {
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-20T15:59:59Z'))).toBe(false);
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-20T16:00:00Z'))).toBe(true);
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-22T12:00:00Z'))).toBe(true);
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-23T07:59:59Z'))).toBe(true);
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-23T08:00:00Z'))).toBe(false);
      expect(isInsideWindow(weekend(), LONDON, at('2026-11-25T12:00:00Z'))).toBe(false);
    });

    it('starts at 16:00 local in summer too (15:00 UTC in London)', () => {
      expect(isInsideWindow(weekend(), LONDON, at('2026-07-17T14:59:59Z'))).toBe(false);
      expect(isInsideWindow(weekend(), LONDON, at('2026-07-17T15:00:00Z'))).toBe(true);
    });

    it('lasts 64 exact hours over the March clock change: Friday 16:00 GMT to Monday 09:00 BST', () => {
      // Clocks go forward on Sunday 29 March 2026 at 01:00 GMT.
      expect(isInsideWindow(weekend(), LONDON, at('2026-03-27T16:00:00Z'))).toBe(true);
      expect(isInsideWindow(weekend(), LONDON, at('2026-03-30T07:59:59Z'))).toBe(true); // 08:59:59 BST
      expect(isInsideWindow(weekend(), LONDON, at('2026-03-30T08:00:00Z'))).toBe(false); // 09:00 BST
    });

    it('ends at Monday 08:00 local over the March clock change when the duration is in calendar days (P2DT16H)', () => {
      expect(isInsideWindow(weekend('P2DT16H'), LONDON, at('2026-03-30T06:59:59Z'))).toBe(true); // 07:59:59 BST
      expect(isInsideWindow(weekend('P2DT16H'), LONDON, at('2026-03-30T07:00:00Z'))).toBe(false); // 08:00 BST
    });

    it('lasts 64 exact hours over the October clock change: Friday 16:00 BST to Monday 07:00 GMT', () => {
      // Clocks go back on Sunday 25 October 2026 at 02:00 BST.
      expect(isInsideWindow(weekend(), LONDON, at('2026-10-23T14:59:59Z'))).toBe(false); // 15:59:59 BST
      expect(isInsideWindow(weekend(), LONDON, at('2026-10-23T15:00:00Z'))).toBe(true); // 16:00 BST
      expect(isInsideWindow(weekend(), LONDON, at('2026-10-26T06:59:59Z'))).toBe(true);
      expect(isInsideWindow(weekend(), LONDON, at('2026-10-26T07:00:00Z'))).toBe(false);
      expect(isInsideWindow(weekend('P2DT16H'), LONDON, at('2026-10-26T07:59:59Z'))).toBe(true);
      expect(isInsideWindow(weekend('P2DT16H'), LONDON, at('2026-10-26T08:00:00Z'))).toBe(false);
    });

    it('does not apply before its start nor to occurrences starting at or after its end', () => {
      const bounded = aWindow({ rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16', duration: 'PT64H', start: '2026-12-01T00:00', end: '2026-12-12T00:00' });
      expect(isInsideWindow(bounded, LONDON, at('2026-11-27T18:00:00Z'))).toBe(false);
      expect(isInsideWindow(bounded, LONDON, at('2026-12-04T18:00:00Z'))).toBe(true);
      expect(isInsideWindow(bounded, LONDON, at('2026-12-11T18:00:00Z'))).toBe(true);
      expect(isInsideWindow(bounded, LONDON, at('2026-12-18T18:00:00Z'))).toBe(false);
    });
  });

  describe('wall times the clock change skips or repeats', () => {
    const nightly = aWindow({ rrule: 'FREQ=DAILY;BYHOUR=1;BYMINUTE=30', duration: 'PT30M' });

    it('moves an occurrence at a skipped time (01:30 on 29 March) forward by the gap, to 02:30 BST', () => {
      expect(isInsideWindow(nightly, LONDON, at('2026-03-29T00:45:00Z'))).toBe(false); // 00:45 GMT
      expect(isInsideWindow(nightly, LONDON, at('2026-03-29T01:30:00Z'))).toBe(true); // 02:30 BST
      expect(isInsideWindow(nightly, LONDON, at('2026-03-29T02:00:00Z'))).toBe(false); // 03:00 BST
    });

    it('reads a repeated time (01:30 on 25 October) as its second, GMT, occurrence', () => {
      expect(isInsideWindow(nightly, LONDON, at('2026-10-25T00:45:00Z'))).toBe(false); // 01:45 BST, first pass
      expect(isInsideWindow(nightly, LONDON, at('2026-10-25T01:45:00Z'))).toBe(true); // 01:45 GMT, second pass
    });
  });

  describe('a one-off window', () => {
    const yearEnd = aWindow({ name: 'year-end', start: '2026-12-20T00:00', end: '2027-01-04T00:00' });

    it('is read in the given time zone, start inclusive and end exclusive', () => {
      expect(isInsideWindow(yearEnd, LONDON, at('2026-12-19T23:59:59Z'))).toBe(false);
      expect(isInsideWindow(yearEnd, LONDON, at('2026-12-20T00:00:00Z'))).toBe(true);
      expect(isInsideWindow(yearEnd, LONDON, at('2027-01-04T00:00:00Z'))).toBe(false);
      expect(isInsideWindow(yearEnd, 'America/New_York', at('2026-12-20T04:59:59Z'))).toBe(false);
      expect(isInsideWindow(yearEnd, 'America/New_York', at('2026-12-20T05:00:00Z'))).toBe(true);
    });
  });
});

describe(windowStateAt.name, () => {
  const businessHours = aWindow({ name: 'business-hours', kind: ChangeWindowKind.ALLOW, rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9', duration: 'PT8H' });
  const yearEnd = aWindow({ name: 'year-end', start: '2026-12-20T00:00', end: '2027-01-04T00:00' });

  it('is neither frozen nor restricted without windows', () => {
    expect(windowStateAt([], LONDON, at('2026-11-26T12:00:00Z'))).toEqual({ frozen: false, name: null, allowed: true });
  });

  it('is frozen inside a freeze, naming it', () => {
    expect(windowStateAt([weekend(), yearEnd], LONDON, at('2026-11-21T12:00:00Z'))).toEqual({ frozen: true, name: 'weekend', allowed: true });
  });

  it('names the first freeze by name when several are in force', () => {
    expect(windowStateAt([yearEnd, weekend()], LONDON, at('2026-12-26T12:00:00Z'))).toMatchObject({ frozen: true, name: 'weekend' });
  });

  it('is allowed inside an ALLOW window, in local hours on both sides of the March clock change', () => {
    expect(windowStateAt([businessHours], LONDON, at('2026-03-27T09:00:00Z'))).toEqual({ frozen: false, name: null, allowed: true }); // 09:00 GMT
    expect(windowStateAt([businessHours], LONDON, at('2026-03-30T08:00:00Z'))).toEqual({ frozen: false, name: null, allowed: true }); // 09:00 BST
    expect(windowStateAt([businessHours], LONDON, at('2026-03-30T07:59:59Z'))).toMatchObject({ frozen: true, allowed: false });
  });

  it('counts as frozen outside every ALLOW window, named outside-allowed-hours', () => {
    expect(windowStateAt([businessHours], LONDON, at('2026-11-26T18:00:00Z'))).toEqual({ frozen: true, name: OUTSIDE_ALLOWED_HOURS, allowed: false });
    expect(windowStateAt([businessHours], LONDON, at('2026-11-28T12:00:00Z'))).toEqual({ frozen: true, name: OUTSIDE_ALLOWED_HOURS, allowed: false });
  });

  it('lets a freeze win over allowed hours', () => {
    expect(windowStateAt([businessHours, yearEnd], LONDON, at('2026-12-21T10:00:00Z'))).toEqual({ frozen: true, name: 'year-end', allowed: true });
  });
});

describe(toWindowPolicyInput.name, () => {
  it('carries the state with the local time and day of the environment', () => {
    const state = { frozen: true, name: 'weekend', allowed: true };
    expect(toWindowPolicyInput(state, LONDON, at('2026-07-17T15:00:00Z'))).toEqual({
      frozen: true,
      freeze: 'weekend',
      name: 'weekend',
      inChangeWindow: true,
      localTime: '16:00',
      dayOfWeek: 'fri',
    });
    expect(toWindowPolicyInput(state, 'Pacific/Auckland', at('2026-07-17T15:00:00Z'))).toMatchObject({ localTime: '03:00', dayOfWeek: 'sat' });
  });
});

describe('recurring windows started long ago', () => {
  /** Every occurrence from the real start, expanded step by step: what isInsideWindow must agree with. */
  function referenceOccurrences(window: ChangeWindowDefinition, until: Date): { begins: DateTime; ends: DateTime }[] {
    const start = DateTime.fromISO(window.start, { zone: LONDON });
    const dtstart = new Date(Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute));
    const duration = Duration.fromISO(window.duration!);
    return new RRule({ ...RRule.parseString(window.rrule!), dtstart }).between(dtstart, until, true).map((o) => {
      const begins = DateTime.fromObject(
        { year: o.getUTCFullYear(), month: o.getUTCMonth() + 1, day: o.getUTCDate(), hour: o.getUTCHours(), minute: o.getUTCMinutes() },
        { zone: LONDON },
      );
      return { begins, ends: begins.plus(duration) };
    });
  }

  it.each([
    ['every third day', 'FREQ=DAILY;INTERVAL=3', 'PT5H'],
    ['every other week on Tuesday and Friday', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;BYHOUR=13', 'PT20H'],
    ['weekly from the start’s weekday and hour', 'FREQ=WEEKLY', 'P1D'],
    ['the last Friday of each month', 'FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=12', 'P3D'],
    ['every other month on the start’s day', 'FREQ=MONTHLY;INTERVAL=2', 'P2D'],
    ['the first weekday of each month', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=8', 'PT10H'],
    ['yearly in week 52', 'FREQ=YEARLY;BYWEEKNO=52;BYDAY=MO', 'P7D'],
  ])('agrees with expanding from the real start for %s', (_, rrule, duration) => {
    const window = aWindow({ start: '2019-05-14T07:30', rrule, duration });
    const occurrences = referenceOccurrences(window, new Date(Date.UTC(2027, 6, 1)));
    for (let hours = 0; hours < 24 * 800; hours += 13) {
      const instant = new Date(Date.UTC(2025, 0, 1) + hours * 3_600_000);
      const now = DateTime.fromJSDate(instant, { zone: LONDON });
      const expected = occurrences.some((o) => o.begins <= now && now < o.ends);
      expect([instant.toISOString(), isInsideWindow(window, LONDON, instant)]).toEqual([instant.toISOString(), expected]);
    }
  });
});
