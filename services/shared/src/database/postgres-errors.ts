/**
 * The SQLSTATE of a database error, whether node-postgres raised it (`code`) or TypeORM wrapped
 * it in a QueryFailedError (`driverError.code`); undefined for anything else.
 */
export function postgresErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a database error is PostgreSQL's unique_violation (23505): a concurrent or repeated insert lost the race. */
export function isUniqueViolation(error: unknown): boolean {
  return postgresErrorCode(error) === '23505';
}
