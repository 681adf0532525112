import { DecisionOutcome, PromotionState, type Vote } from './promotion-state';
import type { Approval, Deployment, EmergencyReview, Promotion, PromotionDecision, TimelineEntry } from './promotion.model';
import type { DecisionRow, DeploymentRow, PromotionRow, ReviewRow, TransitionRow, VoteRow } from './promotion.repository';

export const OUTCOME: Record<DecisionRow['outcome'], DecisionOutcome> = {
  allow: DecisionOutcome.ALLOW,
  require_approval: DecisionOutcome.REQUIRE_APPROVAL,
  deny: DecisionOutcome.DENY,
};

export function toPromotionModel(row: PromotionRow): Promotion {
  return {
    id: row.id,
    application: row.application,
    environment: row.environment,
    sourceEnvironment: row.source_environment,
    changeId: row.change_id,
    version: row.version,
    state: row.state,
    emergency: row.emergency,
    reason: row.reason,
    ticket: row.ticket,
    requestedBy: { id: row.requested_by, username: row.requested_by_username, displayName: row.requested_by_name },
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    expiresAt: row.state === PromotionState.PENDING_APPROVAL || row.state === PromotionState.EXPIRED ? row.expires_at : null,
    idempotencyKey: row.idempotency_key,
    currentDecisionId: row.current_decision_id,
    registeredBy: row.registered_by,
  };
}

/** The decision without its input (read on demand: it lives in the policy store). */
export type DecisionModel = Omit<PromotionDecision, 'input'> & { row: DecisionRow };

export function toDecisionModel(row: DecisionRow): DecisionModel {
  return {
    id: row.id,
    outcome: OUTCOME[row.outcome],
    basis: row.basis,
    approvalsRequired: row.approvals,
    matchedRules: row.matched_rules,
    explanation: row.explanation.map((e) => ({ id: e.id, effect: e.effect, matched: e.matched, facts: e.facts, error: e.error ?? null })),
    errors: row.errors,
    policyName: row.policy_name,
    policyVersion: row.policy_version,
    policyHash: row.policy_hash,
    inputHash: row.input_hash,
    trigger: row.trigger,
    decidedAt: row.decided_at,
    supersededAt: row.superseded_at,
    row,
  };
}

/** The latest vote of each voter (of those given), kept only when it approves: what counts toward the requirements. */
export function approvalsOf(votes: readonly VoteRow[]): { voter: string; groups: string[] }[] {
  const latest = new Map<string, VoteRow>();
  for (const vote of votes) latest.set(vote.voter_id, vote);
  return [...latest.values()].filter((v) => v.vote === 'APPROVE').map((v) => ({ voter: v.voter_username, groups: v.groups }));
}

/** Votes of one promotion; a vote counts unless dismissed or replaced by the same person's later vote on the same decision. */
export function toApprovalModels(votes: VoteRow[]): Approval[] {
  const latest = new Map<string, string>();
  for (const vote of votes) if (!vote.dismissed_at) latest.set(`${vote.decision_id}/${vote.voter_id}`, vote.id);
  return votes.map((vote) => ({
    id: vote.id,
    approver: { id: vote.voter_id, username: vote.voter_username, displayName: vote.voter_name },
    vote: vote.vote as Vote,
    comment: vote.comment,
    groups: vote.groups,
    decisionId: vote.decision_id,
    createdAt: vote.created_at,
    counted: !vote.dismissed_at && latest.get(`${vote.decision_id}/${vote.voter_id}`) === vote.id,
    dismissedAt: vote.dismissed_at,
    dismissReason: vote.dismiss_reason,
  }));
}

export function toDeploymentModel(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    status: row.status,
    url: row.url,
    details: row.details,
    reportedBy: { id: row.reported_by, username: row.reported_by_username, displayName: row.reported_by_name },
    reportedAt: row.reported_at,
  };
}

export function toReviewModel(row: ReviewRow, now = Date.now()): EmergencyReview {
  return {
    promotionId: row.promotion_id,
    groups: row.groups,
    openedAt: row.opened_at,
    dueAt: row.due_at,
    overdue: row.completed_at === null && row.due_at.getTime() < now,
    completedAt: row.completed_at,
    completedBy: row.completed_by ? { id: row.completed_by, username: row.completed_by_username ?? row.completed_by, displayName: row.completed_by_name ?? row.completed_by } : null,
    comment: row.comment,
    application: row.application,
    environment: row.environment,
  };
}

const RANK: Record<string, number> = { DISMISSAL: 1, DECISION: 2, VOTE: 3, DEPLOYMENT: 4, STATE: 5, REVIEW: 6 };

/** A promotion's history from its own records, oldest first. */
export function timelineOf(parts: {
  transitions: TransitionRow[];
  decisions: DecisionRow[];
  votes: VoteRow[];
  deployments: DeploymentRow[];
  review: ReviewRow | null;
}): TimelineEntry[] {
  const entries: (TimelineEntry & { order: number })[] = [];
  let order = 0;
  for (const t of parts.transitions) {
    entries.push({ at: t.at, kind: 'STATE', summary: t.from_state ? `${t.from_state} → ${t.to_state} (${t.cause})` : `${t.to_state} (${t.cause})`, actor: t.actor_name, order: order++ });
  }
  for (const d of parts.decisions) {
    const policy = d.policy_name ? `${d.policy_name} v${d.policy_version}` : 'no policy';
    const needs = d.approvals.length ? `; needs ${d.approvals.map((a) => `${a.count} of ${a.group}`).join(', ')}` : '';
    const rules = d.matched_rules.length ? `; matched ${d.matched_rules.map((r) => r.id).join(', ')}` : '';
    entries.push({ at: d.decided_at, kind: 'DECISION', summary: `${OUTCOME[d.outcome]} by ${policy} (${d.trigger.toLowerCase()}, ${d.basis})${rules}${needs}`, actor: 'Gatehouse', order: order++ });
  }
  for (const v of parts.votes) {
    entries.push({ at: v.created_at, kind: 'VOTE', summary: `${v.vote === 'APPROVE' ? 'approved' : 'rejected'} as ${v.groups.join(', ')}${v.comment ? `: ${v.comment}` : ''}`, actor: v.voter_name, order: order++ });
    if (v.dismissed_at) entries.push({ at: v.dismissed_at, kind: 'DISMISSAL', summary: `vote of ${v.voter_name} dismissed: ${v.dismiss_reason}`, actor: 'Gatehouse', order: order++ });
  }
  for (const d of parts.deployments) {
    entries.push({ at: d.reported_at, kind: 'DEPLOYMENT', summary: `deployment ${d.status.toLowerCase()}${d.url ? ` (${d.url})` : ''}`, actor: d.reported_by_name, order: order++ });
  }
  if (parts.review) {
    entries.push({ at: parts.review.opened_at, kind: 'REVIEW', summary: `after-the-fact review opened for ${parts.review.groups.join(', ')}, due ${parts.review.due_at.toISOString()}`, actor: 'Gatehouse', order: order++ });
    if (parts.review.completed_at) {
      entries.push({ at: parts.review.completed_at, kind: 'REVIEW', summary: `review completed: ${parts.review.comment}`, actor: parts.review.completed_by_name ?? '', order });
    }
  }
  // One transaction stamps everything it writes with one time: order ties as they happen.
  const rank = (e: TimelineEntry) => (e.kind === 'STATE' && !e.summary.includes('→') ? 0 : RANK[e.kind] ?? 9);
  return entries
    .sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b) || a.order - b.order)
    .map(({ order: _order, ...entry }) => entry);
}
