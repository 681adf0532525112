import { compileLogic, compileRuleSet, MAX_RULE_SET_SIZE, type CompiledLogic, type CompiledRuleSet } from '../logic/logic.compiler';
import { checkPolicyDocument, POLICY_LOGIC_LIMITS } from '../policy-document/policy-document.checker';
import { policyContentHash } from '../policy-document/policy-content.hash';
import type { ApprovalRule, Effect, PolicyDocument, PolicyIssue } from '../policy-document/policy-document.model';
import type { Decision, MatchedRule } from './decision.model';

/** CompiledRule is one rule with its `when` compiled and its report entry prepared. */
export interface CompiledRule {
  readonly id: string;
  readonly effect: Effect;
  readonly reason: string;
  readonly approvals?: Readonly<ApprovalRule>;
  readonly when: unknown;
  readonly test: CompiledLogic;
  readonly matched: Readonly<MatchedRule>;
}

/** CompiledPolicy is one policy version ready to decide; build it once per version. */
export interface CompiledPolicy {
  readonly name: string;
  readonly version: number;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of the document. */
  readonly hash: string;
  readonly document: PolicyDocument;
  readonly default: Effect;
  readonly defaultApprovals?: Readonly<ApprovalRule>;
  readonly rules: readonly CompiledRule[];
  /** All rules in one generated function (bit mask of matches), when there are at most 30. */
  readonly ruleSet?: CompiledRuleSet;
  /** Frozen decisions by mask of matched rules: the same matches always decide the same. */
  readonly decisions: Map<number, Decision>;
}

/** PolicyException: the document is not a valid policy; `issues` says where and why. */
export class PolicyException extends Error {
  constructor(readonly issues: readonly PolicyIssue[]) {
    super(`invalid policy: ${issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.reason}`).join('; ')}`);
    this.name = 'PolicyException';
  }
}

/**
 * Checks a parsed policy document and compiles every rule. Throws PolicyException when the
 * document is invalid, so an invalid policy can never be evaluated.
 */
export function compilePolicy(document: unknown): CompiledPolicy {
  const issues = checkPolicyDocument(document);
  if (issues.length) throw new PolicyException(issues);
  // A deep copy, frozen, so the version cannot change after its hash was taken.
  const policy = deepFreeze(structuredClone(document) as PolicyDocument);
  const rules = policy.rules.map((rule): CompiledRule => ({
    id: rule.id,
    effect: rule.effect,
    reason: rule.reason,
    approvals: rule.approvals,
    when: rule.when,
    test: compileLogic(rule.when, { limits: POLICY_LOGIC_LIMITS }),
    matched: Object.freeze({ id: rule.id, effect: rule.effect, reason: rule.reason }),
  }));
  return Object.freeze({
    name: policy.name,
    version: policy.version,
    hash: policyContentHash(policy),
    document: policy,
    default: policy.default,
    defaultApprovals: policy.defaultApprovals,
    rules: Object.freeze(rules),
    ruleSet: rules.length <= MAX_RULE_SET_SIZE ? compileRuleSet(policy.rules.map((rule) => rule.when), { limits: POLICY_LOGIC_LIMITS }) : undefined,
    decisions: new Map<number, Decision>(),
  });
}

/** Freezes a value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
