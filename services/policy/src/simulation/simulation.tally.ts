import type { ApprovalRequirement, Decision } from '../decision/decision.model';
import type { Effect } from '../policy-document/policy-document.model';

/** StoredDecision is one past decision as a backtest replays it: where, what it decided, on which input. */
export interface StoredDecision {
  id: string;
  application: string;
  environment: string;
  outcome: Effect;
  approvals: readonly ApprovalRequirement[];
  input: unknown;
  /** A Date, or a timestamptz as PostgreSQL prints it (parsed only for the samples). */
  decidedAt: Date | string;
}

/** OutcomeTransition counts decisions that moved from one result to another, e.g. "auto → approval" or "quorum 1 → 2". */
export interface OutcomeTransition {
  label: string;
  fromOutcome: Effect;
  toOutcome: Effect;
  /** Approvals required in total (sum over groups); 0 unless the outcome is require_approval. */
  fromQuorum: number;
  toQuorum: number;
  count: number;
}

/** SimulationGroup is the tally of one application in one environment. */
export interface SimulationGroup {
  application: string;
  environment: string;
  total: number;
  changed: number;
  transitions: OutcomeTransition[];
}

/** ChangedDecision is one replayed decision whose result would change. */
export interface ChangedDecision {
  id: string;
  application: string;
  environment: string;
  decidedAt: Date;
  label: string;
  fromOutcome: Effect;
  toOutcome: Effect;
  fromApprovals: ApprovalRequirement[];
  toApprovals: ApprovalRequirement[];
  matchedRules: string[];
}

/** SimulationSummary is what replaying a candidate over stored decisions would have changed. */
export interface SimulationSummary {
  total: number;
  changed: number;
  unchanged: number;
  /** Replayed decisions where a candidate rule failed to evaluate (the candidate failed closed). */
  failedClosed: number;
  transitions: OutcomeTransition[];
  groups: SimulationGroup[];
  /** The first changed decisions, oldest first (at most `sampleLimit`). */
  samples: ChangedDecision[];
}

const SHORT: Readonly<Record<Effect, string>> = { allow: 'auto', require_approval: 'approval', deny: 'deny' };

/** The identity of an approval requirement, independent of group order. */
export function approvalsKey(approvals: readonly ApprovalRequirement[]): string {
  if (approvals.length === 0) return '';
  if (approvals.length === 1) return `${approvals[0]!.group}×${approvals[0]!.count}`;
  return approvals
    .map((approval) => `${approval.group}×${approval.count}`)
    .sort()
    .join(', ');
}

function quorum(approvals: readonly ApprovalRequirement[]): number {
  let total = 0;
  for (const approval of approvals) total += approval.count;
  return total;
}

/** Names a change of result the way people say it: "auto → approval", "quorum 1 → 2", "approvers a×1 → b×1". */
export function transitionLabel(fromOutcome: Effect, fromApprovals: string, fromQuorum: number, toOutcome: Effect, toApprovals: string, toQuorum: number): string {
  if (fromOutcome !== toOutcome) return `${SHORT[fromOutcome]} → ${SHORT[toOutcome]}`;
  if (fromQuorum !== toQuorum) return `quorum ${fromQuorum} → ${toQuorum}`;
  return `approvers ${fromApprovals} → ${toApprovals}`;
}

interface Bucket {
  total: number;
  changed: number;
  transitions: Map<string, OutcomeTransition>;
}

/**
 * SimulationTally accumulates a backtest: feed it each stored decision with the candidate's
 * decision on the same input, then read `summary()`. A decision changes when its outcome
 * differs, or when both require approval from different groups or counts.
 */
export class SimulationTally {
  private total = 0;
  private changed = 0;
  private failedClosed = 0;
  private readonly overall = new Map<string, OutcomeTransition>();
  private readonly groups = new Map<string, Bucket & { application: string; environment: string }>();
  private readonly samples: ChangedDecision[] = [];
  /** Decisions without a trace are shared frozen objects: their key is computed once. */
  private readonly candidateKeys = new WeakMap<Decision, string>();

  constructor(private readonly sampleLimit = 100) {}

  add(stored: StoredDecision, candidate: Decision): void {
    this.total += 1;
    if (candidate.basis === 'fail-closed') this.failedClosed += 1;
    const group = this.groupOf(stored.application, stored.environment);
    group.total += 1;
    let candidateKey = this.candidateKeys.get(candidate);
    if (candidateKey === undefined) {
      candidateKey = approvalsKey(candidate.approvals);
      if (Object.isFrozen(candidate)) this.candidateKeys.set(candidate, candidateKey);
    }
    const storedKey = stored.outcome === 'require_approval' ? approvalsKey(stored.approvals) : '';
    const toKey = candidate.outcome === 'require_approval' ? candidateKey : '';
    if (stored.outcome === candidate.outcome && storedKey === toKey) return;

    this.changed += 1;
    group.changed += 1;
    const fromQuorum = stored.outcome === 'require_approval' ? quorum(stored.approvals) : 0;
    const toQuorum = candidate.outcome === 'require_approval' ? quorum(candidate.approvals) : 0;
    const label = transitionLabel(stored.outcome, storedKey, fromQuorum, candidate.outcome, toKey, toQuorum);
    const transition = { label, fromOutcome: stored.outcome, toOutcome: candidate.outcome, fromQuorum, toQuorum };
    count(this.overall, transition);
    count(group.transitions, transition);
    if (this.samples.length < this.sampleLimit) {
      this.samples.push({
        id: stored.id,
        application: stored.application,
        environment: stored.environment,
        decidedAt: toDate(stored.decidedAt),
        label,
        fromOutcome: stored.outcome,
        toOutcome: candidate.outcome,
        fromApprovals: stored.approvals.map((approval) => ({ group: approval.group, count: approval.count })),
        toApprovals: candidate.approvals.map((approval) => ({ group: approval.group, count: approval.count })),
        matchedRules: candidate.matchedRules.map((rule) => rule.id),
      });
    }
  }

  summary(): SimulationSummary {
    return {
      total: this.total,
      changed: this.changed,
      unchanged: this.total - this.changed,
      failedClosed: this.failedClosed,
      transitions: sorted(this.overall),
      groups: [...this.groups.values()]
        .sort((a, b) => a.application.localeCompare(b.application) || a.environment.localeCompare(b.environment))
        .map((group) => ({ application: group.application, environment: group.environment, total: group.total, changed: group.changed, transitions: sorted(group.transitions) })),
      samples: [...this.samples],
    };
  }

  private groupOf(application: string, environment: string): Bucket & { application: string; environment: string } {
    const key = `${application}\u0000${environment}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { application, environment, total: 0, changed: 0, transitions: new Map() };
      this.groups.set(key, group);
    }
    return group;
  }
}

function count(into: Map<string, OutcomeTransition>, transition: Omit<OutcomeTransition, 'count'>): void {
  const key = `${transition.fromOutcome}|${transition.toOutcome}|${transition.label}`;
  const existing = into.get(key);
  if (existing) existing.count += 1;
  else into.set(key, { ...transition, count: 1 });
}

/** Most frequent first, then by label, so the same data always reads the same. */
function sorted(transitions: Map<string, OutcomeTransition>): OutcomeTransition[] {
  return [...transitions.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)).map((transition) => ({ ...transition }));
}

/** Parses `2026-08-01 09:30:00.123456+00` (PostgreSQL's timestamptz text) or passes a Date through. */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}
