import { compilePolicy, PolicyException } from './compiled-policy';
import { evaluatePolicy } from './decision.evaluator';
import type { PolicyDocument, PolicyRule } from '../policy-document/policy-document.model';

function aPolicy(overrides: Partial<PolicyDocument> = {}): PolicyDocument {
  return {
    name: 'production',
    version: 1,
    appliesTo: { environments: ['prod'], regulated: true },
    default: 'require_approval',
    defaultApprovals: { count: 1, groups: ['release-managers'] },
    rules: [],
    ...overrides,
  };
}

function aRule(id: string, when: unknown, effect: PolicyRule['effect'] = 'allow', extra: Partial<PolicyRule> = {}): PolicyRule {
  return { id, when, effect, reason: `${id} reason`, ...extra };
}

function anInput(change: Record<string, unknown> = {}, window: Record<string, unknown> = {}) {
  return { change: { risk: 1, paths: ['web/a.ts'], ...change }, window: { frozen: false, ...window }, evidence: { tests: { passed: true } } };
}

const risk = { var: 'change.risk' };

describe(evaluatePolicy.name, () => {
  describe('combination', () => {
    it('reports every matching rule and lets the most restrictive effect win', () => {
      const policy = compilePolicy(aPolicy({
        rules: [
          aRule('low', { '<': [risk, 3] }),
          aRule('frozen', { '===': [{ var: 'window.frozen' }, true] }, 'deny'),
          aRule('cab', { '<': [risk, 5] }, 'require_approval', { approvals: { count: 1, groups: ['cab'] } }),
        ],
      }));
      const decision = evaluatePolicy(policy, anInput({}, { frozen: true }));
      expect(decision.outcome).toBe('deny');
      expect(decision.approvals).toEqual([]);
      expect(decision.matchedRules).toEqual([
        { id: 'low', effect: 'allow', reason: 'low reason' },
        { id: 'frozen', effect: 'deny', reason: 'frozen reason' },
        { id: 'cab', effect: 'require_approval', reason: 'cab reason' },
      ]);
      expect(decision.basis).toBe('rules');
    });

    it('adds up approvals per group across matching rules', () => {
      const policy = compilePolicy(aPolicy({
        rules: [
          aRule('a', true, 'require_approval', { approvals: { count: 2, groups: ['payments-leads'] } }),
          aRule('b', true, 'require_approval', { approvals: { count: 1, groups: ['payments-leads', 'cab'] } }),
          aRule('c', false, 'require_approval', { approvals: { count: 5, groups: ['cab'] } }),
        ],
      }));
      expect(evaluatePolicy(policy, anInput()).approvals).toEqual([
        { group: 'payments-leads', count: 3 },
        { group: 'cab', count: 1 },
      ]);
    });

    it('falls back to the default, with its approvals, when no rule matches', () => {
      const policy = compilePolicy(aPolicy({ rules: [aRule('low', { '<': [risk, 3] })] }));
      const decision = evaluatePolicy(policy, anInput({ risk: 5 }));
      expect(decision).toMatchObject({ outcome: 'require_approval', approvals: [{ group: 'release-managers', count: 1 }], matchedRules: [], basis: 'default' });
    });

    it('gives the same decision traced and untraced, and shares frozen untraced decisions', () => {
      const policy = compilePolicy(aPolicy({ rules: [aRule('low', { '<': [risk, 3] }), aRule('high', { '>=': [risk, 7] }, 'deny')] }));
      for (const value of [0, 2.9, 3, 6.5, 7, 10]) {
        const fast = evaluatePolicy(policy, anInput({ risk: value }));
        const traced = evaluatePolicy(policy, anInput({ risk: value }), { trace: true });
        expect([fast.outcome, fast.approvals, fast.matchedRules]).toEqual([traced.outcome, traced.approvals, traced.matchedRules]);
        expect(Object.isFrozen(fast)).toBe(true);
      }
    });
  });

  it('decides policies with more rules than one compiled rule set holds', () => {
    const rules = Array.from({ length: 40 }, (_, i) => aRule(`r${i}`, { '==': [risk, i] }, i === 35 ? 'deny' : 'allow'));
    const policy = compilePolicy(aPolicy({ rules }));
    expect(policy.ruleSet).toBeUndefined();
    expect(evaluatePolicy(policy, anInput({ risk: 35 }))).toMatchObject({ outcome: 'deny', matchedRules: [{ id: 'r35', effect: 'deny', reason: 'r35 reason' }] });
    expect(evaluatePolicy(policy, anInput({ risk: 39 })).matchedRules.map((rule) => rule.id)).toEqual(['r39']);
  });

  describe('failing closed', () => {
    it('falls back to the default when a rule returns a non-boolean, and explains why', () => {
      const policy = compilePolicy(aPolicy({ rules: [aRule('low', { '<': [risk, 3] }), aRule('sloppy', { var: 'window.frozen' })] }));
      const decision = evaluatePolicy(policy, { change: { risk: 1 }, window: {} });
      expect(decision.outcome).toBe('require_approval');
      expect(decision.approvals).toEqual([{ group: 'release-managers', count: 1 }]);
      expect(decision.basis).toBe('fail-closed');
      expect(decision.errors).toEqual([{ ruleId: 'sloppy', message: 'the rule returned null, not true or false' }]);
      expect(decision.explanation.find((rule) => rule.id === 'sloppy')?.error).toBe('the rule returned null, not true or false');
    });

    it('falls back to the default when a rule throws', () => {
      const policy = compilePolicy(aPolicy({ rules: [aRule('low', true), aRule('broken', { '<': [{ '*': [] }, 1] })] }));
      const decision = evaluatePolicy(policy, anInput());
      expect(decision.outcome).toBe('require_approval');
      expect(decision.errors[0].ruleId).toBe('broken');
      expect(decision.errors[0].message).toMatch(/^the rule failed to evaluate: /);
    });

    it('never allows through an error: an allow default becomes deny', () => {
      const policy = compilePolicy(aPolicy({ appliesTo: { environments: ['dev'] }, default: 'allow', defaultApprovals: undefined, rules: [aRule('sloppy', { var: 'change.risk' })] }));
      expect(evaluatePolicy(policy, anInput()).outcome).toBe('deny');
    });

    it('keeps a matched deny when another rule fails', () => {
      const policy = compilePolicy(aPolicy({ rules: [aRule('stop', true, 'deny'), aRule('sloppy', { var: 'change.risk' })] }));
      expect(evaluatePolicy(policy, anInput())).toMatchObject({ outcome: 'deny', basis: 'fail-closed' });
    });
  });

  describe('explanations', () => {
    it('names the values that decided each rule', () => {
      const policy = compilePolicy(aPolicy({
        rules: [
          aRule('low-risk-auto', { and: [{ '<': [risk, 3] }, { '!': { var: 'window.frozen' } }] }),
          aRule('payments', { some: [{ var: 'change.paths' }, { in: ['payments/', { var: '' }] }] }, 'require_approval', { approvals: { count: 2, groups: ['payments-leads'] } }),
        ],
      }));
      const decision = evaluatePolicy(policy, anInput({ risk: 7 }), { trace: true });
      expect(decision.explanation).toEqual([
        { id: 'low-risk-auto', effect: 'allow', matched: false, facts: ['`change.risk` was 7; the rule needs < 3: no'] },
        {
          id: 'payments',
          effect: 'require_approval',
          matched: false,
          facts: ['`change.paths` was ["web/a.ts"]; the rule needs at least one element of `change.paths` to satisfy {"in":["payments/",{"var":""}]}: no'],
        },
      ]);
    });
  });
});

describe(compilePolicy.name, () => {
  it('hashes the canonical content: key order does not matter, content does', () => {
    const document = aPolicy({ rules: [aRule('r', { '<': [risk, 3] })] });
    const a = compilePolicy(document);
    const reordered = compilePolicy(Object.fromEntries(Object.entries(document).reverse()));
    const changed = compilePolicy(aPolicy({ rules: [aRule('r', { '<': [risk, 4] })] }));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(reordered.hash).toBe(a.hash);
    expect(changed.hash).not.toBe(a.hash);
  });

  it('refuses an invalid policy with every issue', () => {
    const compile = () => compilePolicy(aPolicy({ default: 'allow', defaultApprovals: undefined, rules: [aRule('r', { '<': [{ var: 'change.risc' }, 3] })] }));
    expect(compile).toThrow(PolicyException);
    expect(compile).toThrow(/default may not be allow .*regulated/);
    expect(compile).toThrow('`change.risc` is not a field of the input; did you mean `change.risk`?');
  });
});
