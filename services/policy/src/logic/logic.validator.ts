import { closest, distance } from 'fastest-levenshtein';
import { LogicException, LogicExceptionCode, type LogicPath } from './logic.exception';

/** LogicOperator is one operator of the closed set Gatehouse evaluates. */
export type LogicOperator = (typeof LOGIC_OPERATORS)[number];

/**
 * The closed operator set: everything json-logic-js 2.0.5 defines except `log` (it writes to
 * the console, a side effect a decision must not have). Dotted "operators" are not accepted.
 */
export const LOGIC_OPERATORS = [
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', '%', 'in', 'cat', 'substr',
  '+', '*', '-', '/', 'min', 'max', 'merge', 'var', 'missing', 'missing_some',
  'if', '?:', 'and', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some',
] as const;

/** Operators whose second operand is a rule applied to each element of the first. */
export const SCOPED_OPERATORS: ReadonlySet<string> = new Set(['filter', 'map', 'reduce', 'all', 'none', 'some']);

const OPERATORS: ReadonlySet<string> = new Set(LOGIC_OPERATORS);

/** LogicLimits bound the size of a rule so a policy cannot make evaluation slow or deep. */
export interface LogicLimits {
  /** Deepest nesting of arrays and objects, the rule itself being depth 1. */
  maxDepth: number;
  /** Total number of JSON values (operations, arrays, literals) in the rule. */
  maxNodes: number;
}

export const DEFAULT_LOGIC_LIMITS: LogicLimits = { maxDepth: 32, maxNodes: 2000 };

/** True when `name` is an operator of the closed set. */
export function isLogicOperator(name: string): name is LogicOperator {
  return OPERATORS.has(name);
}

/**
 * Validates a rule tree before anything is generated from it: only JSON values, only operators
 * of the closed set, within the limits. Throws LogicException naming the path of the problem.
 */
export function validateLogic(rule: unknown, limits: LogicLimits = DEFAULT_LOGIC_LIMITS): void {
  let nodes = 0;
  const visit = (node: unknown, path: LogicPath, depth: number, evaluated: boolean): void => {
    nodes += 1;
    if (nodes > limits.maxNodes) {
      throw new LogicException(LogicExceptionCode.TooLarge, `the rule has more than ${limits.maxNodes} nodes`, path);
    }
    if (depth > limits.maxDepth) {
      throw new LogicException(LogicExceptionCode.TooDeep, `the rule is nested deeper than ${limits.maxDepth} levels`, path);
    }
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw new LogicException(LogicExceptionCode.NotJson, `${node} is not a JSON number`, path);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index], depth + 1, evaluated));
      return;
    }
    if (typeof node !== 'object' || Object.prototype.toString.call(node) !== '[object Object]') {
      throw new LogicException(LogicExceptionCode.NotJson, `a ${typeof node} is not a JSON value`, path);
    }
    const keys = Object.keys(node);
    // Objects with zero or several keys are data, returned as they are (json-logic-js does the same).
    if (keys.length !== 1 || !evaluated) {
      for (const key of keys) visit((node as Record<string, unknown>)[key], [...path, key], depth + 1, false);
      return;
    }
    const operator = keys[0];
    if (!isLogicOperator(operator)) {
      throw new LogicException(LogicExceptionCode.UnknownOperator, unknownOperatorMessage(operator), path);
    }
    const operands = (node as Record<string, unknown>)[operator];
    if (Array.isArray(operands)) {
      nodes += 1;
      operands.forEach((operand, index) => visit(operand, [...path, operator, index], depth + 2, true));
    } else {
      visit(operands, [...path, operator], depth + 1, true);
    }
  };
  visit(rule, [], 1, true);
}

function unknownOperatorMessage(operator: string): string {
  const suggestion = closest(operator, [...LOGIC_OPERATORS]);
  const hint = distance(operator, suggestion) <= Math.max(1, Math.floor(operator.length / 3)) ? `; did you mean "${suggestion}"?` : '';
  return `unknown operator "${operator}"${hint} (allowed: ${LOGIC_OPERATORS.join(' ')})`;
}
