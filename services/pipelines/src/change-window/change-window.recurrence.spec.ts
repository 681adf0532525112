import { parseRecurrence, parseWindowDuration } from './change-window.recurrence';

describe(parseRecurrence.name, () => {
  it('accepts a weekly rule, with or without the RRULE: prefix', () => {
    expect(parseRecurrence('FREQ=WEEKLY;BYDAY=FR;BYHOUR=16').error).toBeNull();
    expect(parseRecurrence('RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=12').error).toBeNull();
  });

  it.each([
    ['an unknown property, with rrule’s message', 'FREQ=WEEKLY;FOO=1', "Unknown RRULE property 'FOO'"],
    ['a malformed UNTIL, with rrule’s message', 'FREQ=WEEKLY;UNTIL=2026', 'Invalid UNTIL value: 2026'],
    ['no FREQ', 'BYDAY=MO', 'needs FREQ'],
    ['an unknown FREQ', 'FREQ=SOMETIMES', 'needs FREQ'],
    ['a rule more often than daily', 'FREQ=HOURLY', 'FREQ=HOURLY recurs more often than daily'],
    ['an hour out of range', 'FREQ=DAILY;BYHOUR=25', 'BYHOUR value 25 is out of range'],
    ['an unknown day', 'FREQ=WEEKLY;BYDAY=XX', 'BYDAY names an unknown day'],
    ['a non-numeric interval', 'FREQ=DAILY;INTERVAL=abc', 'INTERVAL must be a whole number'],
    ['a DTSTART', 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', 'without DTSTART or TZID'],
    ['an empty rule', '  ', 'must not be empty'],
  ])('refuses %s', (_, rule, message) => {
    expect(parseRecurrence(rule).error).toContain(message);
  });
});

describe(parseWindowDuration.name, () => {
  it('accepts exact hours and calendar days', () => {
    expect(parseWindowDuration('PT64H').duration?.as('hours')).toBe(64);
    expect(parseWindowDuration('P2DT16H').error).toBeNull();
  });

  it.each([
    ['garbage', 'must be an ISO 8601 duration'],
    ['PT0S', 'must be longer than zero'],
    ['P367D', 'must be at most 366 days'],
  ])('refuses %s', (text, message) => {
    expect(parseWindowDuration(text).error).toContain(message);
  });
});
