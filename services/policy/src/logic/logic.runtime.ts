/**
 * LogicRuntime holds the operator implementations shared by the compiled functions and the
 * interpreter. Each one reproduces json-logic-js 2.0.5 exactly, including its coercions and its
 * quirks (e.g. `*` of one argument returns it unparsed), because decisions must replay
 * identically and the reference library is what policy authors test against.
 */

/** JSON Logic truthiness: like JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length !== 0 : !!value;
}

/** True for an object with exactly one key: the shape JSON Logic treats as an operation. */
export function isLogic(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

/** Splits a `var` path the way json-logic-js does (any value is stringified first). */
export function splitPath(path: unknown): string[] {
  return String(path).split('.');
}

/** True when a `var` argument selects the whole data object. */
export function isWholeData(path: unknown): boolean {
  return path === undefined || path === '' || path === null;
}

/** `var`: walks a dotted path; a missing step gives `notFound` (null unless a default is given). */
export function readVar(data: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (isWholeData(path)) return data;
  return readPath(data, splitPath(path), notFound);
}

/** Walks pre-split path segments; shared by `var`, `missing` and the tracer. */
export function readPath(data: unknown, segments: readonly string[], notFound: unknown): unknown {
  let current = data;
  for (const segment of segments) {
    if (current === null || current === undefined) return notFound;
    current = (current as Record<string, unknown>)[segment];
    if (current === undefined) return notFound;
  }
  return current;
}

/** `<` and `<=` take an optional third operand for "between" checks. */
export function lessThan(a: unknown, b: unknown, c?: unknown): boolean {
  const x = a as number;
  const y = b as number;
  return c === undefined ? x < y : x < y && y < (c as number);
}

export function lessOrEqual(a: unknown, b: unknown, c?: unknown): boolean {
  const x = a as number;
  const y = b as number;
  return c === undefined ? x <= y : x <= y && y <= (c as number);
}

/** `in`: substring or array membership; anything without `indexOf` contains nothing. */
export function contains(a: unknown, b: unknown): boolean {
  if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
  return (b as { indexOf(x: unknown): number }).indexOf(a) !== -1;
}

/** `cat`: joins like Array.prototype.join, so null and undefined become empty strings. */
export function concat(...values: unknown[]): string {
  return values.join('');
}

/** `substr`: String.prototype.substr, with PHP-style negative lengths. */
export function substring(source: unknown, start: unknown, end: unknown): string {
  const text = String(source) as string & { substr(from: number, length?: number): string };
  if ((end as number) < 0) {
    const rest = text.substr(start as number) as string & { substr(from: number, length?: number): string };
    return rest.substr(0, rest.length + (end as number));
  }
  return text.substr(start as number, end as number);
}

/** `+`: parseFloat of every operand, summed from 0 (so `{"+": []}` is 0). */
export function add(...values: unknown[]): number {
  let sum = 0;
  for (const value of values) sum = parseFloat(sum as unknown as string) + parseFloat(value as string);
  return sum;
}

/** `*`: Array.prototype.reduce without a seed: throws on no operands, returns one operand as is. */
export function multiply(...values: unknown[]): unknown {
  if (values.length === 0) throw new TypeError('Reduce of empty array with no initial value');
  let product: unknown = values[0];
  for (let i = 1; i < values.length; i += 1) {
    product = parseFloat(product as string) * parseFloat(values[i] as string);
  }
  return product;
}

/** `-`: negation with one operand, subtraction with two. */
export function subtract(a: unknown, b: unknown): number {
  return b === undefined ? -(a as number) : (a as number) - (b as number);
}

/** `merge`: flattens one level, starting from an empty array. */
export function merge(...values: unknown[]): unknown[] {
  let merged: unknown[] = [];
  for (const value of values) merged = merged.concat(value);
  return merged;
}

/** `min` and `max` go through Math, so they coerce like it (and give ±Infinity when empty). */
export function min(...values: unknown[]): number {
  return Math.min(...(values as number[]));
}

export function max(...values: unknown[]): number {
  return Math.max(...(values as number[]));
}

/**
 * Reinterpret evaluates a value produced at run time as a rule, as json-logic-js does when
 * `missing` and `missing_some` hand their operands back to `apply`. Plain values pass through;
 * the interpreter is injected to avoid a module cycle.
 */
export type Reinterpret = (rule: unknown, data: unknown) => unknown;

/** `missing`: the keys whose `var` is null or "". One array operand is taken as the key list. */
export function missing(data: unknown, keys: readonly unknown[], reinterpret: Reinterpret): unknown[] {
  const list = Array.isArray(keys[0]) ? (keys[0] as unknown[]) : keys;
  const absent: unknown[] = [];
  for (const key of list) {
    // An object or array key goes back through `apply({var: key})`, which evaluates it.
    const value = typeof key === 'object' && key !== null ? reinterpret({ var: key }, data) : readVar(data, key, undefined);
    if (value === null || value === '') absent.push(key);
  }
  return absent;
}

/** `missing_some`: [] when at least `need` of the keys are present, else the missing ones. */
export function missingSome(data: unknown, need: unknown, options: unknown, reinterpret: Reinterpret): unknown[] {
  const operands = Array.isArray(options) ? options.map((option) => reinterpret(option, data)) : [reinterpret(options, data)];
  const absent = missing(data, operands, reinterpret);
  const total = (options as { length: number }).length;
  return total - absent.length >= (need as number) ? [] : absent;
}

/** `filter`, `map`, `all`, `none`, `some`, `reduce` over a data array with a scoped rule. */
export function filterOp(items: unknown, test: (item: unknown) => unknown): unknown[] {
  if (!Array.isArray(items)) return [];
  return items.filter((item) => truthy(test(item)));
}

export function mapOp(items: unknown, project: (item: unknown) => unknown): unknown[] {
  if (!Array.isArray(items)) return [];
  return items.map((item) => project(item));
}

export function allOp(items: unknown, test: (item: unknown) => unknown): boolean {
  if (!Array.isArray(items) || !items.length) return false;
  for (let i = 0; i < items.length; i += 1) if (!truthy(test(items[i]))) return false;
  return true;
}

export function noneOp(items: unknown, test: (item: unknown) => unknown): boolean {
  if (!Array.isArray(items) || !items.length) return true;
  for (let i = 0; i < items.length; i += 1) if (truthy(test(items[i]))) return false;
  return true;
}

export function someOp(items: unknown, test: (item: unknown) => unknown): boolean {
  if (!Array.isArray(items) || !items.length) return false;
  for (let i = 0; i < items.length; i += 1) if (truthy(test(items[i]))) return true;
  return false;
}

export function reduceOp(items: unknown, step: (scope: { current: unknown; accumulator: unknown }) => unknown, initial: unknown): unknown {
  if (!Array.isArray(items)) return initial;
  return items.reduce((accumulator: unknown, current: unknown) => step({ current, accumulator }), initial);
}

/** A `var` default that evaluated to undefined means "no default": null. */
export function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}
