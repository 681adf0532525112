import type { PolicyDocument, PolicyRule } from '../policy-document/policy-document.model';
import { diffPolicyDocuments } from './policy-diff';

function rule(id: string, overrides: Partial<PolicyRule> = {}): PolicyRule {
  return { id, when: { '===': [{ var: 'window.frozen' }, true] }, effect: 'deny', reason: `${id} reason`, ...overrides };
}

function policy(rules: PolicyRule[], overrides: Partial<PolicyDocument> = {}): PolicyDocument {
  return { name: 'production', version: 1, appliesTo: { environments: ['prod'], regulated: true }, default: 'require_approval', defaultApprovals: { count: 1, groups: ['release-managers'] }, rules, ...overrides };
}

describe(diffPolicyDocuments.name, () => {
  it('reports nothing for identical documents, whatever their key order', () => {
    const a = policy([rule('a'), rule('b')]);
    const reordered = {
      rules: a.rules.map((r) => ({ reason: r.reason, effect: r.effect, when: r.when, id: r.id })),
      defaultApprovals: { groups: ['release-managers'], count: 1 },
      default: a.default,
      appliesTo: { regulated: true, environments: ['prod'] },
      version: 1,
      name: 'production',
    } as PolicyDocument;
    expect(diffPolicyDocuments(a, reordered)).toEqual({ added: [], removed: [], changed: [], settingsChanged: [], reordered: false });
  });

  it('reports rules added and removed by id', () => {
    const diff = diffPolicyDocuments(policy([rule('a'), rule('b')]), policy([rule('b'), rule('c')]));
    expect(diff.added.map((r) => r.id)).toEqual(['c']);
    expect(diff.removed.map((r) => r.id)).toEqual(['a']);
    expect(diff.changed).toEqual([]);
  });

  it('names every changed field of a rule kept by id', () => {
    const before = rule('cab', { effect: 'require_approval', approvals: { count: 1, groups: ['change-advisory-board'] }, when: { '>=': [{ var: 'change.risk' }, 7] } });
    const after = rule('cab', { effect: 'require_approval', approvals: { count: 2, groups: ['change-advisory-board'] }, when: { '>=': [{ var: 'change.risk' }, 6] }, description: 'new' });
    const diff = diffPolicyDocuments(policy([before]), policy([after]));
    expect(diff.changed).toEqual([{ id: 'cab', fields: ['description', 'when', 'approvals'], before, after }]);
  });

  it('reports changed settings and a new order of the kept rules', () => {
    const diff = diffPolicyDocuments(policy([rule('a'), rule('b')]), policy([rule('b'), rule('a')], { default: 'deny', defaultApprovals: undefined }));
    expect(diff.settingsChanged).toEqual(['default', 'defaultApprovals']);
    expect(diff.reordered).toBe(true);
    expect(diff.changed).toEqual([]);
  });
});
