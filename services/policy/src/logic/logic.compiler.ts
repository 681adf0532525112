import { interpretLogic } from './logic.interpreter';
import * as rt from './logic.runtime';
import { DEFAULT_LOGIC_LIMITS, validateLogic, type LogicLimits } from './logic.validator';

/** CompiledLogic evaluates one rule against one data document. */
export type CompiledLogic = (data: unknown) => unknown;

/** Fragment is generated code plus whether it is known to produce a boolean. */
interface Fragment {
  code: string;
  boolean: boolean;
}

/** Scope is one generated function: the name of its data parameter and its temporaries. */
interface Scope {
  data: string;
  temps: number;
}

const COMPARISONS: Record<string, string> = { '==': '==', '===': '===', '!=': '!=', '!==': '!==', '>': '>', '>=': '>=' };
const ARITHMETIC: Record<string, string> = { '%': '%', '/': '/' };
const HELPERS: Record<string, string> = { cat: 'concat', merge: 'merge', substr: 'substring', min: 'min', max: 'max' };
/** The runtime helpers generated code may call, each bound to `$<name>`. */
const RUNTIME_NAMES = Object.keys(rt).filter((name) => typeof (rt as Record<string, unknown>)[name] === 'function');
const ITERATORS: Record<string, string> = { filter: 'filterOp', map: 'mapOp' };

/**
 * LogicCodegen turns a validated rule tree into JavaScript source. Every literal goes through
 * JSON.stringify or the constant table, and operator names only select fixed code templates, so
 * nothing the author wrote is ever pasted into the source as code.
 */
class LogicCodegen {
  private readonly hoisted: string[] = [];
  readonly constants: unknown[] = [];
  private readonly getters = new Map<string, string>();
  private functions = 0;

  compile(rule: unknown): string {
    const scope: Scope = { data: 'd0', temps: 0 };
    const body = this.expression(rule, scope).code;
    return this.source(`return function evaluate(d0) { ${declare(scope)}return ${body}; };`);
  }

  /**
   * Compiles several rules into one function returning a bit mask of the rules that are true,
   * or -(i + 1) when rule i returns something other than a boolean. Exceptions propagate.
   */
  compileSet(rules: readonly unknown[]): string {
    const scope: Scope = { data: 'd0', temps: 0 };
    const checks = rules.map((rule, index) => {
      const fragment = this.expression(rule, scope);
      const bit = 2 ** index;
      return fragment.boolean
        ? `if (${fragment.code}) m |= ${bit};`
        : `r = ${fragment.code}; if (r === true) m |= ${bit}; else if (r !== false) return ${-(index + 1)};`;
    });
    return this.source(`return function evaluate(d0) { ${declare(scope)}let r, m = 0; ${checks.join(' ')} return m; };`);
  }

  private source(main: string): string {
    return [
      '"use strict";',
      // Runtime helpers as local constants: direct calls, no property lookups per evaluation.
      `const ${RUNTIME_NAMES.map((name) => `$${name} = rt.${name}`).join(', ')};`,
      ...this.hoisted,
      main,
    ].join('\n');
  }

  private expression(node: unknown, scope: Scope): Fragment {
    if (Array.isArray(node)) return { code: `[${node.map((item) => this.expression(item, scope).code).join(', ')}]`, boolean: false };
    if (node === undefined) return { code: 'undefined', boolean: false };
    if (typeof node === 'object' && node !== null) {
      if (!rt.isLogic(node)) return { code: this.constant(node), boolean: false };
      const operator = Object.keys(node)[0];
      const raw = node[operator];
      return this.operation(operator, Array.isArray(raw) ? raw : [raw], scope);
    }
    return { code: literal(node), boolean: typeof node === 'boolean' };
  }

  private operation(operator: string, operands: readonly unknown[], scope: Scope): Fragment {
    const arg = (index: number): Fragment => this.expression(operands[index], scope);
    const all = (): string[] => operands.map((_, index) => arg(index).code);
    // Operands past an operator's arity are still evaluated by json-logic-js (and may throw).
    const withExtra = (arity: number, code: string): string => {
      const extra = operands.slice(arity).map((operand) => this.expression(operand, scope).code);
      return extra.length ? `(${[...extra, code].join(', ')})` : code;
    };
    if (operator in COMPARISONS) {
      return { code: withExtra(2, `(${arg(0).code} ${COMPARISONS[operator]} ${arg(1).code})`), boolean: true };
    }
    if (operator in ARITHMETIC) return { code: withExtra(2, `(${arg(0).code} ${ARITHMETIC[operator]} ${arg(1).code})`), boolean: false };
    if (operator === 'substr' && operands.length <= 3 && (operands.length < 3 || (typeof operands[2] === 'number' && operands[2] >= 0))) {
      // Without a negative length, substr is String.prototype.substr itself.
      return { code: `String(${arg(0).code}).substr(${arg(1).code}, ${arg(2).code})`, boolean: false };
    }
    if (operator in HELPERS) return { code: `$${HELPERS[operator]}(${all().join(', ')})`, boolean: false };
    if (operator === 'all' || operator === 'none' || operator === 'some') {
      return { code: `${this.quantifier(operator, operands[1])}(${arg(0).code})`, boolean: true };
    }
    if (operator in ITERATORS) return { code: `$${ITERATORS[operator]}(${arg(0).code}, ${this.scoped(operands[1])})`, boolean: false };
    switch (operator) {
      case '<':
      case '<=':
        if (operands.length <= 2) return { code: `(${arg(0).code} ${operator} ${arg(1).code})`, boolean: true };
        return { code: withExtra(3, `$${operator === '<' ? 'lessThan' : 'lessOrEqual'}(${arg(0).code}, ${arg(1).code}, ${arg(2).code})`), boolean: true };
      case '!':
      case '!!': {
        const value = arg(0);
        const test = value.boolean ? value.code : `$truthy(${value.code})`;
        return { code: withExtra(1, operator === '!' ? `!${test}` : test), boolean: true };
      }
      case 'in':
        return { code: withExtra(2, `$contains(${arg(0).code}, ${arg(1).code})`), boolean: true };
      case '+':
        // Sums never become -0, so parseFloat of the running sum is the sum itself.
        return { code: `(${['0', ...all().map((code) => `parseFloat(${code})`)].join(' + ')})`, boolean: false };
      case '*':
        if (operands.length === 1) return arg(0);
        if (operands.length === 2) return { code: `(parseFloat(${arg(0).code}) * parseFloat(${arg(1).code}))`, boolean: false };
        return { code: `$multiply(${all().join(', ')})`, boolean: false };
      case '-':
        if (operands.length <= 1) return { code: `(-${arg(0).code})`, boolean: false };
        if (isLiteral(operands[1])) return { code: withExtra(2, `(${arg(0).code} - ${arg(1).code})`), boolean: false };
        return { code: withExtra(2, `$subtract(${arg(0).code}, ${arg(1).code})`), boolean: false };
      case 'var':
        return { code: withExtra(2, this.variable(operands, scope)), boolean: false };
      case 'missing':
        return { code: `$missing(${scope.data}, [${all().join(', ')}], reinterpret)`, boolean: false };
      case 'missing_some':
        return { code: withExtra(2, `$missingSome(${scope.data}, ${arg(0).code}, ${arg(1).code}, reinterpret)`), boolean: false };
      case 'if':
      case '?:':
        return this.conditional(operands, scope);
      case 'and':
      case 'or':
        return this.junction(operator, operands, scope);
      case 'reduce': {
        const initial = typeof operands[2] !== 'undefined' ? arg(2).code : 'null';
        return { code: `$reduceOp(${arg(0).code}, ${this.scoped(operands[1])}, ${initial})`, boolean: false };
      }
      default:
        // Unreachable after validateLogic; kept so a new operator cannot slip through silently.
        throw new Error(`no code template for operator "${operator}"`);
    }
  }

  /** `var` with a literal path becomes a hoisted getter specialised to that path. */
  private variable(operands: readonly unknown[], scope: Scope): string {
    const [path, fallback] = operands;
    const notFound = operands.length < 2 ? 'null' : isLiteral(fallback) ? literal(fallback ?? null) : `$orNull(${this.expression(fallback, scope).code})`;
    if (!isLiteral(path)) return `$readVar(${scope.data}, ${this.expression(path, scope).code}, ${operands.length < 2 ? 'undefined' : this.expression(fallback, scope).code})`;
    if (rt.isWholeData(path)) return operands.length < 2 ? scope.data : `(${notFound}, ${scope.data})`;
    const segments = rt.splitPath(path);
    const key = JSON.stringify(segments);
    let getter = this.getters.get(key);
    if (!getter) {
      getter = `g${this.getters.size}`;
      this.getters.set(key, getter);
      // Between steps, undefined and null both give the fallback; after the last, only undefined does.
      const steps = segments.map((segment) => `d = d[${JSON.stringify(segment)}]; `);
      this.hoisted.push(`function ${getter}(d, f) { if (d == null) return f; ${steps.join('if (d == null) return f; ')}return d === undefined ? f : d; }`);
    }
    return `${getter}(${scope.data}, ${notFound})`;
  }

  private conditional(operands: readonly unknown[], scope: Scope): Fragment {
    let i = 0;
    const tests: Array<[Fragment, Fragment]> = [];
    for (; i < operands.length - 1; i += 2) tests.push([this.expression(operands[i], scope), this.expression(operands[i + 1], scope)]);
    let tail: Fragment = operands.length === i + 1 ? this.expression(operands[i], scope) : { code: 'null', boolean: false };
    for (let j = tests.length - 1; j >= 0; j -= 1) {
      const [test, then] = tests[j];
      tail = { code: `(${truthyCode(test)} ? ${then.code} : ${tail.code})`, boolean: then.boolean && tail.boolean };
    }
    return tail;
  }

  /** `and` returns the first falsy operand or the last; `or` the first truthy or the last. */
  private junction(operator: 'and' | 'or', operands: readonly unknown[], scope: Scope): Fragment {
    if (operands.length === 0) return { code: 'undefined', boolean: false };
    const parts = operands.map((operand) => this.expression(operand, scope));
    let tail = parts[parts.length - 1];
    for (let j = parts.length - 2; j >= 0; j -= 1) {
      const part = parts[j];
      if (part.boolean) {
        tail = { code: `(${part.code} ${operator === 'and' ? '&&' : '||'} ${tail.code})`, boolean: tail.boolean };
      } else {
        const temp = `t${scope.temps++}`;
        const code = operator === 'and' ? `($truthy(${temp} = ${part.code}) ? ${tail.code} : ${temp})` : `($truthy(${temp} = ${part.code}) ? ${temp} : ${tail.code})`;
        tail = { code, boolean: false };
      }
    }
    return tail;
  }

  /** all/none/some as a hoisted loop with the element rule inlined (no callback per element). */
  private quantifier(operator: 'all' | 'none' | 'some', rule: unknown): string {
    const name = `q${this.functions++}`;
    const scope: Scope = { data: `d${name}`, temps: 0 };
    const test = truthyCode(this.expression(rule, scope));
    // all: false on empty, first falsy -> false; none: true on empty, first truthy -> false; some: first truthy -> true.
    const [empty, hit, miss, negate] = { all: ['false', 'false', 'true', true], none: ['true', 'false', 'true', false], some: ['false', 'true', 'false', false] }[operator];
    this.hoisted.push(
      `function ${name}(items) { if (!Array.isArray(items) || !items.length) return ${empty}; ${declare(scope)}` +
        `for (let i = 0; i < items.length; i += 1) { const ${scope.data} = items[i]; if (${negate ? '!' : ''}${test}) return ${hit}; } return ${miss}; }`,
    );
    return name;
  }

  /** The per-element rule of filter/map/reduce, hoisted as its own function. */
  private scoped(rule: unknown): string {
    const name = `s${this.functions++}`;
    const scope: Scope = { data: `d${name}`, temps: 0 };
    const body = this.expression(rule, scope).code;
    this.hoisted.push(`function ${name}(${scope.data}) { ${declare(scope)}return ${body}; }`);
    return name;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }
}

function declare(scope: Scope): string {
  if (scope.temps === 0) return '';
  return `let ${Array.from({ length: scope.temps }, (_, i) => `t${i}`).join(', ')}; `;
}

function truthyCode(fragment: Fragment): string {
  return fragment.boolean ? fragment.code : `$truthy(${fragment.code})`;
}

function isLiteral(node: unknown): boolean {
  return node === null || ['string', 'number', 'boolean'].includes(typeof node);
}

/** A JSON primitive as JavaScript source; -0 survives, strings are JSON-escaped. */
function literal(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '(-0)' : value < 0 ? `(${value})` : String(value);
  return JSON.stringify(value);
}

/** CompileLogicOptions tune compilation. */
export interface CompileLogicOptions {
  limits?: LogicLimits;
}

/**
 * Compiles a JSON Logic rule into a function with json-logic-js 2.0.5 semantics. The rule is
 * validated first (closed operator set, limits: throws LogicException naming the path); the
 * function is generated once and can be called any number of times.
 */
export function compileLogic(rule: unknown, options: CompileLogicOptions = {}): CompiledLogic {
  validateLogic(rule, options.limits ?? DEFAULT_LOGIC_LIMITS);
  const codegen = new LogicCodegen();
  return instantiate(codegen, codegen.compile(rule)) as CompiledLogic;
}

/** CompiledRuleSet returns a bit mask of the rules that are true (bit i for rule i), or -(i + 1) when rule i is not boolean. */
export type CompiledRuleSet = (data: unknown) => number;

/** The most rules one CompiledRuleSet can hold (bits of a small integer). */
export const MAX_RULE_SET_SIZE = 30;

/** Compiles up to MAX_RULE_SET_SIZE rules into one function, as a policy evaluates them together. */
export function compileRuleSet(rules: readonly unknown[], options: CompileLogicOptions = {}): CompiledRuleSet {
  if (rules.length > MAX_RULE_SET_SIZE) throw new RangeError(`a rule set holds at most ${MAX_RULE_SET_SIZE} rules`);
  for (const rule of rules) validateLogic(rule, options.limits ?? DEFAULT_LOGIC_LIMITS);
  const codegen = new LogicCodegen();
  return instantiate(codegen, codegen.compileSet(rules)) as CompiledRuleSet;
}

function instantiate(codegen: LogicCodegen, source: string): (data: unknown) => unknown {
  const factory = new Function('rt', 'k', 'reinterpret', source) as (
    runtime: typeof rt,
    constants: unknown[],
    reinterpret: rt.Reinterpret,
  ) => (data: unknown) => unknown;
  return factory(rt, codegen.constants, (value, data) => interpretLogic(value, data));
}

/** The generated source of a rule, for debugging and review. */
export function logicSource(rule: unknown, options: CompileLogicOptions = {}): string {
  validateLogic(rule, options.limits ?? DEFAULT_LOGIC_LIMITS);
  return new LogicCodegen().compile(rule);
}

