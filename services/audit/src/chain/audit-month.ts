/**
 * Audit months are calendar months in UTC: the unit of partitioning, of month seals and of
 * retention. These helpers work on the first instant of a month.
 */

/** The first instant (UTC) of the month `date` falls in. */
export function monthStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** The first instant of the month `months` after (or before, when negative) `month`'s. */
export function addMonths(month: Date, months: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + months, 1));
}

/** `2026-11` for November 2026. */
export function monthKey(month: Date): string {
  return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Parses `2026-11` back to its first instant; undefined when it is not a month. */
export function parseMonthKey(key: string): Date | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) : undefined;
}

/** The date (YYYY-MM-DD) PostgreSQL stores for a month in a `date` column. */
export function monthDate(month: Date): string {
  return `${monthKey(month)}-01`;
}

/** `y2026m11`: the suffix of a month's partitions (see audit.create_month_partitions). */
export function partitionSuffix(month: Date): string {
  return `y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}
