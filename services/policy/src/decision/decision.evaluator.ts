import { interpretLogic, type LogicTraceStep } from '../logic/logic.interpreter';
import { EFFECT_RANK, type ApprovalRule, type Effect } from '../policy-document/policy-document.model';
import { deepFreeze, type CompiledPolicy, type CompiledRule } from './compiled-policy';
import type { ApprovalRequirement, Decision, DecisionError, RuleExplanation } from './decision.model';
import { explainSteps, formatValue } from './decision.explainer';

/** EvaluatePolicyOptions: `trace` explains every rule (slower: it interprets the rules). */
export interface EvaluatePolicyOptions {
  trace?: boolean;
}

const EFFECTS: readonly Effect[] = ['allow', 'require_approval', 'deny'];

/**
 * Decides on one input document. Without `trace` the decision is a frozen object shared by
 * every evaluation that matched the same rules (copy it to change it); with `trace` the rules
 * are interpreted and every rule is explained. Every matching rule is reported; the most restrictive effect
 * wins (deny > require_approval > allow); approvals of all matching require_approval rules add
 * up per group; no match gives the policy's default. A rule that throws or returns anything but
 * a boolean fails the decision closed (see failClosedOutcome).
 */
export function evaluatePolicy(policy: CompiledPolicy, input: unknown, options: EvaluatePolicyOptions = {}): Decision {
  if (options.trace) return evaluateTraced(policy, input);
  let mask: number;
  try {
    mask = policy.ruleSet ? policy.ruleSet(input) : maskRuleByRule(policy.rules, input);
  } catch {
    // The traced pass finds every failing rule and explains it.
    return evaluateTraced(policy, input);
  }
  if (mask < 0) return evaluateTraced(policy, input);
  // The same matched rules always make the same decision: build it once, share it frozen.
  let decision = policy.decisions.get(mask);
  if (decision === undefined) {
    decision = deepFreeze(decide(policy, policy.rules.filter((_, index) => Math.floor(mask / 2 ** index) % 2 === 1), [], []));
    if (policy.decisions.size < DECISION_CACHE_LIMIT) policy.decisions.set(mask, decision);
  }
  return decision;
}

/** The mask of matching rules for policies too large for one rule set (2 ** i stays exact up to the 50 rules the schema allows). */
function maskRuleByRule(rules: readonly CompiledRule[], input: unknown): number {
  let mask = 0;
  for (let i = 0; i < rules.length; i += 1) {
    const result = rules[i].test(input);
    if (result === true) mask += 2 ** i;
    else if (result !== false) return -(i + 1);
  }
  return mask;
}

/** Bounds the per-policy cache of decisions (one per distinct set of matched rules). */
const DECISION_CACHE_LIMIT = 4096;

function evaluateTraced(policy: CompiledPolicy, input: unknown): Decision {
  const matched: CompiledRule[] = [];
  const errors: DecisionError[] = [];
  const explanation = policy.rules.map((rule): RuleExplanation => {
    const steps: LogicTraceStep[] = [];
    let result: unknown;
    try {
      result = interpretLogic(rule.when, input, steps);
    } catch (error) {
      const message = `the rule failed to evaluate: ${error instanceof Error ? error.message : String(error)}`;
      errors.push({ ruleId: rule.id, message });
      return { id: rule.id, effect: rule.effect, matched: false, facts: explainSteps(steps), error: message };
    }
    const facts = explainSteps(steps, rule.when, input);
    if (typeof result !== 'boolean') {
      const message = `the rule returned ${formatValue(result)}, not true or false`;
      errors.push({ ruleId: rule.id, message });
      return { id: rule.id, effect: rule.effect, matched: false, facts, error: message };
    }
    if (result) matched.push(rule);
    return { id: rule.id, effect: rule.effect, matched: result, facts };
  });
  return decide(policy, matched, explanation, errors);
}

function decide(policy: CompiledPolicy, matched: readonly CompiledRule[], explanation: RuleExplanation[], errors: DecisionError[]): Decision {
  const failed = errors.length > 0;
  let rank = failed ? EFFECT_RANK[failClosedOutcome(policy.default)] : matched.length ? -1 : EFFECT_RANK[policy.default];
  for (const rule of matched) if (EFFECT_RANK[rule.effect] > rank) rank = EFFECT_RANK[rule.effect];
  const outcome = EFFECTS[rank];
  let approvals: ApprovalRequirement[] = [];
  if (outcome === 'require_approval') {
    const usesDefault = failed || matched.length === 0;
    approvals = sumApprovals(usesDefault ? policy.defaultApprovals : undefined, matched);
  }
  return {
    outcome,
    approvals,
    matchedRules: matched.map((rule) => rule.matched),
    explanation,
    errors,
    basis: failed ? 'fail-closed' : matched.length ? 'rules' : 'default',
    policy: { name: policy.name, version: policy.version, hash: policy.hash },
  };
}

/**
 * The outcome when a rule fails: the policy's default, except that an error never lets a
 * change through, so a default of allow becomes deny. A deny that did match still wins.
 */
export function failClosedOutcome(defaultEffect: Effect): Effect {
  return defaultEffect === 'allow' ? 'deny' : defaultEffect;
}

/** Adds up the approvals of matching require_approval rules per group (and the default's, if it applies). */
function sumApprovals(base: Readonly<ApprovalRule> | undefined, matched: readonly CompiledRule[]): ApprovalRequirement[] {
  const totals: ApprovalRequirement[] = [];
  const add = (rule: Readonly<ApprovalRule>): void => {
    for (const group of rule.groups) {
      const entry = totals.find((total) => total.group === group);
      if (entry) entry.count += rule.count;
      else totals.push({ group, count: rule.count });
    }
  };
  if (base) add(base);
  for (const rule of matched) if (rule.effect === 'require_approval' && rule.approvals) add(rule.approvals);
  return totals;
}
