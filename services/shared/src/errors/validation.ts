import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './error-code';
import { ValidationException } from './domain-exception';

/** Flattens class-validator's error tree into one problem per offending field path. */
export function toFieldProblems(errors: ValidationError[], parent = 'input'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push({ path, message });
    }
    if (error.children?.length) problems.push(...toFieldProblems(error.children, path));
  }
  return problems;
}

/** The exceptionFactory for Nest's ValidationPipe: every bad field, as VALIDATION_FAILED. */
export function validationExceptionFactory(errors: ValidationError[]): ValidationException {
  return new ValidationException(toFieldProblems(errors));
}
