/** A location inside a rule tree: object keys and array indexes from the root. */
export type LogicPath = ReadonlyArray<string | number>;

/** LogicExceptionCode says why a rule was refused. */
export enum LogicExceptionCode {
  UnknownOperator = 'UNKNOWN_OPERATOR',
  TooDeep = 'TOO_DEEP',
  TooLarge = 'TOO_LARGE',
  NotJson = 'NOT_JSON',
}

/** LogicException is thrown when a rule is refused before compilation; it names the path. */
export class LogicException extends Error {
  constructor(
    readonly code: LogicExceptionCode,
    readonly reason: string,
    readonly path: LogicPath,
  ) {
    super(`${reason} at ${formatLogicPath(path)}`);
    this.name = 'LogicException';
  }
}

/** Renders a path inside a rule for messages, e.g. `and[1].<[0]`. */
export function formatLogicPath(path: LogicPath): string {
  if (path.length === 0) return 'the root of the rule';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
