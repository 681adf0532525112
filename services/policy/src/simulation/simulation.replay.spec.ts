import { join } from 'node:path';
import { ProductionInputGenerator } from '../bench/production-input.generator';
import { compilePolicy, type CompiledPolicy } from '../decision/compiled-policy';
import { evaluatePolicy } from '../decision/decision.evaluator';
import { loadPolicyFile } from '../policy-document/policy-document.loader';
import type { PolicyDocument } from '../policy-document/policy-document.model';
import { replayDecisions } from './simulation.replay';
import type { StoredDecision } from './simulation.tally';

const production = loadPolicyFile(join(__dirname, '..', '..', '..', '..', 'policies', 'production', 'policy.yaml')).document!;

/** A copy of the production policy with some rules changed. */
function variant(change: (document: PolicyDocument) => void): CompiledPolicy {
  const document = structuredClone(production);
  document.version += 1;
  change(document);
  return compilePolicy(document);
}

/** Stored decisions made by `policy` on generated inputs, in batches of 50. */
function storedDecisions(policy: CompiledPolicy, count: number): StoredDecision[][] {
  const generator = new ProductionInputGenerator(7);
  const batches: StoredDecision[][] = [];
  for (let i = 0; i < count; i += 1) {
    const input = generator.next(i);
    const decision = evaluatePolicy(policy, input);
    if (i % 50 === 0) batches.push([]);
    batches.at(-1)!.push({
      id: String(i + 1),
      application: (input.application as { name: string }).name,
      environment: i % 2 ? 'prod' : 'prod-ch',
      outcome: decision.outcome,
      approvals: decision.approvals,
      input,
      decidedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    });
  }
  return batches;
}

describe(replayDecisions.name, () => {
  const v1 = compilePolicy(production);
  const history = storedDecisions(v1, 2000);
  const all = history.flat();

  it('changes nothing when the candidate is the version that decided', async () => {
    const summary = await replayDecisions(v1, history);
    expect(summary).toMatchObject({ total: 2000, changed: 0, unchanged: 2000, transitions: [], samples: [] });
    expect(summary.groups.reduce((sum, group) => sum + group.total, 0)).toBe(2000);
  });

  it('counts auto → approval when the candidate narrows automatic deployment', async () => {
    const candidate = variant((document) => {
      document.rules = document.rules.filter((rule) => rule.id !== 'low-risk-auto');
    });
    const summary = await replayDecisions(candidate, history);
    const wasAuto = all.filter((row) => row.outcome === 'allow').length;
    expect(wasAuto).toBeGreaterThan(0);
    expect(summary.changed).toBe(wasAuto);
    expect(summary.transitions).toEqual([{ label: 'auto → approval', fromOutcome: 'allow', toOutcome: 'require_approval', fromQuorum: 0, toQuorum: 1, count: wasAuto }]);
  });

  it('counts quorum 1 → 2 when a rule asks for more approvals, and approval → deny when it denies', async () => {
    const twoCab = variant((document) => {
      document.rules.find((rule) => rule.id === 'high-risk-cab')!.approvals!.count = 2;
    });
    const summary = await replayDecisions(twoCab, history);
    const onlyCab = all.filter((row) => row.outcome === 'require_approval' && row.approvals.length === 1 && row.approvals[0]!.group === 'change-advisory-board').length;
    expect(summary.transitions.find((t) => t.label === 'quorum 1 → 2')?.count).toBe(onlyCab);

    const denyCab = variant((document) => {
      const cab = document.rules.find((rule) => rule.id === 'high-risk-cab')!;
      cab.effect = 'deny';
      delete cab.approvals;
    });
    const denied = await replayDecisions(denyCab, history);
    expect(denied.transitions.map((t) => t.label)).toContain('approval → deny');
    expect(denied.transitions.every((t) => t.toOutcome === 'deny')).toBe(true);
  });

  it('groups by application and environment, and keeps the first changed decisions as samples', async () => {
    const candidate = variant((document) => {
      document.rules = document.rules.filter((rule) => rule.id !== 'low-risk-auto');
    });
    const summary = await replayDecisions(candidate, history, 5);
    expect(summary.groups.map((group) => `${group.application}/${group.environment}`)).toEqual([...new Set(all.map((row) => `${row.application}/${row.environment}`))].sort());
    for (const group of summary.groups) {
      const rows = all.filter((row) => row.application === group.application && row.environment === group.environment);
      expect([group.total, group.changed]).toEqual([rows.length, rows.filter((row) => row.outcome === 'allow').length]);
    }
    const firstChanged = all.filter((row) => row.outcome === 'allow').slice(0, 5).map((row) => row.id);
    expect(summary.samples.map((sample) => sample.id)).toEqual(firstChanged);
    expect(summary.samples[0]).toMatchObject({ fromOutcome: 'allow', toOutcome: 'require_approval', fromApprovals: [], toApprovals: [{ group: 'release-managers', count: 1 }] });
  });

  it('counts a candidate rule that fails to evaluate as failed closed', async () => {
    const candidate = variant((document) => {
      document.rules[0]!.when = { var: 'window.freeze' };
    });
    const summary = await replayDecisions(candidate, history.slice(0, 2));
    expect(summary.failedClosed).toBe(100);
  });
});
