import { join } from 'node:path';
import { ProductionInputGenerator } from '../bench/production-input.generator';
import { compilePolicy } from '../decision/compiled-policy';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { loadPolicyFile } from '../policy-document/policy-document.loader';
import type { PolicyRule } from '../policy-document/policy-document.model';
import { inputPathsRead, rebuildInput, type InputProjection } from './input-projection';

const rules = (...when: unknown[]): { rules: PolicyRule[] } => ({ rules: when.map((logic, i) => ({ id: `r${i}`, when: logic, effect: 'deny', reason: 'r' })) });

/** What `jsonb #>` gives for a path: the value, or undefined when the path does not exist. */
function extract(input: unknown, path: readonly string[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function project(input: unknown, projection: InputProjection): Record<string, unknown> {
  const values = projection.paths.map((path) => {
    const value = extract(input, path);
    if (projection.distinguishMissing) return value === undefined ? null : [value];
    return value === undefined ? null : value;
  });
  return rebuildInput(projection, values);
}

describe(inputPathsRead.name, () => {
  it('lists the top-level variables, keeping a prefix instead of the paths under it', () => {
    const projection = inputPathsRead(rules({ '>': [{ var: 'change.risk' }, 3] }, { '!': { var: 'evidence.tests.passed' } }, { '===': [{ var: 'evidence.tests' }, null] }));
    expect(projection).toEqual({ paths: [['change', 'risk'], ['evidence', 'tests']], distinguishMissing: false });
  });

  it('reads only the array operand of some/all/filter: inner variables are element fields', () => {
    const projection = inputPathsRead(rules({ some: [{ var: 'change.paths' }, { '==': [{ substr: [{ var: '' }, 0, 9] }, 'payments/'] }] }));
    expect(projection).toEqual({ paths: [['change', 'paths']], distinguishMissing: false });
  });

  it('stops a path before length or an index, and needs the whole input for var ""', () => {
    expect(inputPathsRead(rules({ '>': [{ var: 'change.paths.length' }, 3] }, { '==': [{ var: 'change.labels.0' }, 'x'] }))?.paths).toEqual([['change', 'paths'], ['change', 'labels']]);
    expect(inputPathsRead(rules({ '!!': { var: '' } }))).toBeNull();
  });

  it('keeps missing apart from null when a var has a default, and reads missing keys', () => {
    expect(inputPathsRead(rules({ '==': [{ var: ['window.freeze', 'none'] }, 'none'] }))).toEqual({ paths: [['window', 'freeze']], distinguishMissing: true });
    expect(inputPathsRead(rules({ missing: ['change.ticket', 'change.sha'] }))?.paths).toEqual([['change', 'ticket'], ['change', 'sha']]);
  });
});

describe(rebuildInput.name, () => {
  it('decides the shipped production policy exactly as on the whole input', () => {
    const document = loadPolicyFile(join(__dirname, '..', '..', '..', '..', 'policies', 'production', 'policy.yaml')).document!;
    const policy = compilePolicy(document);
    const projection = inputPathsRead(document)!;
    const generator = new ProductionInputGenerator(11);
    for (let i = 0; i < 2000; i += 1) {
      const input = generator.next(i);
      expect(evaluatePolicy(policy, project(input, projection))).toEqual(evaluatePolicy(policy, input));
    }
  });

  it('leaves a missing field missing when a default depends on it', () => {
    const document = rules({ '==': [{ var: ['window.freeze', 'none'] }, 'none'] });
    const projection = inputPathsRead(document)!;
    const policy = compilePolicy({ name: 'p', version: 1, appliesTo: { environments: ['prod'] }, default: 'allow', ...document });
    expect(evaluatePolicy(policy, project({ window: {} }, projection)).matchedRules).toHaveLength(1);
    expect(evaluatePolicy(policy, project({ window: { freeze: null } }, projection)).matchedRules).toHaveLength(0);
  });
});
