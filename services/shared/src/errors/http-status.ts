import { ErrorCode } from './error-code';

/** The HTTP status an error code answers with on plain HTTP routes (GraphQL keeps 200 + errors). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
    case ErrorCode.BAD_REQUEST:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
      return 409;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.INTERNAL:
      return 500;
    default: {
      const unmapped: never = code;
      throw new Error(`no HTTP status for ${String(unmapped)}`);
    }
  }
}
