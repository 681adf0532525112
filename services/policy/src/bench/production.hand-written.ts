import type { CompiledPolicy } from '../decision/compiled-policy';
import type { ApprovalRequirement, Decision, MatchedRule } from '../decision/decision.model';
import { EFFECT_RANK, type Effect } from '../policy-document/policy-document.model';

const EFFECTS: readonly Effect[] = ['allow', 'require_approval', 'deny'];

/**
 * The decision from the indexes of the matching rules, built the way evaluatePolicy builds
 * it: the benchmark's reference evaluators share it so that only rule evaluation differs.
 */
export function referenceDecision(policy: CompiledPolicy, matched: readonly number[]): Decision {
  let rank = matched.length ? -1 : EFFECT_RANK[policy.default];
  const matchedRules: MatchedRule[] = [];
  for (const index of matched) {
    const rule = policy.rules[index];
    if (EFFECT_RANK[rule.effect] > rank) rank = EFFECT_RANK[rule.effect];
    matchedRules.push(rule.matched);
  }
  const outcome = EFFECTS[rank];
  const approvals: ApprovalRequirement[] = [];
  if (outcome === 'require_approval') {
    const add = (count: number, groups: readonly string[]): void => {
      for (const group of groups) {
        const entry = approvals.find((total) => total.group === group);
        if (entry) entry.count += count;
        else approvals.push({ group, count });
      }
    };
    if (matched.length === 0 && policy.defaultApprovals) add(policy.defaultApprovals.count, policy.defaultApprovals.groups);
    for (const index of matched) {
      const rule = policy.rules[index];
      if (rule.effect === 'require_approval' && rule.approvals) add(rule.approvals.count, rule.approvals.groups);
    }
  }
  return {
    outcome,
    approvals,
    matchedRules,
    explanation: [],
    errors: [],
    basis: matched.length ? 'rules' : 'default',
    policy: { name: policy.name, version: policy.version, hash: policy.hash },
  };
}

interface ProductionInput {
  change: { paths: string[]; risk: number };
  evidence: { tests: { passed: boolean }; vulnerabilities: { critical: number } };
  window: { frozen: boolean };
}

/**
 * The production policy written by hand in plain JavaScript, as a developer would without a
 * policy engine: the yardstick for the compiled evaluator. Rule order is the policy's.
 */
export function handWrittenProduction(policy: CompiledPolicy): (input: unknown) => Decision {
  return (raw: unknown): Decision => {
    const input = raw as ProductionInput;
    const matched: number[] = [];
    if (!input.evidence.tests.passed) matched.push(0);
    if (input.evidence.vulnerabilities.critical > 0) matched.push(1);
    if (input.window.frozen === true) matched.push(2);
    if (input.change.paths.some((path) => path.startsWith('payments/'))) matched.push(3);
    if (input.change.risk >= 7) matched.push(4);
    if (input.change.risk < 3 && input.window.frozen === false) matched.push(5);
    return referenceDecision(policy, matched);
  };
}

/** The same six conditions as a bit mask of matching rules (bit i for rule i). */
export function handWrittenProductionMask(raw: unknown): number {
  const input = raw as ProductionInput;
  let mask = 0;
  if (!input.evidence.tests.passed) mask |= 1;
  if (input.evidence.vulnerabilities.critical > 0) mask |= 2;
  if (input.window.frozen === true) mask |= 4;
  if (input.change.paths.some((path) => path.startsWith('payments/'))) mask |= 8;
  if (input.change.risk >= 7) mask |= 16;
  if (input.change.risk < 3 && input.window.frozen === false) mask |= 32;
  return mask;
}
