import { Field, Int, ObjectType } from '@nestjs/graphql';
import { PolicyRuleModel, toPolicyRuleModel } from '../policy-store/policy.model';
import type { PolicyDocumentDiff } from './policy-diff';

/** PolicyRuleChange is a rule kept (by id) whose content changed between two versions. */
@ObjectType()
export class PolicyRuleChange {
  @Field()
  id: string;

  @Field(() => [String], { description: 'The rule fields that differ: description, when, effect, approvals, reason.' })
  fields: string[];

  @Field(() => PolicyRuleModel)
  before: PolicyRuleModel;

  @Field(() => PolicyRuleModel)
  after: PolicyRuleModel;
}

/** PolicyDiff is what changed between two versions of one policy, rule by rule. */
@ObjectType()
export class PolicyDiff {
  @Field()
  name: string;

  @Field(() => Int)
  from: number;

  @Field(() => Int)
  to: number;

  @Field()
  fromHash: string;

  @Field()
  toHash: string;

  @Field(() => [PolicyRuleModel])
  added: PolicyRuleModel[];

  @Field(() => [PolicyRuleModel])
  removed: PolicyRuleModel[];

  @Field(() => [PolicyRuleChange])
  changed: PolicyRuleChange[];

  @Field(() => [String], { description: 'Settings that differ: description, appliesTo, default, defaultApprovals.' })
  settingsChanged: string[];

  @Field({ description: 'The kept rules are in another order (which orders matchedRules only).' })
  reordered: boolean;
}

export function toPolicyDiffModel(name: string, from: { version: number; hash: string }, to: { version: number; hash: string }, diff: PolicyDocumentDiff): PolicyDiff {
  return {
    name,
    from: from.version,
    to: to.version,
    fromHash: from.hash,
    toHash: to.hash,
    added: diff.added.map(toPolicyRuleModel),
    removed: diff.removed.map(toPolicyRuleModel),
    changed: diff.changed.map((change) => ({ id: change.id, fields: change.fields, before: toPolicyRuleModel(change.before), after: toPolicyRuleModel(change.after) })),
    settingsChanged: diff.settingsChanged,
    reordered: diff.reordered,
  };
}
