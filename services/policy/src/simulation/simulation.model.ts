import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Effect } from '../policy-document/policy-document.model';
import { ApprovalRequirementModel, PolicyEffect } from '../policy-store/policy.model';
import type { SimulationSummary } from './simulation.tally';

/** SimulationTransition counts replayed decisions that would move from one result to another. */
@ObjectType()
export class SimulationTransition {
  @Field({ description: 'e.g. "auto → approval", "approval → deny", "quorum 1 → 2".' })
  label: string;

  @Field(() => PolicyEffect)
  fromOutcome: Effect;

  @Field(() => PolicyEffect)
  toOutcome: Effect;

  @Field(() => Int, { description: 'Approvals required in total before (0 unless REQUIRE_APPROVAL).' })
  fromQuorum: number;

  @Field(() => Int)
  toQuorum: number;

  @Field(() => Int)
  count: number;
}

/** SimulationGroup is the tally of one application in one environment. */
@ObjectType()
export class SimulationGroup {
  @Field()
  application: string;

  @Field()
  environment: string;

  @Field(() => Int)
  total: number;

  @Field(() => Int)
  changed: number;

  @Field(() => [SimulationTransition])
  transitions: SimulationTransition[];
}

/** SimulatedDecision is one past decision whose result the candidate would change. */
@ObjectType()
export class SimulatedDecision {
  @Field({ description: 'The stored decision input.' })
  id: string;

  @Field()
  application: string;

  @Field()
  environment: string;

  @Field(() => Date)
  decidedAt: Date;

  @Field()
  label: string;

  @Field(() => PolicyEffect)
  fromOutcome: Effect;

  @Field(() => PolicyEffect)
  toOutcome: Effect;

  @Field(() => [ApprovalRequirementModel])
  fromApprovals: ApprovalRequirementModel[];

  @Field(() => [ApprovalRequirementModel])
  toApprovals: ApprovalRequirementModel[];

  @Field(() => [String], { description: 'The candidate rules that matched.' })
  matchedRules: string[];
}

/** PolicySimulation is a backtest: a candidate replayed over the stored inputs of past decisions. */
@ObjectType()
export class PolicySimulation {
  @Field()
  policy: string;

  @Field(() => Int)
  candidateVersion: number;

  @Field()
  candidateHash: string;

  @Field(() => String, { nullable: true })
  environment: string | null;

  @Field(() => Date, { nullable: true })
  since: Date | null;

  @Field(() => Date, { nullable: true })
  until: Date | null;

  @Field(() => Int, { description: 'Decisions replayed.' })
  total: number;

  @Field(() => Int)
  changed: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => Int, { description: 'Replays where a candidate rule failed to evaluate, so the candidate failed closed.' })
  failedClosed: number;

  @Field(() => [SimulationTransition], { description: 'Every kind of change, most frequent first.' })
  transitions: SimulationTransition[];

  @Field(() => [SimulationGroup], { description: 'By application and environment.' })
  groups: SimulationGroup[];

  @Field(() => [SimulatedDecision], { description: 'The first 100 changed decisions, oldest first.' })
  samples: SimulatedDecision[];
}

export function toPolicySimulationModel(
  scope: { policy: string; version: number; hash: string; environment: string | null; since: Date | null; until: Date | null },
  summary: SimulationSummary,
): PolicySimulation {
  return {
    policy: scope.policy,
    candidateVersion: scope.version,
    candidateHash: scope.hash,
    environment: scope.environment,
    since: scope.since,
    until: scope.until,
    ...summary,
  };
}
