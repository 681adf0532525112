import { monthGrid } from './window-calendar';

const day = (grid: ReturnType<typeof monthGrid>, date: string) => grid.find((d) => d.date === date)!;

describe(monthGrid.name, () => {
  it('lays out six Monday-first weeks around the month', () => {
    const grid = monthGrid('2026-12', []);
    expect(grid).toHaveLength(42);
    expect(grid[0]!.date).toBe('2026-11-30');
    expect(grid.filter((d) => d.inMonth)).toHaveLength(31);
  });

  it('marks every local day a one-off freeze touches, and none after its end', () => {
    const grid = monthGrid('2026-12', [{ name: 'year-end', kind: 'FREEZE', start: '2026-12-20T00:00', end: '2027-01-03T00:00' }]);
    expect(day(grid, '2026-12-19').windows).toEqual([]);
    expect(day(grid, '2026-12-20').windows).toEqual([{ name: 'year-end', kind: 'FREEZE' }]);
    expect(day(grid, '2027-01-02').windows).toEqual([{ name: 'year-end', kind: 'FREEZE' }]);
    expect(day(grid, '2027-01-03').windows).toEqual([]);
  });

  it('expands a recurring window with its duration: Friday 16:00 for 64 hours runs into Monday morning', () => {
    const grid = monthGrid('2026-12', [{ name: 'weekend', kind: 'FREEZE', start: '2026-01-02T16:00', rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16', duration: 'PT64H' }]);
    expect(['2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07'].map((d) => day(grid, d).windows.length)).toEqual([1, 1, 1, 1]);
    expect(['2026-12-08', '2026-12-09', '2026-12-10'].map((d) => day(grid, d).windows.length)).toEqual([0, 0, 0]);
    // The occurrence of Friday 27 November reaches into the grid's first day, Monday 30 November.
    expect(day(grid, '2026-11-30').windows).toHaveLength(1);
  });

  it('stops a recurring window at its end', () => {
    const grid = monthGrid('2026-12', [{ name: 'nights', kind: 'ALLOW', start: '2026-12-01T22:00', rrule: 'FREQ=DAILY;BYHOUR=22', duration: 'PT2H', end: '2026-12-03T00:00' }]);
    expect(['2026-12-01', '2026-12-02', '2026-12-03'].map((d) => day(grid, d).windows.length)).toEqual([1, 1, 0]);
  });
});
