/** Whether a database error is PostgreSQL's unique_violation (23505): a concurrent or repeated insert lost the race. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
