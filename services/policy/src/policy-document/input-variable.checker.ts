import { closest, distance } from 'fastest-levenshtein';
import { isLogic, isWholeData, splitPath } from '../logic/logic.runtime';
import { SCOPED_OPERATORS } from '../logic/logic.validator';
import type { DocumentPath, PolicyIssue } from './policy-document.model';

/** A JSON Schema node, as far as the checker reads it. */
interface SchemaNode {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, SchemaNode>>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

/** ANY is the scope of values whose shape is unknown (e.g. an accumulator): anything goes. */
const ANY: SchemaNode = {};

/** Scope is what `var` reads at a point of the rule: the input, or the elements of an array. */
interface Scope {
  schema: SchemaNode;
  /** How messages name the scope: "the input" or "the elements of `change.paths`". */
  label: string;
}

/**
 * Checks that every `var` (and every `missing` / `missing_some` key) a rule reads names a field
 * of the input schema, following scopes into filter/map/all/none/some/reduce. Paths must be
 * literal so they can be checked when the policy is published rather than at decision time.
 */
export function checkRuleVariables(rule: unknown, schema: object, path: DocumentPath): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const check = (variable: unknown, scope: Scope, at: DocumentPath): void => {
    if (typeof variable !== 'string' && typeof variable !== 'number') {
      issues.push({ path: at, reason: 'a variable name must be a literal string so it can be checked against the input' });
      return;
    }
    if (isWholeData(variable)) return;
    const name = String(variable);
    if (resolve(scope.schema, splitPath(name)) !== undefined) return;
    const candidates = fieldPaths(scope.schema);
    const suggestion = candidates.length ? closest(name, candidates) : undefined;
    const hint = suggestion && distance(name, suggestion) <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean \`${suggestion}\`?` : '';
    issues.push({ path: at, reason: `\`${name}\` is not a field of ${scope.label}${hint}` });
  };

  const visit = (node: unknown, scope: Scope, at: DocumentPath): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, scope, [...at, index]));
      return;
    }
    if (!isLogic(node)) return;
    const operator = Object.keys(node)[0];
    const raw = node[operator];
    const operands: unknown[] = Array.isArray(raw) ? raw : [raw];
    const operandPath = (index: number): DocumentPath => (Array.isArray(raw) ? [...at, operator, index] : [...at, operator]);
    if (operator === 'var') {
      if (isLogic(operands[0]) || Array.isArray(operands[0])) visit(operands[0], scope, operandPath(0));
      check(operands[0], scope, operandPath(0));
      operands.slice(1).forEach((operand, index) => visit(operand, scope, operandPath(index + 1)));
      return;
    }
    if (operator === 'missing') {
      // json-logic-js takes a first operand that is an array as the whole key list.
      const listed = Array.isArray(operands[0]);
      const keys: unknown[] = listed ? (operands[0] as unknown[]) : operands;
      keys.forEach((key, k) => check(key, scope, listed ? [...operandPath(0), k] : operandPath(k)));
      return;
    }
    if (operator === 'missing_some') {
      visit(operands[0], scope, operandPath(0));
      const keys = operands[1];
      if (Array.isArray(keys)) keys.forEach((key, k) => check(key, scope, [...operandPath(1), k]));
      else check(keys, scope, operandPath(1));
      return;
    }
    if (SCOPED_OPERATORS.has(operator)) {
      visit(operands[0], scope, operandPath(0));
      const source = operands[0];
      let items: Scope = { schema: ANY, label: 'the elements' };
      if (isLogic(source) && 'var' in source && (typeof source.var === 'string' || typeof source.var === 'number')) {
        const array = isWholeData(source.var) ? scope.schema : resolve(scope.schema, splitPath(source.var));
        items = { schema: array?.items ?? ANY, label: `the elements of \`${String(source.var)}\`` };
      }
      const inner = operator === 'reduce'
        ? { schema: { type: 'object', properties: { current: items.schema, accumulator: ANY }, additionalProperties: false }, label: 'a reduce step (`current`, `accumulator`)' }
        : items;
      visit(operands[1], inner, operandPath(1));
      operands.slice(2).forEach((operand, index) => visit(operand, scope, operandPath(index + 2)));
      return;
    }
    operands.forEach((operand, index) => visit(operand, scope, operandPath(index)));
  };

  visit(rule, { schema: schema as SchemaNode, label: 'the input' }, path);
  return issues;
}

/** The schema of the value at `segments`, or undefined when no such field exists. */
function resolve(schema: SchemaNode, segments: readonly string[]): SchemaNode | undefined {
  let current: SchemaNode = schema;
  for (const segment of segments) {
    if (current === ANY) return ANY;
    const types = typeof current.type === 'string' ? [current.type] : (current.type ?? []);
    if (current.properties && segment in current.properties) current = current.properties[segment];
    else if (types.includes('object') && typeof current.additionalProperties === 'object') current = current.additionalProperties;
    else if (types.includes('object') && current.additionalProperties === undefined && !current.properties) current = ANY;
    else if (types.includes('array') && /^(0|[1-9][0-9]*)$/.test(segment)) current = current.items ?? ANY;
    else if ((types.includes('array') || types.includes('string')) && segment === 'length') current = { type: 'integer' };
    else return undefined;
  }
  return current;
}

/** Every dotted field path of a schema, for "did you mean" suggestions. */
function fieldPaths(schema: SchemaNode, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.push(path, ...fieldPaths(child, path));
  }
  return paths;
}
