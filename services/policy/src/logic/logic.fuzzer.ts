/**
 * LogicFuzzer generates seeded random rules and data for differential testing against
 * json-logic-js. Rules draw from the whole closed operator set with operand counts around each
 * operator's arity (including too few and too many), and data mixes every JSON type.
 */
export class LogicFuzzer {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast and good enough to spread test cases. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(limit: number): number {
    return Math.floor(this.next() * limit);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A random data document over the field names rules read. */
  data(): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const key of FIELDS) if (this.next() < 0.75) data[key] = this.value(2);
    if (this.next() < 0.5) data.nested = { a: this.value(1), b: this.value(1), list: this.list(1) };
    return data;
  }

  /** A random rule at most `depth` operations deep. */
  rule(depth = 4): unknown {
    if (depth <= 0 || this.next() < 0.2) return this.leaf();
    const operator = this.pick(OPERATOR_WEIGHTS);
    const arity = ARITY[operator] ?? 2;
    const count = Math.max(0, arity + this.pick([0, 0, 0, 0, 1, -1, 2, -2]));
    if (SCOPED.has(operator)) {
      const operands: unknown[] = [this.pick([this.variable(), this.variable(), this.rule(depth - 1), this.list(1)]), this.scopedRule(depth - 1, operator)];
      if (operator === 'reduce' && this.next() < 0.7) operands.push(this.rule(depth - 1));
      if (this.next() < 0.05) operands.pop();
      return { [operator]: operands };
    }
    if (operator === 'var') return this.variable();
    if (operator === 'missing' || operator === 'missing_some') {
      const keys = Array.from({ length: 1 + this.int(3) }, () => this.pick(PATHS));
      return operator === 'missing' ? { missing: this.next() < 0.5 ? keys : [keys] } : { missing_some: [this.int(4), keys] };
    }
    const operands = Array.from({ length: count }, () => this.rule(depth - 1));
    // Unary operators are often written without the array.
    if (count === 1 && this.next() < 0.3) return { [operator]: operands[0] };
    return { [operator]: operands };
  }

  private scopedRule(depth: number, operator: string): unknown {
    if (operator === 'reduce') {
      return { [this.pick(['+', '*', '-', 'max', 'cat', '<'])]: [{ var: 'current' }, { var: 'accumulator' }] };
    }
    if (this.next() < 0.5) return { [this.pick(['>', '<', '==', '===', '!=', 'in', '!'])]: [{ var: this.pick(['', '', 'a', 'x']) }, this.scalar()] };
    return this.rule(depth);
  }

  private variable(): unknown {
    const path = this.pick(PATHS);
    const roll = this.next();
    if (roll < 0.6) return { var: path };
    if (roll < 0.75) return { var: [path, this.scalar()] };
    if (roll < 0.85) return { var: path.split('.').length === 1 && this.next() < 0.5 ? Number(this.int(3)) : path };
    return { var: [path] };
  }

  private leaf(): unknown {
    const roll = this.next();
    if (roll < 0.45) return this.variable();
    if (roll < 0.9) return this.scalar();
    return this.list(1);
  }

  scalar(): unknown {
    return this.pick(SCALARS);
  }

  private list(depth: number): unknown[] {
    return Array.from({ length: this.int(4) }, () => (depth > 0 && this.next() < 0.2 ? this.list(depth - 1) : this.scalar()));
  }

  private value(depth: number): unknown {
    const roll = this.next();
    if (roll < 0.6 || depth <= 0) return this.scalar();
    if (roll < 0.85) return this.list(depth - 1);
    const object: Record<string, unknown> = {};
    for (const key of ['a', 'b', 'x']) if (this.next() < 0.6) object[key] = this.value(depth - 1);
    return object;
  }
}

const FIELDS = ['a', 'b', 'c', 'x', 'list', 'name', 'risk', 'empty'];
const PATHS = ['a', 'b', 'c', 'x', 'list', 'name', 'risk', 'empty', 'nested.a', 'nested.b', 'nested.list', 'a.x', 'list.0', 'list.1', 'a.b.c', '', 'missing.deep'];
const SCALARS: readonly unknown[] = [
  0, 1, 2, 3, -1, 7, 0.5, -2.5, 10, 100, 1e21, -0, '', '0', '1', '2', '10', 'a', 'ab', 'abc', 'prod', 'dev', ' ', '1.5', 'true',
  true, false, null, [], [0], [1, 2], ['a', 'b'], [[]],
];
const ARITY: Record<string, number> = {
  '!': 1, '!!': 1, '-': 2, substr: 3, if: 3, '?:': 3, '<': 2, '<=': 2, cat: 2, min: 2, max: 2, merge: 2, and: 2, or: 2, '+': 2, '*': 2,
};
const SCOPED = new Set(['filter', 'map', 'reduce', 'all', 'none', 'some']);
const OPERATOR_WEIGHTS = [
  '==', '===', '!=', '!==', '>', '>=', '<', '<', '<=', '!', '!!', '%', 'in', 'in', 'cat', 'substr', '+', '*', '-', '-', '/', 'min', 'max',
  'merge', 'var', 'var', 'missing', 'missing_some', 'if', 'if', '?:', 'and', 'and', 'or', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some', 'some',
];
