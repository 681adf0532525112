import { retryDelayMs } from './delivery.worker';

describe(retryDelayMs.name, () => {
  it('doubles from the base after each failure, between half and all of it', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 1000, 60_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 1000, 60_000, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits more than the cap', () => {
    expect(retryDelayMs(40, 10_000, 3_600_000, () => 1)).toBe(3_600_000);
  });
});
