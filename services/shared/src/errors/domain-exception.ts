import { ErrorCode, type FieldProblem } from './error-code';

/**
 * DomainException is the base of every domain's exception. A domain declares a string enum
 * of its reasons and a complete `Record<Reason, ErrorCode>` that maps each reason to a public
 * code; a reason left out of that record fails the type check, so nothing reaches a caller
 * unmapped. The reason travels too (`extensions.reason`) for callers that want precision.
 */
export class DomainException<Reason extends string = string> extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: Reason,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** ValidationException carries every offending field path of one input. */
export class ValidationException extends DomainException<'INVALID_INPUT'> {
  constructor(readonly fields: FieldProblem[]) {
    super(
      ErrorCode.VALIDATION_FAILED,
      'INVALID_INPUT',
      `Invalid input: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`,
      { fields },
    );
  }
}
