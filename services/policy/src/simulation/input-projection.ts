import { SCOPED_OPERATORS } from '../logic/logic.validator';
import type { PolicyDocument } from '../policy-document/policy-document.model';

/** A path into the input document, e.g. ['evidence', 'tests', 'passed']. */
export type InputPath = readonly string[];

/**
 * InputProjection is what a backtest reads of each stored input. `distinguishMissing` is
 * needed only when a rule gives `var` a default (json-logic uses the default for a missing
 * field but not for a null one); everywhere else a missing field and a null one decide alike.
 */
export interface InputProjection {
  paths: InputPath[];
  distinguishMissing: boolean;
}

const isLogic = (node: unknown): node is Record<string, unknown> =>
  typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;

/**
 * The input paths a policy's rules can read, so a backtest fetches only those from the stored
 * inputs instead of whole documents. Null when a rule may read the whole input (`var: ""` or a
 * computed variable name at the top level). Inside filter/map/all/none/some/reduce the data is
 * the element, so only the array operand reads the input. A path stops before a `length` or
 * numeric segment (those read arrays and strings, which must then come whole), and a path
 * under another kept path is dropped.
 */
export function inputPathsRead(document: Pick<PolicyDocument, 'rules'>): InputProjection | null {
  const paths: string[][] = [];
  let whole = false;
  let distinguishMissing = false;
  const read = (variable: unknown): void => {
    if (variable === null || variable === undefined || variable === '' || (typeof variable !== 'string' && typeof variable !== 'number')) {
      whole = true;
      return;
    }
    const segments = String(variable).split('.');
    const stop = segments.findIndex((segment) => segment === 'length' || /^\d+$/.test(segment));
    const kept = stop === -1 ? segments : segments.slice(0, stop);
    if (kept.length === 0) whole = true;
    else paths.push(kept);
  };
  const visit = (node: unknown): void => {
    if (whole) return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isLogic(node)) return;
    const operator = Object.keys(node)[0]!;
    const raw = node[operator];
    const operands: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (operator === 'var') {
      read(operands[0]);
      if (operands.length > 1) distinguishMissing = true;
      operands.slice(1).forEach(visit);
    } else if (operator === 'missing') {
      (Array.isArray(operands[0]) ? (operands[0] as unknown[]) : operands).forEach(read);
    } else if (operator === 'missing_some') {
      visit(operands[0]);
      (Array.isArray(operands[1]) ? (operands[1] as unknown[]) : [operands[1]]).forEach(read);
    } else if (SCOPED_OPERATORS.has(operator)) {
      visit(operands[0]);
      operands.slice(2).forEach(visit);
    } else {
      operands.forEach(visit);
    }
  };
  for (const rule of document.rules) visit(rule.when);
  if (whole) return null;
  const unique = [...new Map(paths.map((path) => [path.join('\u0000'), path])).values()].sort((a, b) => a.length - b.length);
  const kept = unique.filter((path, index) => !unique.slice(0, index).some((shorter) => shorter.length < path.length && shorter.every((segment, i) => segment === path[i])));
  return { paths: kept, distinguishMissing };
}

/**
 * Rebuilds an input document from projected values. With `distinguishMissing`, `values[i]`
 * is `[value]` when `paths[i]` exists in the stored input and null when it does not, so a
 * missing field stays missing; without, `values[i]` is the value (null when missing).
 */
export function rebuildInput(projection: InputProjection, values: readonly unknown[]): Record<string, unknown> {
  const { paths, distinguishMissing } = projection;
  const input: Record<string, unknown> = {};
  for (let i = 0; i < paths.length; i += 1) {
    const value = values[i];
    if (distinguishMissing && (value === null || value === undefined)) continue;
    const found = distinguishMissing ? (value as [unknown]) : [value];
    const path = paths[i]!;
    let target = input;
    for (let s = 0; s < path.length - 1; s += 1) {
      const key = path[s]!;
      let next = target[key];
      if (typeof next !== 'object' || next === null) {
        next = {};
        target[key] = next;
      }
      target = next as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = found[0];
  }
  return input;
}
