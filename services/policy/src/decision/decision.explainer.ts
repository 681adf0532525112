import type { LogicTraceStep } from '../logic/logic.interpreter';
import { isVarRule } from '../logic/logic.interpreter';
import { isLogic, readVar } from '../logic/logic.runtime';

const SYMBOLS: Record<string, string> = { '==': '==', '===': '===', '!=': '!=', '!==': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/**
 * Turns the trace of one rule into sentences a person can check against the input, e.g.
 * "`change.risk` was 7; the rule needs < 3: no". Only operations that test values are traced,
 * and short-circuiting means only the tests that decided the result appear.
 */
export function explainSteps(steps: readonly LogicTraceStep[], rule?: unknown, input?: unknown): string[] {
  const facts = steps.map(explainStep).filter((fact): fact is string => fact !== undefined);
  // A rule that is a bare `var` has no test step: say what it read.
  if (facts.length === 0 && isVarRule(rule) && typeof rule.var === 'string') {
    facts.push(`${name(rule.var)} was ${formatValue(readVar(input, rule.var, undefined))}`);
  }
  return facts;
}

function explainStep(step: LogicTraceStep): string | undefined {
  const verdict = step.result ? 'yes' : 'no';
  const read = step.operands
    .map((operand, index) => (variableName(operand) !== undefined ? `${name(variableName(operand))} was ${formatValue(step.values[index])}` : undefined))
    .filter((text): text is string => text !== undefined);
  const seen = read.length ? `${read.join(', ')}; ` : '';
  const term = (index: number): string => {
    const variable = variableName(step.operands[index]);
    return variable !== undefined ? name(variable) : formatValue(step.values[index]);
  };
  if (step.operator in SYMBOLS) {
    const symbol = SYMBOLS[step.operator];
    const soleVariableFirst = variableName(step.operands[0]) !== undefined && read.length === 1;
    if (step.operands.length >= 3 && (step.operator === '<' || step.operator === '<=')) {
      return `${seen}the rule needs ${term(0)} ${symbol} ${term(1)} ${symbol} ${term(2)}: ${verdict}`;
    }
    return `${seen}the rule needs ${soleVariableFirst ? '' : `${term(0)} `}${symbol} ${term(1)}: ${verdict}`;
  }
  switch (step.operator) {
    case '!':
    case '!!':
      if (variableName(step.operands[0]) === undefined) return undefined;
      return `${seen}the rule needs it to be ${step.operator === '!' ? 'false or empty' : 'true (not empty)'}: ${verdict}`;
    case 'in':
      return `${seen}the rule needs ${term(0)} in ${term(1)}: ${verdict}`;
    case 'some':
    case 'all':
    case 'none': {
      const quantity = step.operator === 'some' ? 'at least one element' : step.operator === 'all' ? 'every element' : 'no element';
      return `${seen}the rule needs ${quantity} of ${term(0)} to satisfy ${formatValue(step.operands[1])}: ${verdict}`;
    }
    case 'missing':
    case 'missing_some':
      return `missing fields: ${formatValue(step.result)}`;
    default:
      return undefined;
  }
}

function variableName(operand: unknown): string | undefined {
  if (!isVarRule(operand)) return undefined;
  const path = Array.isArray(operand.var) ? operand.var[0] : operand.var;
  if (isLogic(path)) return undefined;
  return path === '' || path === null || path === undefined ? '(the element)' : String(path);
}

function name(variable: string | undefined): string {
  return `\`${variable}\``;
}

/** A value as compact JSON, shortened so explanations stay readable. */
export function formatValue(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
