import type { Effect } from '../policy-document/policy-document.model';

/** ApprovalRequirement: `count` approvals are needed from members of `group`. */
export interface ApprovalRequirement {
  group: string;
  count: number;
}

/** MatchedRule is a rule whose `when` was true, as reported to people. */
export interface MatchedRule {
  id: string;
  effect: Effect;
  reason: string;
}

/** RuleExplanation says whether one rule matched and which values decided it. */
export interface RuleExplanation {
  id: string;
  effect: Effect;
  matched: boolean;
  /** e.g. "`change.risk` was 7; the rule needs < 3: no". */
  facts: string[];
  /** Set when the rule could not be evaluated (it threw or did not return a boolean). */
  error?: string;
}

/** DecisionError is a rule that failed to evaluate; the decision then fails closed. */
export interface DecisionError {
  ruleId: string;
  message: string;
}

/** DecisionBasis says what produced the outcome. */
export type DecisionBasis = 'rules' | 'default' | 'fail-closed';

/**
 * Decision is the result of evaluating one policy version on one input document. With
 * `trace`, `explanation` has one entry per rule; without, only failing rules are explained.
 */
export interface Decision {
  outcome: Effect;
  /** Non-empty only when the outcome is require_approval; every group's count must be met. */
  approvals: ApprovalRequirement[];
  /** Every rule that matched, in policy order. */
  matchedRules: MatchedRule[];
  explanation: RuleExplanation[];
  errors: DecisionError[];
  basis: DecisionBasis;
  policy: { name: string; version: number; hash: string };
}
