import { LogicException, LogicExceptionCode, type LogicPath } from './logic.exception';
import * as rt from './logic.runtime';
import { isLogicOperator } from './logic.validator';

/** LogicTraceStep records one operation that decided a result, with the values it saw. */
export interface LogicTraceStep {
  /** Where the operation sits in the rule. */
  path: LogicPath;
  operator: string;
  /** The operands as written in the rule (so a `var` can be named). */
  operands: readonly unknown[];
  /** The operands' values at evaluation time. */
  values: readonly unknown[];
  result: unknown;
}

/** Operations whose evaluation is worth explaining: tests and the values they read. */
const TRACED: ReadonlySet<string> = new Set([
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', 'in', 'some', 'all', 'none', 'missing', 'missing_some',
]);

type Operation = (data: unknown, values: unknown[]) => unknown;

const OPERATIONS: Record<string, Operation> = {
  '==': (_, [a, b]) => a == b,
  '===': (_, [a, b]) => a === b,
  '!=': (_, [a, b]) => a != b,
  '!==': (_, [a, b]) => a !== b,
  '>': (_, [a, b]) => (a as number) > (b as number),
  '>=': (_, [a, b]) => (a as number) >= (b as number),
  '<': (_, [a, b, c]) => rt.lessThan(a, b, c),
  '<=': (_, [a, b, c]) => rt.lessOrEqual(a, b, c),
  '!!': (_, [a]) => rt.truthy(a),
  '!': (_, [a]) => !rt.truthy(a),
  '%': (_, [a, b]) => (a as number) % (b as number),
  in: (_, [a, b]) => rt.contains(a, b),
  cat: (_, values) => rt.concat(...values),
  substr: (_, [a, b, c]) => rt.substring(a, b, c),
  '+': (_, values) => rt.add(...values),
  '*': (_, values) => rt.multiply(...values),
  '-': (_, [a, b]) => rt.subtract(a, b),
  '/': (_, [a, b]) => (a as number) / (b as number),
  min: (_, values) => rt.min(...values),
  max: (_, values) => rt.max(...values),
  merge: (_, values) => rt.merge(...values),
  var: (data, [a, b]) => rt.readVar(data, a, b),
  missing: (data, values) => rt.missing(data, values, interpretLogic),
  missing_some: (data, [need, options]) => rt.missingSome(data, need, options, interpretLogic),
};

/**
 * Evaluates a rule by walking it, with json-logic-js 2.0.5 semantics. It serves two purposes:
 * explanations (pass `trace` to collect the steps that decided the result, top scope only) and
 * values that json-logic-js evaluates again at run time (`missing_some` operands). An operator
 * outside the closed set throws when it is reached, as in json-logic-js.
 */
export function interpretLogic(rule: unknown, data: unknown, trace?: LogicTraceStep[]): unknown {
  return evaluate(rule, data, [], trace);
}

function evaluate(rule: unknown, data: unknown, path: LogicPath, trace: LogicTraceStep[] | undefined): unknown {
  if (Array.isArray(rule)) return rule.map((item, index) => evaluate(item, data, [...path, index], trace));
  if (!rt.isLogic(rule)) return rule;
  const operator = Object.keys(rule)[0];
  const raw = rule[operator];
  const operands: unknown[] = Array.isArray(raw) ? raw : [raw];
  const at = (index: number): LogicPath => (Array.isArray(raw) ? [...path, operator, index] : [...path, operator]);
  const run = (index: number): unknown => evaluate(operands[index], data, at(index), trace);
  // Elements are evaluated without tracing: the aggregate step explains them.
  const runScoped = (index: number, scope: unknown): unknown => evaluate(operands[index], scope, at(index), undefined);

  switch (operator) {
    case 'if':
    case '?:': {
      let i = 0;
      for (; i < operands.length - 1; i += 2) {
        if (rt.truthy(run(i))) return run(i + 1);
      }
      return operands.length === i + 1 ? run(i) : null;
    }
    case 'and':
    case 'or': {
      let current: unknown;
      for (let i = 0; i < operands.length; i += 1) {
        current = run(i);
        if (trace && isVarRule(operands[i])) trace.push({ path: at(i), operator: '!!', operands: [operands[i]], values: [current], result: rt.truthy(current) });
        if (rt.truthy(current) === (operator === 'or')) return current;
      }
      return current;
    }
    case 'filter':
    case 'map':
    case 'all':
    case 'none':
    case 'some':
    case 'reduce': {
      const items = run(0);
      const each = (item: unknown): unknown => runScoped(1, item);
      let result: unknown;
      if (operator === 'reduce') {
        const initial = typeof operands[2] !== 'undefined' ? run(2) : null;
        result = rt.reduceOp(items, (scope) => runScoped(1, scope), initial);
      } else if (operator === 'filter') result = rt.filterOp(items, each);
      else if (operator === 'map') result = rt.mapOp(items, each);
      else if (operator === 'all') result = rt.allOp(items, each);
      else if (operator === 'none') result = rt.noneOp(items, each);
      else result = rt.someOp(items, each);
      if (trace && TRACED.has(operator)) trace.push({ path, operator, operands, values: [items], result });
      return result;
    }
    default: {
      if (!isLogicOperator(operator)) {
        throw new LogicException(LogicExceptionCode.UnknownOperator, `unknown operator "${operator}"`, path);
      }
      const values = operands.map((_, index) => run(index));
      const result = OPERATIONS[operator](data, values);
      if (trace && TRACED.has(operator)) trace.push({ path, operator, operands, values, result });
      return result;
    }
  }
}

/** True for `{"var": "a.literal.path"}`, the operand shape explanations can name. */
export function isVarRule(rule: unknown): rule is { var: unknown } {
  return rt.isLogic(rule) && 'var' in rule;
}
