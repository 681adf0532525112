import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';
import type { ApprovalRequirement, Decision } from '../decision/decision.model';
import type { Effect, PolicyDocument, PolicyRule } from '../policy-document/policy-document.model';
import { JSONScalar } from './json.scalar';

/** PolicyEffect is what a rule or a decision says: deploy by itself, wait for approvals, or stop. */
export enum PolicyEffect {
  ALLOW = 'allow',
  REQUIRE_APPROVAL = 'require_approval',
  DENY = 'deny',
}

registerEnumType(PolicyEffect, {
  name: 'PolicyEffect',
  description: 'The effect of a rule or the outcome of a decision; the most restrictive matching effect wins (DENY > REQUIRE_APPROVAL > ALLOW).',
});

/** PolicyActor is who published or activated a version, as the audit trail records it. */
@ObjectType()
export class PolicyActor {
  @Field({ description: 'USER, TOKEN or SYSTEM (GitOps sync on start).' })
  kind: string;

  @Field()
  id: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;
}

/** ApprovalRuleModel asks for `count` approvals from each of `groups`. */
@ObjectType('PolicyApprovalRule')
export class ApprovalRuleModel {
  @Field(() => Int)
  count: number;

  @Field(() => [String])
  groups: string[];
}

/** PolicyRuleModel is one rule of a policy version. */
@ObjectType('PolicyRule')
export class PolicyRuleModel {
  @Field()
  id: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => JSONScalar, { description: 'The JSON Logic that decides whether the rule matches.' })
  when: unknown;

  @Field(() => PolicyEffect)
  effect: Effect;

  @Field(() => ApprovalRuleModel, { nullable: true })
  approvals: ApprovalRuleModel | null;

  @Field()
  reason: string;
}

/** PolicyScopeModel says which environments a policy may be activated for. */
@ObjectType('PolicyScope')
export class PolicyScopeModel {
  @Field(() => [String])
  environments: string[];

  @Field({ description: 'May govern regulated environments (its default is then never ALLOW).' })
  regulated: boolean;
}

/** PolicyVersion is one immutable, published version of a policy. */
@ObjectType()
export class PolicyVersion {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Int)
  version: number;

  @Field({ description: 'SHA-256 (hex) of the RFC 8785 canonical JSON of the document.' })
  hash: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => PolicyScopeModel)
  appliesTo: PolicyScopeModel;

  @Field(() => PolicyEffect, { description: 'The outcome when no rule matches.' })
  default: Effect;

  @Field(() => ApprovalRuleModel, { nullable: true })
  defaultApprovals: ApprovalRuleModel | null;

  @Field(() => [PolicyRuleModel])
  rules: PolicyRuleModel[];

  @Field(() => JSONScalar, { description: 'The parsed document, as hashed.' })
  document: unknown;

  @Field({ description: 'The text as published (YAML with its comments, or JSON).' })
  source: string;

  @Field(() => PolicyActor)
  author: PolicyActor;

  @Field()
  message: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => [String], { description: 'Environments this version governs now.' })
  activeEnvironments: string[];
}

/** PolicyActivation says that one version of a policy governs one environment (from `activatedAt`). */
@ObjectType()
export class PolicyActivation {
  @Field()
  environment: string;

  @Field()
  policy: string;

  @Field(() => Int)
  version: number;

  @Field({ description: 'The environment was declared regulated when activating.' })
  regulated: boolean;

  @Field(() => PolicyActor)
  activatedBy: PolicyActor;

  @Field(() => Date)
  activatedAt: Date;
}

/** Policy is a named, versioned policy; its versions are immutable. */
@ObjectType()
export class Policy {
  @Field()
  name: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => PolicyVersion, { description: 'The highest published version.' })
  latestVersion: PolicyVersion;

  @Field(() => [Int], { description: 'Every published version number, newest first.' })
  versions: number[];

  @Field(() => [PolicyActivation], { description: 'The environments this policy governs now, and with which version.' })
  activations: PolicyActivation[];
}

@ObjectType()
export class PolicyConnection extends Connection(Policy, 'Policy') {}

/** PublishedPolicyVersion: the version, and whether this call created it or it already existed with the same content. */
@ObjectType()
export class PublishedPolicyVersion {
  @Field(() => PolicyVersion)
  policyVersion: PolicyVersion;

  @Field({ description: 'False when the same content was already published as this version (a no-op).' })
  created: boolean;
}

/** ApprovalRequirementModel: `count` approvals are needed from members of `group`. */
@ObjectType('ApprovalRequirement')
export class ApprovalRequirementModel {
  @Field()
  group: string;

  @Field(() => Int)
  count: number;
}

/** MatchedRuleModel is a rule whose `when` was true. */
@ObjectType('MatchedRule')
export class MatchedRuleModel {
  @Field()
  id: string;

  @Field(() => PolicyEffect)
  effect: Effect;

  @Field()
  reason: string;
}

/** RuleExplanationModel says whether one rule matched and which values decided it. */
@ObjectType('RuleExplanation')
export class RuleExplanationModel {
  @Field()
  id: string;

  @Field(() => PolicyEffect)
  effect: Effect;

  @Field()
  matched: boolean;

  @Field(() => [String], { description: 'e.g. "`change.risk` was 7; the rule needs < 3: no".' })
  facts: string[];

  @Field(() => String, { nullable: true, description: 'Why the rule could not be evaluated; the decision then failed closed.' })
  error: string | null;
}

/** PolicyEvaluation is the decision of one policy version on one input document (a dry run: nothing is stored). */
@ObjectType()
export class PolicyEvaluation {
  @Field()
  policy: string;

  @Field(() => Int)
  version: number;

  @Field()
  hash: string;

  @Field(() => PolicyEffect)
  outcome: Effect;

  @Field({ description: 'rules, default or fail-closed.' })
  basis: string;

  @Field(() => [ApprovalRequirementModel], { description: 'Every group\'s count must be met; empty unless the outcome is REQUIRE_APPROVAL.' })
  approvals: ApprovalRequirement[];

  @Field(() => [MatchedRuleModel])
  matchedRules: MatchedRuleModel[];

  @Field(() => [RuleExplanationModel])
  explanation: RuleExplanationModel[];

  @Field({ description: 'SHA-256 (hex) of the canonical JSON of the input document.' })
  inputHash: string;
}

/** PolicyVersionRow is a policy_version row as the repository reads it. */
export interface PolicyVersionRow {
  id: string;
  name: string;
  version: number;
  document: PolicyDocument;
  source: string;
  content_hash: string;
  author: PolicyActor;
  message: string;
  created_at: Date;
}

/** ActivationRow is an activation row as the repository reads it. */
export interface ActivationRow {
  environment: string;
  policy_name: string;
  version: number;
  regulated: boolean;
  activated_by: PolicyActor;
  activated_at: Date;
}

export function toPolicyRuleModel(rule: PolicyRule): PolicyRuleModel {
  return {
    id: rule.id,
    description: rule.description ?? null,
    when: rule.when,
    effect: rule.effect,
    approvals: rule.approvals ?? null,
    reason: rule.reason,
  };
}

export function toPolicyVersionModel(row: PolicyVersionRow, activeEnvironments: string[]): PolicyVersion {
  const document = row.document;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    hash: row.content_hash,
    description: document.description ?? null,
    appliesTo: { environments: document.appliesTo.environments, regulated: document.appliesTo.regulated ?? false },
    default: document.default,
    defaultApprovals: document.defaultApprovals ?? null,
    rules: document.rules.map(toPolicyRuleModel),
    document,
    source: row.source,
    author: row.author,
    message: row.message,
    createdAt: row.created_at,
    activeEnvironments,
  };
}

export function toActivationModel(row: ActivationRow): PolicyActivation {
  return {
    environment: row.environment,
    policy: row.policy_name,
    version: row.version,
    regulated: row.regulated,
    activatedBy: row.activated_by,
    activatedAt: row.activated_at,
  };
}

export function toEvaluationModel(decision: Decision, inputHash: string): PolicyEvaluation {
  return {
    policy: decision.policy.name,
    version: decision.policy.version,
    hash: decision.policy.hash,
    outcome: decision.outcome,
    basis: decision.basis,
    approvals: decision.approvals.map((approval) => ({ ...approval })),
    matchedRules: decision.matchedRules.map((rule) => ({ ...rule })),
    explanation: decision.explanation.map((rule) => ({ id: rule.id, effect: rule.effect, matched: rule.matched, facts: [...rule.facts], error: rule.error ?? null })),
    inputHash,
  };
}
