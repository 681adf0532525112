import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@gatehouse/policy';
import { Connection } from '@gatehouse/shared';
import { DecisionOutcome, DecisionTrigger, DeploymentStatus, PromotionState, Vote } from './promotion-state';

@ObjectType({ description: 'A person as Gatehouse knows them.' })
export class PersonRef {
  @Field({ description: 'User id (for a token, the id of its owner).' })
  id: string;

  @Field()
  username: string;

  @Field()
  displayName: string;
}

@ObjectType()
export class RequiredApproval {
  @Field()
  group: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class DecisionRule {
  @Field()
  id: string;

  @Field({ description: 'allow, require_approval or deny.' })
  effect: string;

  @Field()
  reason: string;
}

@ObjectType({ description: 'Whether one rule matched and the values that decided it.' })
export class DecisionRuleExplanation {
  @Field()
  id: string;

  @Field()
  effect: string;

  @Field()
  matched: boolean;

  @Field(() => [String], { description: 'e.g. "`change.risk` was 7; the rule needs < 3: no".' })
  facts: string[];

  @Field(() => String, { nullable: true, description: 'Set when the rule could not be evaluated; the decision then failed closed.' })
  error: string | null;
}

@ObjectType({ description: 'A rule that failed to evaluate.' })
export class DecisionErrorModel {
  @Field()
  ruleId: string;

  @Field()
  message: string;
}

/**
 * PromotionDecision is the stored result of evaluating the governing policy on a promotion's
 * input document. Kept forever; a re-decision supersedes it and keeps it.
 */
@ObjectType('Decision')
export class PromotionDecision {
  @Field(() => ID)
  id: string;

  @Field(() => DecisionOutcome)
  outcome: DecisionOutcome;

  @Field({ description: 'rules (a rule matched), default (no rule matched), fail-closed (a rule failed or the policy may not govern the target), no-policy (nothing governs the environment), emergency.' })
  basis: string;

  @Field(() => [RequiredApproval], { description: 'Approvals required: every group\'s count must be met by different people.' })
  approvalsRequired: RequiredApproval[];

  @Field(() => [DecisionRule])
  matchedRules: DecisionRule[];

  @Field(() => [DecisionRuleExplanation], { description: 'Every rule of the policy, matched or not, with the values that decided it.' })
  explanation: DecisionRuleExplanation[];

  @Field(() => [DecisionErrorModel])
  errors: DecisionErrorModel[];

  @Field(() => String, { nullable: true, description: 'Null when no policy governed the environment (the decision then denies).' })
  policyName: string | null;

  @Field(() => Int, { nullable: true })
  policyVersion: number | null;

  @Field(() => String, { nullable: true, description: 'Content hash of the policy version (sha256 of its canonical JSON).' })
  policyHash: string | null;

  @Field(() => JSONScalar, { description: 'The exact input document the policy decided on.' })
  input: unknown;

  @Field({ description: 'sha256 of the RFC 8785 canonical JSON of the input.' })
  inputHash: string;

  @Field(() => DecisionTrigger)
  trigger: DecisionTrigger;

  @Field(() => Date)
  decidedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When a re-decision replaced it; null for the current decision.' })
  supersededAt: Date | null;
}

@ObjectType({ description: 'One vote on a promotion.' })
export class Approval {
  @Field(() => ID)
  id: string;

  @Field(() => PersonRef)
  approver: PersonRef;

  @Field(() => Vote)
  vote: Vote;

  @Field()
  comment: string;

  @Field(() => [String], { description: 'The required groups the voter belonged to when voting.' })
  groups: string[];

  @Field(() => ID, { description: 'The decision the vote answered.' })
  decisionId: string;

  @Field(() => Date)
  createdAt: Date;

  @Field({ description: 'False when dismissed, or replaced by the same person\'s later vote.' })
  counted: boolean;

  @Field(() => Date, { nullable: true })
  dismissedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'e.g. "re-decided after new evidence".' })
  dismissReason: string | null;
}

@ObjectType({ description: 'How far one required group is.' })
export class ApprovalProgress {
  @Field()
  group: string;

  @Field(() => Int)
  required: number;

  @Field(() => Int)
  granted: number;

  @Field(() => [String], { description: 'Usernames counted for this group (each person counts once, for one group).' })
  approvers: string[];
}

@ObjectType({ description: 'Whether the caller may vote on this promotion, and why (not).' })
export class ApprovalEligibility {
  @Field()
  canApprove: boolean;

  @Field(() => String, { nullable: true, description: 'AUTHOR, REQUESTER, REGISTRAR, NOT_IN_REQUIRED_GROUP, NOTHING_TO_APPROVE, NOT_PENDING, ALREADY_VOTED; null when the caller may.' })
  code: string | null;

  @Field({ description: 'For people: e.g. "you authored a commit of this change".' })
  reason: string;

  @Field(() => [String], { description: 'The required groups the caller belongs to.' })
  groups: string[];
}

@ObjectType()
export class Deployment {
  @Field(() => ID)
  id: string;

  @Field(() => DeploymentStatus)
  status: DeploymentStatus;

  @Field(() => String, { nullable: true })
  url: string | null;

  @Field(() => JSONScalar)
  details: unknown;

  @Field(() => PersonRef)
  reportedBy: PersonRef;

  @Field(() => Date)
  reportedAt: Date;
}

@ObjectType({ description: 'One entry of a promotion\'s history, oldest first.' })
export class TimelineEntry {
  @Field(() => Date)
  at: Date;

  @Field({ description: 'STATE, DECISION, VOTE, DISMISSAL, DEPLOYMENT or REVIEW.' })
  kind: string;

  @Field()
  summary: string;

  @Field()
  actor: string;
}

@ObjectType({ description: 'The after-the-fact review a break-glass promotion opens.' })
export class EmergencyReview {
  @Field(() => ID)
  promotionId: string;

  @Field(() => [String], { description: 'Groups whose member must review (those the policy would have required).' })
  groups: string[];

  @Field(() => Date)
  openedAt: Date;

  @Field(() => Date)
  dueAt: Date;

  @Field()
  overdue: boolean;

  @Field(() => Date, { nullable: true })
  completedAt: Date | null;

  @Field(() => PersonRef, { nullable: true })
  completedBy: PersonRef | null;

  @Field(() => String, { nullable: true })
  comment: string | null;

  @Field({ description: 'Application name.' })
  application: string;

  @Field()
  environment: string;
}

/**
 * Promotion is a request to move one change into one environment, with the decision the
 * governing policy made, the votes, the deployments and its history.
 */
@ObjectType()
export class Promotion {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Application name.' })
  application: string;

  @Field({ description: 'Target environment.' })
  environment: string;

  @Field(() => String, { nullable: true, description: 'The environment the change comes from; null for the first one.' })
  sourceEnvironment: string | null;

  @Field(() => ID)
  changeId: string;

  @Field({ description: 'Version of the change.' })
  version: string;

  @Field(() => PromotionState)
  state: PromotionState;

  @Field({ description: 'A break-glass promotion: it did not wait for approvals and has an after-the-fact review.' })
  emergency: boolean;

  @Field()
  reason: string;

  @Field(() => String, { nullable: true, description: 'Change ticket of a break-glass promotion.' })
  ticket: string | null;

  @Field(() => PersonRef)
  requestedBy: PersonRef;

  @Field(() => Date)
  requestedAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When a pending promotion expires unless approved.' })
  expiresAt: Date | null;

  @Field(() => String, { nullable: true })
  idempotencyKey: string | null;

  /** Loaded by field resolvers. */
  currentDecisionId: string | null;
  registeredBy: string;
}

@ObjectType()
export class PromotionConnection extends Connection(Promotion, 'Promotion') {}

@ObjectType({ description: 'A promotion the caller may vote on, and why they may.' })
export class PendingApproval {
  @Field(() => Promotion)
  promotion: Promotion;

  @Field(() => [String], { description: 'The required groups the caller counts for.' })
  groups: string[];

  @Field({ description: 'e.g. "you are a member of payments-leads (1 of 2 granted)".' })
  why: string;
}

@ObjectType()
export class PendingApprovalConnection extends Connection(PendingApproval, 'PendingApproval') {}

@ObjectType({ description: 'What runs in one environment of an application.' })
export class EnvironmentStatus {
  @Field()
  environment: string;

  @Field(() => Int)
  position: number;

  @Field(() => ID, { nullable: true, description: 'The change last deployed there successfully (and not rolled back).' })
  changeId: string | null;

  @Field(() => String, { nullable: true })
  version: string | null;

  @Field(() => Date, { nullable: true })
  deployedAt: Date | null;

  @Field(() => Promotion, { nullable: true, description: 'The promotion that deployed it.' })
  promotion: Promotion | null;

  @Field(() => [Promotion], { description: 'Open promotions into this environment (requested, pending, approved, deploying).' })
  inFlight: Promotion[];
}

@ObjectType({ description: 'Replaying a stored decision: the stored input evaluated again with the stored policy version.' })
export class DecisionReplay {
  @Field(() => ID)
  decisionId: string;

  @Field({ description: 'True when outcome, required approvals and matched rules are the same.' })
  matches: boolean;

  @Field(() => DecisionOutcome)
  storedOutcome: DecisionOutcome;

  @Field(() => DecisionOutcome)
  replayedOutcome: DecisionOutcome;

  @Field({ description: 'The stored input still hashes to the stored input hash.' })
  inputHashMatches: boolean;

  @Field({ description: 'The policy version read still has the stored content hash.' })
  policyHashMatches: boolean;

  @Field(() => [String], { description: 'What differs, for people; empty when it matches.' })
  differences: string[];
}

@ObjectType({ description: 'Where one change is deployed.' })
export class ChangeDeployment {
  @Field()
  environment: string;

  @Field(() => PromotionState)
  state: PromotionState;

  @Field(() => ID)
  promotionId: string;

  @Field(() => Date)
  at: Date;
}
