import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { JSONScalar } from '@gatehouse/policy';
import { ALL_ROLES, CurrentPrincipal, HttpRequest, ReadAccess, RequestId, Role, WriteAccess, type Principal } from '@gatehouse/shared';
import { Change } from '../change/change.model';
import { ChangeService } from '../change/change.service';
import { tallyApprovals, mergeRequirements } from './approval.rules';
import {
  ApprovePromotionInput,
  CancelPromotionInput,
  CompleteEmergencyReviewInput,
  EmergencyPromoteInput,
  PromotionFilter,
  RejectPromotionInput,
  ReportDeploymentInput,
  RequestPromotionInput,
} from './dto/promotion.inputs';
import { OUTCOME, approvalsOf, timelineOf, toApprovalModels, toDecisionModel, toDeploymentModel, toPromotionModel, toReviewModel, type DecisionModel } from './promotion.mapper';
import {
  Approval,
  ApprovalEligibility,
  ApprovalProgress,
  ChangeDeployment,
  DecisionReplay,
  Deployment,
  EmergencyReview,
  EnvironmentStatus,
  PendingApprovalConnection,
  Promotion,
  PromotionConnection,
  PromotionDecision,
  TimelineEntry,
} from './promotion.model';
import { PromotionRepository, type DecisionRow, type DeploymentRow, type ReviewRow, type VoteRow } from './promotion.repository';
import { PromotionService } from './promotion.service';
import { PromotionState } from './promotion-state';
import { applicationNotFound } from './promotion.exception';

/** Everyone but auditors (who change nothing) may vote; group membership decides whether the vote counts. */
const VOTER_ROLES = ALL_ROLES.filter((role) => role !== Role.AUDITOR);

/** Per-request batch loaders: a page of 100 promotions asking for decisions costs one query, not 100. */
class Loaders {
  constructor(private readonly repo: PromotionRepository) {}

  readonly decisions = new DataLoader<string, DecisionRow[]>(async (ids) => group(ids, await this.repo.decisionsOf(ids), (d) => d.promotion_id));
  readonly votes = new DataLoader<string, VoteRow[]>(async (ids) => group(ids, await this.repo.votesOf(ids), (v) => v.promotion_id));
  readonly deployments = new DataLoader<string, DeploymentRow[]>(async (ids) => group(ids, await this.repo.deploymentsOf(ids), (d) => d.promotion_id));
  readonly reviews = new DataLoader<string, ReviewRow | null>(async (ids) => {
    const rows = await this.repo.reviews({ promotionIds: ids });
    return ids.map((id) => rows.find((r) => r.promotion_id === id) ?? null);
  });
  readonly changePromotions = new DataLoader<string, ReturnType<typeof toPromotionModel>[]>(async (ids) =>
    group(ids, (await this.repo.latestPerEnvironment(ids)).map(toPromotionModel), (p) => p.changeId),
  );
}

function group<T>(ids: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const byId = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) byId.get(keyOf(row))?.push(row);
  return ids.map((id) => byId.get(id) ?? []);
}

const loaders = new WeakMap<object, Loaders>();

function loadersFor(request: object, repo: PromotionRepository): Loaders {
  let found = loaders.get(request);
  if (!found) loaders.set(request, (found = new Loaders(repo)));
  return found;
}

/** PromotionResolver exposes promotions: requests, votes, break-glass, deployments, and what happened to each. */
@Resolver(() => Promotion)
export class PromotionResolver {
  constructor(
    private readonly service: PromotionService,
    private readonly repo: PromotionRepository,
    private readonly changes: ChangeService,
  ) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => Promotion, { description: 'One promotion by id; NOT_FOUND when there is none.' })
  async promotion(@Args('id', { type: () => ID }) id: string): Promise<Promotion> {
    return toPromotionModel(await this.service.get(id));
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => PromotionConnection, { description: 'Promotions, newest first, a page at a time.' })
  async promotions(
    @Args('filter', { type: () => PromotionFilter, nullable: true }) filter?: PromotionFilter | null,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page.' }) after?: string | null,
  ): Promise<PromotionConnection> {
    const page = await this.service.list(filter, first, after);
    return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: toPromotionModel(edge.node) })) };
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => PendingApprovalConnection, { description: 'Promotions waiting for a vote the caller may give, oldest first, with why the caller may.' })
  async pendingApprovals(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<PendingApprovalConnection> {
    const page = await this.service.pendingFor(principal, first, after);
    return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: { ...edge.node, promotion: toPromotionModel(edge.node.promotion) } })) };
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => [EmergencyReview], { description: 'After-the-fact reviews of break-glass promotions that are past due and not completed, most overdue first.' })
  async overdueReviews(): Promise<EmergencyReview[]> {
    return (await this.repo.reviews({ overdue: true })).map((row) => toReviewModel(row));
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => [EnvironmentStatus], { description: 'Which version runs in each environment of an application, and what is on its way.' })
  async environmentStatus(@Args('application') application: string): Promise<EnvironmentStatus[]> {
    const applicationId = await this.repo.applicationId(application);
    if (!applicationId) throw applicationNotFound(application);
    const [environments, status] = await Promise.all([this.repo.environmentsOf(applicationId), this.repo.environmentStatus(applicationId)]);
    return environments.map((environment) => {
      const live = status.live.find((p) => p.environment_id === environment.id) ?? null;
      return {
        environment: environment.name,
        position: environment.position,
        changeId: live?.change_id ?? null,
        version: live?.version ?? null,
        deployedAt: live ? status.deployedAt.get(live.id) ?? null : null,
        promotion: live ? toPromotionModel(live) : null,
        inFlight: status.open.filter((p) => p.environment_id === environment.id).map(toPromotionModel),
      };
    });
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => DecisionReplay, { description: 'Re-evaluates a stored decision\'s input with its stored policy version and says whether the outcome matches.' })
  async replayDecision(@Args('id', { type: () => ID }) id: string): Promise<DecisionReplay> {
    const replay = await this.service.replay(id);
    return { ...replay, storedOutcome: OUTCOME[replay.storedOutcome], replayedOutcome: OUTCOME[replay.replayedOutcome] };
  }

  @WriteAccess(Role.DEVELOPER)
  @Mutation(() => Promotion, {
    description:
      'Requests a promotion of a change into an environment (the first, or the one after an environment where it is deployed); the governing policy decides at once: APPROVED, PENDING_APPROVAL or DENIED.',
  })
  async requestPromotion(
    @Args('input') input: RequestPromotionInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
    @HttpRequest() request: object,
  ): Promise<Promotion> {
    const { promotion, decision } = await this.service.requestDecided(input, principal, requestId);
    // A new promotion has exactly the one decision its request made: `decision` needs no read.
    if (decision) loadersFor(request, this.repo).decisions.prime(promotion.id, [decision]);
    return toPromotionModel(promotion);
  }

  @WriteAccess(...VOTER_ROLES)
  @Mutation(() => Promotion, { description: 'Approves a pending promotion; the caller must be in a required group and not an author, the requester or the registrar.' })
  async approvePromotion(@Args('input') input: ApprovePromotionInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.approve(input, principal, requestId));
  }

  @WriteAccess(...VOTER_ROLES)
  @Mutation(() => Promotion, { description: 'Rejects a pending promotion (a comment is required); one eligible rejection rejects it.' })
  async rejectPromotion(@Args('input') input: RejectPromotionInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.reject(input, principal, requestId));
  }

  @WriteAccess(Role.DEVELOPER, Role.ADMIN)
  @Mutation(() => Promotion, { description: 'Cancels a promotion that has not started deploying; the requester or an administrator may.' })
  async cancelPromotion(@Args('input') input: CancelPromotionInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.cancel(input, principal, requestId));
  }

  @WriteAccess(Role.EMERGENCY)
  @Mutation(() => Promotion, {
    description:
      'Break-glass: promotes without waiting for approvals, marked EMERGENCY, with an after-the-fact review due. It may not override a missing or failing test run or open critical vulnerabilities.',
  })
  async emergencyPromote(@Args('input') input: EmergencyPromoteInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.emergency(input, principal, requestId));
  }

  @WriteAccess(Role.DEVELOPER)
  @Mutation(() => Promotion, { description: 'Reports what the deployer did: STARTED, SUCCEEDED, FAILED or ROLLED_BACK, for an approved promotion, in that order.' })
  async reportDeployment(@Args('input') input: ReportDeploymentInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.reportDeployment(input, principal, requestId));
  }

  @WriteAccess(...VOTER_ROLES)
  @Mutation(() => Promotion, { description: 'Completes the after-the-fact review of a break-glass promotion; a member of a review group who is not an author, the requester or the registrar.' })
  async completeEmergencyReview(@Args('input') input: CompleteEmergencyReviewInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Promotion> {
    return toPromotionModel(await this.service.completeReview(input, principal, requestId));
  }

  @ResolveField(() => Change)
  change(@Parent() promotion: Promotion): Promise<Change> {
    return this.changes.get(promotion.changeId);
  }

  @ResolveField(() => PromotionDecision, { description: 'The decision in force.' })
  async decision(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<DecisionModel> {
    const decisions = await loadersFor(request, this.repo).decisions.load(promotion.id);
    return toDecisionModel(decisions.find((d) => d.id === promotion.currentDecisionId) ?? decisions[decisions.length - 1]!);
  }

  @ResolveField(() => [PromotionDecision], { description: 'Every decision, oldest first: the first, then re-decisions after new evidence or a new policy.' })
  async decisions(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<DecisionModel[]> {
    return (await loadersFor(request, this.repo).decisions.load(promotion.id)).map(toDecisionModel);
  }

  @ResolveField(() => [Approval], { description: 'Every vote, oldest first, dismissed ones included.' })
  async approvals(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<Approval[]> {
    return toApprovalModels(await loadersFor(request, this.repo).votes.load(promotion.id));
  }

  @ResolveField(() => [ApprovalProgress], { description: 'Per required group of the decision in force: how many approvals it needs and who counts.' })
  async approvalProgress(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<ApprovalProgress[]> {
    const l = loadersFor(request, this.repo);
    const [decisions, votes] = await Promise.all([l.decisions.load(promotion.id), l.votes.load(promotion.id)]);
    const current = decisions.find((d) => d.id === promotion.currentDecisionId);
    if (!current) return [];
    const approvals = approvalsOf(votes.filter((vote) => vote.decision_id === current.id && !vote.dismissed_at));
    return tallyApprovals(mergeRequirements(current.approvals), approvals).progress.map((p) => ({ ...p, granted: p.approvers.length }));
  }

  @ResolveField(() => [Deployment], { description: 'Deployment reports, oldest first.' })
  async deployments(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<Deployment[]> {
    return (await loadersFor(request, this.repo).deployments.load(promotion.id)).map(toDeploymentModel);
  }

  @ResolveField(() => [TimelineEntry], { description: 'What happened, oldest first: states, decisions, votes, dismissals, deployments, review.' })
  async timeline(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<TimelineEntry[]> {
    const l = loadersFor(request, this.repo);
    const [transitions, decisions, votes, deployments, review] = await Promise.all([
      this.repo.transitionsOf(promotion.id),
      l.decisions.load(promotion.id),
      l.votes.load(promotion.id),
      l.deployments.load(promotion.id),
      l.reviews.load(promotion.id),
    ]);
    return timelineOf({ transitions, decisions, votes, deployments, review });
  }

  @ResolveField(() => EmergencyReview, { nullable: true, description: 'The after-the-fact review of a break-glass promotion.' })
  async review(@Parent() promotion: Promotion, @HttpRequest() request: object): Promise<EmergencyReview | null> {
    if (!promotion.emergency) return null;
    const row = await loadersFor(request, this.repo).reviews.load(promotion.id);
    return row ? toReviewModel(row) : null;
  }

  @ResolveField(() => ApprovalEligibility, { description: 'Whether the caller may vote on it now, and if not, why (for the portal\'s buttons).' })
  async myEligibility(@Parent() promotion: Promotion, @CurrentPrincipal() principal: Principal): Promise<ApprovalEligibility> {
    const eligibility = await this.service.eligibilityFor(
      {
        state: promotion.state,
        current_decision_id: promotion.currentDecisionId,
        change_id: promotion.changeId,
        requested_by: promotion.requestedBy.id,
        registered_by: promotion.registeredBy,
      },
      principal,
    );
    return { canApprove: eligibility.eligible, code: eligibility.code, reason: eligibility.explanation, groups: eligibility.groups };
  }
}

/** DecisionResolver reads a decision's input on demand (it is stored once, in the policy store). */
@Resolver(() => PromotionDecision)
export class DecisionResolver {
  constructor(private readonly repo: PromotionRepository) {}

  @ResolveField(() => JSONScalar, { description: 'The exact input document the policy decided on.' })
  async input(@Parent() decision: DecisionModel): Promise<unknown> {
    return (await this.repo.decisionInput(decision.row))?.input ?? null;
  }
}

/** ChangePromotionResolver says where a change is in its pipeline. */
@Resolver(() => Change)
export class ChangePromotionResolver {
  constructor(private readonly repo: PromotionRepository) {}

  @ResolveField(() => [ChangeDeployment], { description: 'The latest promotion of this change into each environment, in pipeline order.' })
  async promotionStatus(@Parent() change: Change, @HttpRequest() request: object): Promise<ChangeDeployment[]> {
    const promotions = await loadersFor(request, this.repo).changePromotions.load(change.id);
    return promotions.map((p) => ({ environment: p.environment, state: p.state, promotionId: p.id, at: p.updatedAt }));
  }

  @ResolveField(() => [String], { description: 'Environments where this change is deployed now.' })
  async deployedTo(@Parent() change: Change, @HttpRequest() request: object): Promise<string[]> {
    const promotions = await loadersFor(request, this.repo).changePromotions.load(change.id);
    return promotions.filter((p) => p.state === PromotionState.DEPLOYED).map((p) => p.environment);
  }
}

