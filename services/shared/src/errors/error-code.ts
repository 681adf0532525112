/**
 * ErrorCode is the public, stable vocabulary of `extensions.code` on every GraphQL error.
 * Scripts branch on these; a domain's own codes map onto them (see DomainException).
 */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  BAD_REQUEST = 'BAD_REQUEST',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL = 'INTERNAL',
}

/** FieldProblem names one offending input field by its path, e.g. `input.environments[1].timezone`. */
export interface FieldProblem {
  path: string;
  message: string;
}
