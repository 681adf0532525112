import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './error-code';
import { DomainException } from './domain-exception';

/** The part of a logger the formatter needs; Fastify's pino logger fits. */
export interface ErrorLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const INVALID_VALUE = /^(Variable "\$[^"]+" got invalid value|Variable "\$[^"]+" of required type|Argument "[^"]+" has invalid value|Expected value of type|Field "[^"]+" of required type|Int cannot represent|Float cannot represent|String cannot represent|Boolean cannot represent|Enum "[^"]+" cannot represent|Value "[^"]*" does not exist in)/;

/**
 * Maps one error to what the caller sees: a message a person can act on and
 * `extensions.code`, plus the request id. Unknown errors are logged with their stack and
 * masked; nothing internal leaves the server.
 */
export function formatGraphQLError(
  error: GraphQLError,
  requestId: string,
  log: ErrorLog,
  options: { hideSuggestions?: boolean } = {},
): GraphQLFormattedError {
  const original = error.originalError;
  const base = { locations: error.locations, path: error.path };

  if (original instanceof DomainException) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, reason: original.reason, ...original.details, requestId },
    };
  }
  if (!original || original instanceof GraphQLError) {
    // Parse, schema validation or value coercion errors: the request itself is malformed.
    const source = original instanceof GraphQLError ? original : error;
    const code = INVALID_VALUE.test(source.message) ? ErrorCode.VALIDATION_FAILED : ErrorCode.BAD_REQUEST;
    const extensions = { ...(source.extensions ?? {}), code, requestId };
    delete (extensions as Record<string, unknown>).exception;
    // "Did you mean …?" maps the schema for a prober; production leaves it out.
    const message = options.hideSuggestions ? source.message.replace(/\s*Did you mean [^?]*\?/g, '') : source.message;
    return { ...base, message, extensions };
  }
  const status = (original as { statusCode?: number; status?: number }).statusCode;
  if (status === 429) {
    return { ...base, message: original.message, extensions: { code: ErrorCode.RATE_LIMITED, requestId } };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    log.warn({ err: original, requestId }, 'request refused');
    return { ...base, message: original.message, extensions: { code: ErrorCode.BAD_REQUEST, requestId } };
  }
  log.error({ err: original, requestId, path: error.path }, 'internal error while executing a GraphQL operation');
  return {
    ...base,
    message: `Internal error. Quote request id ${requestId} when reporting it.`,
    extensions: { code: ErrorCode.INTERNAL, requestId },
  };
}

/** Expands Mercurius' wrapped validation errors (MER_ERR_GQL_VALIDATION) into their parts. */
export function flattenErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.flatMap((error) => {
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(inner)) {
      return inner.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(String((e as Error).message ?? e))));
    }
    return [error];
  });
}

/**
 * The HTTP status of a GraphQL answer: 200 once anything executed; before that, the status an
 * HTTP-level refusal carries (413 too large, 415 wrong type, 429 rate limited), 400 for a
 * malformed request, 500 for an internal error.
 */
export function statusFor(execution: ExecutionResult, formatted: GraphQLFormattedError[], errors: readonly GraphQLError[] = []): number {
  if (execution.data) return 200;
  for (const error of errors) {
    const status = (error.originalError as { statusCode?: number } | undefined)?.statusCode;
    if (status === 413 || status === 415 || status === 429) return status;
  }
  const codes = new Set(formatted.map((e) => e.extensions?.code));
  if (codes.has(ErrorCode.INTERNAL)) return 500;
  if (codes.size > 0 && [...codes].every((c) => c === ErrorCode.BAD_REQUEST || c === ErrorCode.VALIDATION_FAILED)) return 400;
  return 200;
}
