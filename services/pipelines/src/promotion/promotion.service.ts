import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { recordAuditEvent, recordAuditEvents, type AuditEventInput } from '@gatehouse/audit';
import { GroupService } from '@gatehouse/identity';
import {
  PolicyService,
  PolicyStoreErrorReason,
  PolicyStoreException,
  evaluatePolicy,
  inputHash,
  recordDecisionInput,
  type Decision,
} from '@gatehouse/policy';
import { CONFIG, Metrics, Role, ValidationException, isUniqueViolation, pageRequest, toConnection, type Config, type Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import { ChangeService } from '../change/change.service';
import { ChangeWindowService } from '../change-window/change-window.service';
import { EvidenceService } from '../evidence/evidence.service';
import { eligibilityOf, mergeRequirements, tallyApprovals, type Eligibility, type SeparationOfDuties } from './approval.rules';
import type {
  ApprovePromotionInput,
  CancelPromotionInput,
  CompleteEmergencyReviewInput,
  EmergencyPromoteInput,
  PromotionFilter,
  RejectPromotionInput,
  ReportDeploymentInput,
  RequestPromotionInput,
} from './dto/promotion.inputs';
import { approvalsOf } from './promotion.mapper';
import { promotionInputDocument, type PromotionInputDocument } from './promotion.input-document';
import { PromotionErrorReason, PromotionException, applicationNotFound } from './promotion.exception';
import { DEPLOYMENT_MOVES, DecisionTrigger, PromotionState, Vote, isLegalTransition } from './promotion-state';
import { PromotionRepository, changeRowOf, type DecisionRow, type PromotionRow, type TargetRow } from './promotion.repository';
import { windowRowsOfJson } from '../change-window/change-window.repository';
import { evidenceRowsOfJson } from '../evidence/evidence.repository';

type Actor = Principal['actor'];
type Outcome = DecisionRow['outcome'];

const OUTCOME_STATE: Record<Outcome, PromotionState> = {
  allow: PromotionState.APPROVED,
  require_approval: PromotionState.PENDING_APPROVAL,
  deny: PromotionState.DENIED,
};

/** Audit actions for the states a decision or a vote moves a promotion into (deployments have their own). */
const STATE_ACTION: Partial<Record<PromotionState, string>> = {
  [PromotionState.PENDING_APPROVAL]: 'promotion.pending_approval',
  [PromotionState.APPROVED]: 'promotion.approved',
  [PromotionState.DENIED]: 'promotion.denied',
  [PromotionState.REJECTED]: 'promotion.rejected',
  [PromotionState.EXPIRED]: 'promotion.expired',
  [PromotionState.CANCELLED]: 'promotion.cancelled',
};

const MAX_DETAILS_BYTES = 16 * 1024;

/** What deciding who may vote on a promotion reads of it. */
export type VoteTarget = Pick<PromotionRow, 'state' | 'current_decision_id' | 'change_id' | 'requested_by' | 'registered_by'>;

/** Who asked for a promotion, as the policy input and separation of duties need them. */
interface Requester {
  userId: string;
  username: string;
  displayName: string;
  kind: 'human' | 'service';
}

/**
 * PromotionService moves changes through environments: it requests promotions (assembling the
 * input document, asking the governing policy, storing the decision), takes votes under
 * separation of duties, re-decides pending promotions when evidence or policy change, expires
 * them, records break-glass promotions with their review, and takes deployment reports. Every
 * action is one transaction with its audit events.
 */
@Injectable()
export class PromotionService implements OnModuleInit {
  constructor(
    private readonly promotions: PromotionRepository,
    private readonly changes: ChangeService,
    private readonly evidence: EvidenceService,
    private readonly windows: ChangeWindowService,
    private readonly policies: PolicyService,
    private readonly groups: GroupService,
    @Inject(CONFIG) private readonly config: Config,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** Decisions made inside each open transaction of this service, counted once it commits. */
  private readonly decided = new WeakMap<EntityManager, { outcome: string; environment: string }[]>();

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const made: { outcome: string; environment: string }[] = [];
    const result = await this.promotions.transaction((manager) => {
      this.decided.set(manager, made);
      return work(manager);
    });
    for (const decision of made) this.metrics?.decisions.inc(decision);
    return result;
  }

  onModuleInit(): void {
    this.evidence.onAttached(async (manager, attached, principal, requestId) => {
      const ids = await this.promotions.lockPending({ changeId: attached.changeId }, manager);
      await this.redecide(ids, DecisionTrigger.EVIDENCE, `re-decided after new ${attached.kind} evidence`, principal.actor, requestId, manager);
    });
    this.policies.onActivation(async (manager, activation, actor, requestId) => {
      const ids = await this.promotions.lockPending({ environments: activation.environments }, manager);
      await this.redecide(ids, DecisionTrigger.POLICY_ACTIVATION, `re-decided after policy ${activation.policy} version ${activation.version} was activated`, actor, requestId, manager);
    });
  }

  // ---------------------------------------------------------------- requests

  /** Requests a promotion; the decision is made and stored before this returns. */
  async request(input: RequestPromotionInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    return (await this.requestDecided(input, principal, requestId)).promotion;
  }

  /**
   * Requests a promotion and returns it with the decision this request made (null when an
   * idempotent repeat returned the promotion an earlier request made).
   */
  async requestDecided(input: RequestPromotionInput, principal: Principal, requestId: string | null): Promise<{ promotion: PromotionRow; decision: DecisionRow | null }> {
    const key = input.idempotencyKey ?? null;
    if (key) {
      const existing = await this.promotions.findByIdempotencyKey(principal.userId, key);
      if (existing) return { promotion: await this.sameRequest(existing, input), decision: null };
    }
    try {
      return await this.transaction(async (manager) => {
        const target = await this.target(input.change, input.environment, principal.userId, manager);
        const sourceDeployedAt = this.checkOrder(target);
        const requester = requesterOf(principal);
        const id = await this.promotions.insertPromotion(
          {
            changeId: target.change_id,
            applicationId: target.application_id,
            environmentId: target.environment_id!,
            sourceEnvironmentId: target.source_environment_id,
            emergency: false,
            reason: input.reason?.trim() ?? '',
            ticket: null,
            requestedBy: requester.userId,
            requestedByUsername: requester.username,
            requestedByName: requester.displayName,
            requestedByKind: requester.kind,
            idempotencyKey: key,
          },
          manager,
        );
        const events: AuditEventInput[] = [];
        events.push(this.event(principal.actor, requestId, 'promotion.requested', target, id, PromotionState.REQUESTED, {
          sourceEnvironment: target.source_environment,
          reason: input.reason ?? '',
          idempotencyKey: key,
          emergency: false,
        }));
        const { decision, event } = await this.decide(id, target, requester, sourceDeployedAt, DecisionTrigger.REQUEST, false, principal.actor, requestId, manager);
        events.push(event);
        const to = OUTCOME_STATE[decision.outcome];
        const moved = await this.transition(id, target, PromotionState.REQUESTED, to, principal.actor, requestId, `decision: ${decision.outcome}`, manager, this.expiryFor(to, target));
        events.push(...moved.events);
        await recordAuditEvents(manager, events);
        // The move returned the promotion as this transaction leaves it: no read-back needed.
        return { promotion: moved.row ?? (await this.promotions.findById(id, manager))!, decision };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request won a race: the same idempotency key, or another open promotion.
      if (key) {
        const existing = await this.promotions.findByIdempotencyKey(principal.userId, key);
        if (existing) return { promotion: await this.sameRequest(existing, input), decision: null };
      }
      const target = await this.transaction((manager) => this.target(input.change, input.environment, principal.userId, manager));
      const open = await this.promotions.findOpen(target.change_id, target.environment_id!);
      throw alreadyOpen(target, open);
    }
  }

  /** A break-glass promotion: decided and recorded, approved at once, with a review due later. */
  async emergency(input: EmergencyPromoteInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    try {
      return await this.transaction(async (manager) => {
        const target = await this.target(input.change, input.environment, principal.userId, manager);
        const sourceDeployedAt = this.checkOrder(target);
        const requester = requesterOf(principal);
        const id = await this.promotions.insertPromotion(
          {
            changeId: target.change_id,
            applicationId: target.application_id,
            environmentId: target.environment_id!,
            sourceEnvironmentId: target.source_environment_id,
            emergency: true,
            reason: input.justification.trim(),
            ticket: input.ticket,
            requestedBy: requester.userId,
            requestedByUsername: requester.username,
            requestedByName: requester.displayName,
            requestedByKind: requester.kind,
            idempotencyKey: null,
          },
          manager,
        );
        const events: AuditEventInput[] = [
          this.event(principal.actor, requestId, 'promotion.requested', target, id, PromotionState.REQUESTED, {
            sourceEnvironment: target.source_environment,
            reason: input.justification,
            ticket: input.ticket,
            emergency: true,
          }),
        ];
        const { decision, document, event } = await this.decide(id, target, requester, sourceDeployedAt, DecisionTrigger.EMERGENCY, true, principal.actor, requestId, manager);
        events.push(event);
        guardEmergency(document);
        const moved = await this.transition(id, target, PromotionState.REQUESTED, PromotionState.APPROVED, principal.actor, requestId, 'emergency: approvals waived', manager);
        events.push(...moved.events);
        const groups = decision.approvals.length > 0 ? mergeRequirements(decision.approvals).map((r) => r.group) : this.config.promotions.emergencyReviewGroups;
        const dueAt = new Date(Date.now() + this.config.promotions.emergencyReviewHours * 3_600_000);
        await this.promotions.insertReview({ promotionId: id, groups, dueAt }, manager);
        events.push(
          this.event(principal.actor, requestId, 'promotion.emergency', target, id, PromotionState.APPROVED, {
            justification: input.justification,
            ticket: input.ticket,
            policyOutcome: decision.outcome,
            wouldHaveRequired: decision.approvals,
            review: { groups, dueAt: dueAt.toISOString() },
          }),
        );
        await recordAuditEvents(manager, events);
        return moved.row ?? (await this.promotions.findById(id, manager))!;
      });
    } catch (error) {
      if (error instanceof PromotionException && error.reason === PromotionErrorReason.EMERGENCY_GUARD) {
        await this.recordRefusal(principal.actor, requestId, 'promotion.emergency.refused', { change: input.change, environment: input.environment, ticket: input.ticket, why: error.message });
      }
      if (isUniqueViolation(error)) {
        const target = await this.transaction((manager) => this.target(input.change, input.environment, principal.userId, manager));
        throw alreadyOpen(target, await this.promotions.findOpen(target.change_id, target.environment_id!));
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- votes

  approve(input: ApprovePromotionInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    return this.vote(input.promotion, Vote.APPROVE, input.comment?.trim() ?? '', principal, requestId);
  }

  reject(input: RejectPromotionInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    return this.vote(input.promotion, Vote.REJECT, input.comment.trim(), principal, requestId);
  }

  private async vote(promotionId: string, vote: Vote, comment: string, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    let expired: PromotionRow | null = null;
    try {
      const row = await this.transaction(async (manager) => {
        const row = await this.locked(promotionId, manager);
        if (row.state !== PromotionState.PENDING_APPROVAL) {
          throw illegal(row, `${vote === Vote.APPROVE ? 'approve' : 'reject'} it`, 'only a PENDING_APPROVAL promotion takes votes');
        }
        const target = targetOf(row);
        if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
          const events = await this.move(row.id, target, row.state, PromotionState.EXPIRED, principal.actor, requestId, 'approval window elapsed', manager);
          await recordAuditEvents(manager, events);
          expired = row;
          return row;
        }
        const decision = (await this.promotions.decision(row.current_decision_id!, manager))!;
        const requirements = mergeRequirements(decision.approvals);
        const voterGroups = await this.groups.groupsOf(principal.userId, manager);
        const eligibility = eligibilityOf({ userId: principal.userId, username: principal.username, groups: voterGroups }, requirements, await this.duties(row, manager));
        if (!eligibility.eligible) throw notEligible(eligibility);

        const cast = await this.promotions.insertVote(
          { promotionId: row.id, decisionId: decision.id, voterId: principal.userId, voterUsername: principal.username, voterName: principal.displayName, vote, comment, groups: eligibility.groups },
          manager,
        );
        const events: AuditEventInput[] = [
          this.event(principal.actor, requestId, vote === Vote.APPROVE ? 'approval.granted' : 'approval.rejected', target, row.id, row.state, {
            vote: cast.id,
            decision: decision.id,
            groups: eligibility.groups,
            comment,
          }),
        ];
        if (vote === Vote.REJECT) {
          events.push(...(await this.move(row.id, target, row.state, PromotionState.REJECTED, principal.actor, requestId, `rejected by ${principal.username}`, manager)));
        } else {
          const tally = tallyApprovals(requirements, approvalsOf(await this.promotions.activeVotes(decision.id, manager)));
          if (tally.satisfied) {
            events.push(...(await this.move(row.id, target, row.state, PromotionState.APPROVED, principal.actor, requestId, 'every required approval given', manager)));
          }
        }
        // The vote event goes first; the state event (if any) carries the state after it.
        if (events.length > 1) events[0]!.data = { ...events[0]!.data, state: (events[events.length - 1]!.data as { state: string }).state };
        await recordAuditEvents(manager, events);
        return (await this.promotions.findById(row.id, manager))!;
      });
      if (expired) {
        const at = (expired as PromotionRow).expires_at!.toISOString();
        throw new PromotionException(PromotionErrorReason.PROMOTION_EXPIRED, `Promotion ${promotionId} expired at ${at} before it was approved; request it again.`, { promotion: promotionId, expiredAt: at });
      }
      return row;
    } catch (error) {
      if (error instanceof PromotionException && error.reason === PromotionErrorReason.NOT_ELIGIBLE) {
        await this.recordRefusal(principal.actor, requestId, 'approval.refused', { promotion: promotionId, vote, why: error.message, ineligibility: (error.details as { ineligibility?: string }).ineligibility });
      }
      throw error;
    }
  }

  /** Cancels an open promotion that has not started deploying; the requester or an admin may. */
  async cancel(input: CancelPromotionInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    return this.transaction(async (manager) => {
      const row = await this.locked(input.promotion, manager);
      if (row.requested_by !== principal.userId && !principal.roles.includes(Role.ADMIN)) {
        throw new PromotionException(PromotionErrorReason.NOT_ELIGIBLE, 'Only whoever requested a promotion, or an administrator, may cancel it.', { promotion: row.id });
      }
      if (!isLegalTransition(row.state, PromotionState.CANCELLED)) throw illegal(row, 'cancel it', 'only a pending or approved promotion that has not started deploying can be cancelled');
      const events = await this.move(row.id, targetOf(row), row.state, PromotionState.CANCELLED, principal.actor, requestId, input.reason?.trim() || 'cancelled', manager, undefined, { reason: input.reason ?? '' });
      await recordAuditEvents(manager, events);
      return (await this.promotions.findById(row.id, manager))!;
    });
  }

  // ---------------------------------------------------------------- deployments and reviews

  /** Reports a deployment; pass a transaction's manager to report inside it (a webhook and its receipt commit together). */
  async reportDeployment(input: ReportDeploymentInput, principal: Principal, requestId: string | null, manager?: EntityManager): Promise<PromotionRow> {
    const details = input.details ?? {};
    if (typeof details !== 'object' || details === null || Array.isArray(details)) {
      throw new ValidationException([{ path: 'input.details', message: 'must be a JSON object' }]);
    }
    if (Buffer.byteLength(JSON.stringify(details)) > MAX_DETAILS_BYTES) {
      throw new ValidationException([{ path: 'input.details', message: `must be at most ${MAX_DETAILS_BYTES} bytes of JSON` }]);
    }
    const work = async (manager: EntityManager) => {
      const row = await this.locked(input.promotion, manager);
      const to = DEPLOYMENT_MOVES[input.status][row.state];
      if (!to) {
        const legal = Object.keys(DEPLOYMENT_MOVES[input.status]).join(' or ');
        throw illegal(row, `report a ${input.status} deployment`, `a ${input.status} report needs a promotion in state ${legal}`);
      }
      const deployment = await this.promotions.insertDeployment(
        {
          promotionId: row.id,
          applicationId: row.application_id,
          environmentId: row.environment_id,
          status: input.status,
          url: input.url ?? null,
          details,
          reportedBy: principal.userId,
          reportedByUsername: principal.username,
          reportedByName: principal.displayName,
        },
        manager,
      );
      await this.promotions.moveTo({ promotionId: row.id, from: row.state, to, actorId: principal.userId, actorName: principal.displayName, cause: `deployment ${input.status}` }, manager);
      await recordAuditEvent(
        manager,
        this.event(principal.actor, requestId, `deployment.${input.status.toLowerCase()}`, targetOf(row), row.id, to, {
          deployment: deployment.id,
          from: row.state,
          url: deployment.url,
          details,
          emergency: row.emergency,
        }),
      );
      return (await this.promotions.findById(row.id, manager))!;
    };
    return manager ? work(manager) : this.transaction(work);
  }

  async completeReview(input: CompleteEmergencyReviewInput, principal: Principal, requestId: string | null): Promise<PromotionRow> {
    return this.transaction(async (manager) => {
      const row = await this.locked(input.promotion, manager);
      const review = await this.promotions.lockReview(row.id, manager);
      if (!review) throw new PromotionException(PromotionErrorReason.REVIEW_NOT_FOUND, `Promotion ${row.id} is not a break-glass promotion; it has no review.`, { promotion: row.id });
      if (review.completed_at) {
        throw new PromotionException(PromotionErrorReason.REVIEW_ALREADY_COMPLETED, `The review of promotion ${row.id} was completed at ${review.completed_at.toISOString()} by ${review.completed_by_name}.`, {
          promotion: row.id,
        });
      }
      const groups = await this.groups.groupsOf(principal.userId, manager);
      const eligibility = eligibilityOf(
        { userId: principal.userId, username: principal.username, groups },
        review.groups.map((group) => ({ group, count: 1 })),
        await this.duties(row, manager),
      );
      if (!eligibility.eligible) throw notEligible(eligibility, 'review');
      await this.promotions.completeReview(row.id, { id: principal.userId, username: principal.username, name: principal.displayName }, input.comment.trim(), manager);
      await recordAuditEvent(
        manager,
        this.event(principal.actor, requestId, 'emergency_review.completed', targetOf(row), row.id, row.state, {
          comment: input.comment.trim(),
          groups: eligibility.groups,
          dueAt: review.due_at.toISOString(),
          late: review.due_at.getTime() < Date.now(),
        }),
      );
      return (await this.promotions.findById(row.id, manager))!;
    });
  }

  /** Moves pending promotions past their expiry to EXPIRED; returns how many. Safe on several replicas at once. */
  async expireDue(limit = 100): Promise<number> {
    return this.transaction(async (manager) => {
      const ids = await this.promotions.lockExpired(limit, manager);
      const events: AuditEventInput[] = [];
      for (const id of ids) {
        const row = (await this.promotions.findById(id, manager))!;
        events.push(...(await this.move(id, targetOf(row), row.state, PromotionState.EXPIRED, SYSTEM_ACTOR, null, 'approval window elapsed', manager)));
      }
      await recordAuditEvents(manager, events);
      return ids.length;
    });
  }

  // ---------------------------------------------------------------- reads

  /** The newest promotion of a change into an environment (by name), or null; read in the caller's transaction when given. */
  latestOf(changeId: string, environment: string, manager?: EntityManager): Promise<PromotionRow | null> {
    return UUID.test(changeId) ? this.promotions.latestOf(changeId, environment, manager) : Promise.resolve(null);
  }

  async get(id: string): Promise<PromotionRow> {
    const row = UUID.test(id) ? await this.promotions.findById(id) : null;
    if (!row) throw promotionNotFound(id);
    return row;
  }

  async list(filter: PromotionFilter | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const request = pageRequest(first, after);
    if (request.after !== undefined && !/^\d{1,18}$/.test(request.after)) {
      throw new ValidationException([{ path: 'after', message: 'is not a cursor returned by this list' }]);
    }
    let applicationId: string | null = null;
    if (filter?.application) {
      applicationId = await this.promotions.applicationId(filter.application);
      if (!applicationId) throw applicationNotFound(filter.application);
    }
    const { rows, totalCount } = await this.promotions.page(
      {
        applicationId,
        environment: filter?.environment ?? null,
        states: filter?.states?.length ? filter.states : null,
        since: filter?.since ?? null,
        emergency: filter?.emergency ?? null,
        changeId: filter?.change ?? null,
      },
      request,
    );
    return toConnection(rows, request, totalCount, (row) => row.seq, (row) => row);
  }

  /** Pending promotions the caller may vote on, with why. */
  async pendingFor(principal: Principal, first: number | null | undefined, after: string | null | undefined) {
    const request = pageRequest(first, after);
    if (request.after !== undefined && !/^\d{1,18}$/.test(request.after)) {
      throw new ValidationException([{ path: 'after', message: 'is not a cursor returned by this list' }]);
    }
    const groups = await this.groups.groupsOf(principal.userId);
    const found: { row: PromotionRow; eligibility: Eligibility; granted: string }[] = [];
    let cursor = request.after ?? null;
    // Candidates come from group membership; separation of duties and earlier votes filter them.
    while (groups.length > 0 && found.length <= request.first) {
      const batch = await this.promotions.pendingForGroups(groups, cursor, 200);
      for (const row of batch) {
        const decision = (await this.promotions.decision(row.current_decision_id!))!;
        const requirements = mergeRequirements(decision.approvals);
        const eligibility = eligibilityOf({ userId: principal.userId, username: principal.username, groups }, requirements, await this.duties(row));
        if (!eligibility.eligible) continue;
        const votes = await this.promotions.activeVotes(decision.id);
        if (votes.some((v) => v.voter_id === principal.userId)) continue;
        const tally = tallyApprovals(requirements, approvalsOf(votes));
        const granted = tally.progress
          .filter((p) => eligibility.groups.includes(p.group))
          .map((p) => `${p.group} ${p.approvers.length} of ${p.required}`)
          .join(', ');
        found.push({ row, eligibility, granted });
        if (found.length > request.first) break;
      }
      if (batch.length < 200) break;
      cursor = batch[batch.length - 1]!.seq;
    }
    const nodes = found.map(({ row, eligibility, granted }) => ({
      promotion: row,
      groups: eligibility.groups,
      why: `${eligibility.explanation} (granted so far: ${granted})`,
      seq: row.seq,
    }));
    return toConnection(nodes, request, nodes.length, (node) => node.seq, ({ promotion, groups: g, why }) => ({ promotion, groups: g, why }));
  }

  /** Whether the caller may vote on a promotion now, and why (not). */
  async eligibilityFor(row: VoteTarget, principal: Principal): Promise<Eligibility & { code: string | null }> {
    if (row.state !== PromotionState.PENDING_APPROVAL) {
      return { eligible: false, reason: null, code: 'NOT_PENDING', groups: [], explanation: `the promotion is ${row.state}, not waiting for approvals` };
    }
    const decision = (await this.promotions.decision(row.current_decision_id!))!;
    const groups = await this.groups.groupsOf(principal.userId);
    const eligibility = eligibilityOf({ userId: principal.userId, username: principal.username, groups }, mergeRequirements(decision.approvals), await this.duties(row));
    if (!eligibility.eligible) return { ...eligibility, code: eligibility.reason };
    const votes = await this.promotions.activeVotes(decision.id);
    const mine = votes.filter((v) => v.voter_id === principal.userId).pop();
    if (mine) return { ...eligibility, eligible: false, code: 'ALREADY_VOTED', explanation: `you already voted (${mine.vote.toLowerCase()}) on ${mine.created_at.toISOString()}` };
    return { ...eligibility, code: null };
  }

  /**
   * Replays a stored decision: its stored input, evaluated again with the stored policy version,
   * must give the same outcome, approvals and matched rules; the input must still hash to what
   * was stored and the policy version must still have the stored content hash.
   */
  async replay(decisionId: string): Promise<{
    decisionId: string;
    matches: boolean;
    storedOutcome: Outcome;
    replayedOutcome: Outcome;
    inputHashMatches: boolean;
    policyHashMatches: boolean;
    differences: string[];
  }> {
    const row = UUID.test(decisionId) ? await this.promotions.decision(decisionId) : null;
    if (!row) throw new PromotionException(PromotionErrorReason.DECISION_NOT_FOUND, `No decision with id "${decisionId}".`, { decision: decisionId });
    const stored = await this.promotions.decisionInput(row);
    const differences: string[] = [];
    const inputHashMatches = stored !== null && inputHash(stored.input) === row.input_hash;
    if (!inputHashMatches) differences.push('the stored input no longer hashes to the stored input hash');
    let replayed: { outcome: Outcome; approvals: { group: string; count: number }[]; matched: string[] };
    let policyHashMatches = true;
    if (row.policy_name === null) {
      // Nothing governed the target (or the policy could not govern it): that decision always denies.
      replayed = { outcome: 'deny', approvals: [], matched: [] };
    } else {
      const version = await this.policies.findVersionRow(row.policy_name, row.policy_version!);
      policyHashMatches = version.content_hash === row.policy_hash;
      if (!policyHashMatches) differences.push(`policy ${row.policy_name} v${row.policy_version} now hashes to ${version.content_hash}, not ${row.policy_hash}`);
      const decision = evaluatePolicy(this.policies.compile(version), stored?.input ?? null, { trace: true });
      replayed = { outcome: decision.outcome, approvals: decision.approvals.map(({ group, count }) => ({ group, count })), matched: decision.matchedRules.map((r) => r.id) };
    }
    if (replayed.outcome !== row.outcome) differences.push(`outcome was ${row.outcome}, replays as ${replayed.outcome}`);
    const approvals = (list: { group: string; count: number }[]) => JSON.stringify(list.map(({ group, count }) => ({ group, count })).sort((a, b) => a.group.localeCompare(b.group)));
    if (approvals(replayed.approvals) !== approvals(row.approvals)) differences.push(`approvals were ${approvals(row.approvals)}, replay as ${approvals(replayed.approvals)}`);
    const matched = row.matched_rules.map((r) => r.id).join(',');
    if (replayed.matched.join(',') !== matched) differences.push(`matched rules were [${matched}], replay as [${replayed.matched.join(',')}]`);
    return {
      decisionId: row.id,
      matches: differences.length === 0,
      storedOutcome: row.outcome,
      replayedOutcome: replayed.outcome,
      inputHashMatches,
      policyHashMatches,
      differences,
    };
  }

  // ---------------------------------------------------------------- the decision

  /**
   * Assembles the input document, asks the policy governing the target, stores the decision
   * (and the input, in the policy store for backtests) and returns it with its audit event.
   * Fails closed: nothing governing the target, or a policy that may not govern it, denies.
   */
  private async decide(
    promotionId: string,
    target: TargetRow,
    requester: Requester,
    sourceDeployedAt: Date | null,
    trigger: DecisionTrigger,
    emergency: boolean,
    actor: Actor,
    requestId: string | null,
    manager: EntityManager,
  ): Promise<{ decision: DecisionRow; document: PromotionInputDocument; event: AuditEventInput }> {
    const now = new Date();
    // Everything below was read with the target, in the target's statement (findTarget), for this requester.
    const change = this.changes.policyInputFromRows(changeRowOf(target), target.commits, evidenceRowsOfJson(target.evidence), { emergency });
    const window = this.windows.policyInputFromWindows(windowRowsOfJson(target.windows), target.timezone!, now);
    const groups = target.requester_groups;
    const isAuthor = change.change.authors.some((author) => author.toLowerCase() === requester.username.toLowerCase() || author === requester.userId);
    const document = promotionInputDocument({
      change,
      target,
      sourceDeployedAt,
      window,
      requester: { id: requester.username, kind: requester.kind, groups, isAuthor },
      history: target,
    });

    let evaluated: Pick<Decision, 'outcome' | 'approvals' | 'matchedRules' | 'explanation' | 'errors'> & { basis: string };
    let policy: { name: string; version: number; hash: string } | null = null;
    try {
      const compiled = await this.policies.compiledActive(target.environment!, target.regulated!, target.active_policy, manager);
      if (compiled) {
        const decision = evaluatePolicy(compiled, document, { trace: true });
        evaluated = decision;
        policy = decision.policy;
      } else {
        evaluated = failClosed('no-policy', `No policy governs environment "${target.environment}"; activate one for it (gatehouse policy activate).`);
      }
    } catch (error) {
      if (!(error instanceof PolicyStoreException) || error.reason !== PolicyStoreErrorReason.REGULATED_ENVIRONMENT) throw error;
      evaluated = failClosed('fail-closed', error.message);
    }

    let decisionInputId: string | null = null;
    let hash: string;
    if (policy) {
      const stored = await recordDecisionInput(manager, {
        policy,
        application: target.application,
        environment: target.environment!,
        outcome: evaluated.outcome,
        approvals: evaluated.approvals,
        input: document,
        decidedAt: now,
      });
      decisionInputId = stored.id;
      hash = stored.inputHash;
    } else {
      hash = inputHash(document);
    }
    const decision = await this.promotions.insertDecision(
      {
        promotionId,
        outcome: evaluated.outcome,
        basis: evaluated.basis,
        approvals: evaluated.approvals.map(({ group, count }) => ({ group, count })),
        matchedRules: evaluated.matchedRules.map(({ id, effect, reason }) => ({ id, effect, reason })),
        explanation: evaluated.explanation,
        errors: evaluated.errors,
        policy,
        decisionInputId,
        input: policy ? undefined : document,
        inputHash: hash,
        trigger,
      },
      manager,
    );
    // Counted when this service's transaction commits; a re-decision inside another service's
    // transaction (evidence, policy activation) is counted when made.
    const metric = { outcome: decision.outcome.toUpperCase(), environment: target.environment! };
    const made = this.decided.get(manager);
    if (made) made.push(metric);
    else this.metrics?.decisions.inc(metric);
    const event = this.event(actor, requestId, 'decision.made', target, promotionId, OUTCOME_STATE[decision.outcome], {
      decision: decision.id,
      outcome: decision.outcome,
      basis: decision.basis,
      approvalsRequired: decision.approvals,
      matchedRules: decision.matched_rules.map((r) => r.id),
      policy,
      inputHash: hash,
      trigger,
      emergency,
    });
    return { decision, document, event };
  }

  /** Re-decides pending promotions (locked by the caller) on what changed; votes for the old decision are dismissed. */
  private async redecide(ids: string[], trigger: DecisionTrigger, why: string, actor: Actor, requestId: string | null, manager: EntityManager): Promise<void> {
    for (const id of ids) {
      const row = (await this.promotions.findById(id, manager))!;
      const target = await this.target(row.change_id, row.environment, row.requested_by, manager);
      const sourceDeployedAt = target.source_deployed_at;
      const requester: Requester = { userId: row.requested_by, username: row.requested_by_username, displayName: row.requested_by_name, kind: row.requested_by_kind };
      const events: AuditEventInput[] = [];
      const dismissed = await this.promotions.dismissVotes(id, why, manager);
      const { decision, event } = await this.decide(id, target, requester, sourceDeployedAt, trigger, row.emergency, actor, requestId, manager);
      events.push(event);
      for (const vote of dismissed) {
        events.push(
          this.event(actor, requestId, 'approval.dismissed', target, id, row.state, { vote: vote.id, voter: vote.voter_username, decision: vote.decision_id, vote_cast: vote.vote, why }),
        );
      }
      const to = OUTCOME_STATE[decision.outcome];
      if (to !== PromotionState.PENDING_APPROVAL) events.push(...(await this.move(id, target, row.state, to, actor, requestId, `${why}: ${decision.outcome}`, manager)));
      await recordAuditEvents(manager, events);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Reads the target of a request (and what deciding it needs, for `requesterId`) and checks it exists and accepts changes. */
  private async target(changeId: string, environment: string, requesterId: string, manager: EntityManager): Promise<TargetRow> {
    const target = UUID.test(changeId) ? await this.promotions.findTarget(changeId, environment, requesterId, manager) : null;
    if (!target) throw new PromotionException(PromotionErrorReason.CHANGE_NOT_FOUND, `No change with id "${changeId}".`, { change: changeId });
    if (!target.environment_id) {
      throw new PromotionException(
        PromotionErrorReason.ENVIRONMENT_NOT_FOUND,
        `Application "${target.application}" has no environment "${environment}"; its pipeline is ${target.environments.join(' → ')}.`,
        { application: target.application, environment },
      );
    }
    if (target.archived_at) {
      throw new PromotionException(PromotionErrorReason.APPLICATION_ARCHIVED, `Application "${target.application}" is archived; nothing is promoted any more.`, {
        application: target.application,
      });
    }
    return target;
  }

  /**
   * A change enters the first environment, or the next one after an environment where it is
   * deployed; never one where it is already deployed. Returns when it was deployed in the source.
   */
  private checkOrder(target: TargetRow): Date | null {
    if (target.target_deployed) {
      throw new PromotionException(PromotionErrorReason.ALREADY_DEPLOYED, `Version ${target.version} of "${target.application}" is already deployed in ${target.environment}.`, {
        application: target.application,
        environment: target.environment,
        version: target.version,
      });
    }
    if (!target.source_environment_id) return null;
    if (!target.source_deployed_at) {
      throw new PromotionException(
        PromotionErrorReason.PREVIOUS_ENVIRONMENT_NOT_DEPLOYED,
        `Version ${target.version} of "${target.application}" can enter ${target.environment} only after it is deployed in ${target.source_environment}; promote it there first.`,
        { application: target.application, environment: target.environment, requires: target.source_environment, version: target.version },
      );
    }
    return target.source_deployed_at;
  }

  /** Moves a promotion (locked by the caller) to a new state; returns the audit events to record. */
  private async move(
    id: string,
    target: Pick<TargetRow, 'change_id' | 'version' | 'application' | 'environment'>,
    from: PromotionState,
    to: PromotionState,
    actor: Actor,
    requestId: string | null,
    cause: string,
    manager: EntityManager,
    expiresAt?: Date | null,
    data: Record<string, unknown> = {},
  ): Promise<AuditEventInput[]> {
    return (await this.transition(id, target, from, to, actor, requestId, cause, manager, expiresAt, data)).events;
  }

  /** move(), also returning the promotion as the move left it (null when it was not in state `from`). */
  private async transition(
    id: string,
    target: Pick<TargetRow, 'change_id' | 'version' | 'application' | 'environment'>,
    from: PromotionState,
    to: PromotionState,
    actor: Actor,
    requestId: string | null,
    cause: string,
    manager: EntityManager,
    expiresAt?: Date | null,
    data: Record<string, unknown> = {},
  ): Promise<{ events: AuditEventInput[]; row: PromotionRow | null }> {
    if (!isLegalTransition(from, to)) throw new Error(`illegal transition ${from} → ${to} of promotion ${id}`);
    const row = await this.promotions.moveTo({ promotionId: id, from, to, actorId: actor.id, actorName: actor.displayName, cause, expiresAt }, manager);
    const action = STATE_ACTION[to];
    const events = action ? [this.event(actor, requestId, action, target, id, to, { from, cause, ...(expiresAt && { expiresAt: expiresAt.toISOString() }), ...data })] : [];
    return { events, row };
  }

  private expiryFor(state: PromotionState, target: TargetRow): Date | undefined {
    return state === PromotionState.PENDING_APPROVAL ? new Date(Date.now() + target.approval_timeout_hours! * 3_600_000) : undefined;
  }

  private event(
    actor: Actor,
    requestId: string | null,
    action: string,
    target: Pick<TargetRow, 'change_id' | 'version' | 'application' | 'environment'>,
    promotionId: string,
    state: PromotionState,
    data: Record<string, unknown>,
  ): AuditEventInput {
    return {
      action,
      actor,
      requestId,
      subject: { type: 'promotion', id: promotionId },
      application: target.application,
      environment: target.environment,
      data: { promotion: promotionId, change: target.change_id, version: target.version, state, ...data },
    };
  }

  private async locked(id: string, manager: EntityManager): Promise<PromotionRow> {
    const row = UUID.test(id) ? await this.promotions.lock(id, manager) : null;
    if (!row) throw promotionNotFound(id);
    return row;
  }

  private async duties(row: VoteTarget, manager?: EntityManager): Promise<SeparationOfDuties> {
    return { authors: await this.promotions.authorsOf(row.change_id, manager), requesterId: row.requested_by, registeredBy: row.registered_by };
  }

  private async sameRequest(existing: PromotionRow, input: RequestPromotionInput): Promise<PromotionRow> {
    if (existing.change_id === input.change && existing.environment === input.environment) return existing;
    throw new PromotionException(
      PromotionErrorReason.IDEMPOTENCY_KEY_REUSED,
      `Idempotency key "${existing.idempotency_key}" was used for promotion ${existing.id} of another change or environment; use a new key for a new request.`,
      { promotion: existing.id, idempotencyKey: existing.idempotency_key },
    );
  }

  /** A refused attempt is its own action: recorded on its own, and durable before the refusal is answered. */
  private async recordRefusal(actor: Actor, requestId: string | null, action: string, data: Record<string, unknown>): Promise<void> {
    await this.promotions.recordStandalone({ action, actor, requestId, subject: { type: 'promotion', id: String(data.promotion ?? data.change) }, data });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SYSTEM_ACTOR: Actor = { kind: 'SYSTEM', id: 'gatehouse', displayName: 'Gatehouse', ip: null, userAgent: null };

function requesterOf(principal: Principal): Requester {
  return { userId: principal.userId, username: principal.username, displayName: principal.displayName, kind: principal.via === 'TOKEN' ? 'service' : 'human' };
}

function targetOf(row: PromotionRow): Pick<TargetRow, 'change_id' | 'version' | 'application' | 'environment'> {
  return { change_id: row.change_id, version: row.version, application: row.application, environment: row.environment };
}

function failClosed(basis: string, message: string) {
  return { outcome: 'deny' as const, basis, approvals: [], matchedRules: [], explanation: [], errors: [{ ruleId: '(none)', message }] };
}

/**
 * What a break-glass promotion may not override, whatever the policy says: a missing or
 * failing test run, and open critical vulnerabilities. (Order of environments, an archived
 * application and separation of duties for the review are enforced as for every promotion.)
 */
function guardEmergency(document: PromotionInputDocument): void {
  const { tests, vulnerabilities } = document.evidence;
  const why: string[] = [];
  if (tests.total === 0) why.push('no test run is reported for the change');
  else if (tests.failed > 0 || !tests.passed) why.push(`its latest test run has ${tests.failed} failing test${tests.failed === 1 ? '' : 's'}`);
  if (vulnerabilities.critical > 0) why.push(`its latest security scan has ${vulnerabilities.critical} open critical vulnerabilit${vulnerabilities.critical === 1 ? 'y' : 'ies'}`);
  if (why.length > 0) {
    throw new PromotionException(PromotionErrorReason.EMERGENCY_GUARD, `A break-glass promotion may not override this: ${why.join('; ')}. Fix it and attach new evidence.`, { why });
  }
}

function promotionNotFound(id: string): PromotionException {
  return new PromotionException(PromotionErrorReason.PROMOTION_NOT_FOUND, `No promotion with id "${id}".`, { promotion: id });
}

function illegal(row: PromotionRow, attempted: string, rule: string): PromotionException {
  return new PromotionException(PromotionErrorReason.ILLEGAL_TRANSITION, `Promotion ${row.id} is ${row.state}; cannot ${attempted}: ${rule}.`, {
    promotion: row.id,
    state: row.state,
  });
}

function notEligible(eligibility: Eligibility, what = 'vote on'): PromotionException {
  return new PromotionException(PromotionErrorReason.NOT_ELIGIBLE, `You may not ${what} this promotion: ${eligibility.explanation}.`, {
    ineligibility: eligibility.reason,
    groups: eligibility.groups,
  });
}

function alreadyOpen(target: TargetRow, open: PromotionRow | null): PromotionException {
  return new PromotionException(
    PromotionErrorReason.PROMOTION_ALREADY_OPEN,
    `Version ${target.version} of "${target.application}" already has an open promotion into ${target.environment}${open ? ` (${open.id}, ${open.state})` : ''}; wait for it or cancel it.`,
    { promotion: open?.id ?? null, state: open?.state ?? null },
  );
}
