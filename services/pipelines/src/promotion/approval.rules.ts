/**
 * The approval rules the platform enforces whatever a policy says: who may vote on a promotion,
 * and when the votes given meet the decision's requirements. Pure functions: the service feeds
 * them what it read inside the promotion's transaction.
 */

export interface ApprovalRequirementLike {
  group: string;
  count: number;
}

/** Who the promotion is about: the people who may never approve it. */
export interface SeparationOfDuties {
  /** Commit authors of the change, as registered (usernames). */
  authors: readonly string[];
  /** User id of whoever requested the promotion. */
  requesterId: string;
  /** User id of whoever registered the change. */
  registeredBy: string;
}

export interface Voter {
  userId: string;
  username: string;
  groups: readonly string[];
}

/** Why someone may not vote; null reason means they may. */
export type IneligibilityReason = 'AUTHOR' | 'REQUESTER' | 'REGISTRAR' | 'NOT_IN_REQUIRED_GROUP' | 'NOTHING_TO_APPROVE';

export interface Eligibility {
  eligible: boolean;
  reason: IneligibilityReason | null;
  /** The required groups the voter belongs to (what they count for). */
  groups: string[];
  /** A sentence for people, e.g. "you authored a commit of this change". */
  explanation: string;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * Whether `voter` may approve or reject a promotion whose current decision requires
 * `requirements`. Separation of duties comes first: an author, the requester or the
 * registrar never may, even when they are in a required group.
 */
export function eligibilityOf(voter: Voter, requirements: readonly ApprovalRequirementLike[], duties: SeparationOfDuties): Eligibility {
  const required = requirements.map((r) => r.group);
  const groups = required.filter((group) => voter.groups.includes(group));
  if (duties.authors.some((author) => same(author, voter.username) || same(author, voter.userId))) {
    return { eligible: false, reason: 'AUTHOR', groups, explanation: 'you authored a commit of this change' };
  }
  if (duties.requesterId === voter.userId) {
    return { eligible: false, reason: 'REQUESTER', groups, explanation: 'you requested this promotion' };
  }
  if (duties.registeredBy === voter.userId) {
    return { eligible: false, reason: 'REGISTRAR', groups, explanation: 'you registered this change' };
  }
  if (required.length === 0) {
    return { eligible: false, reason: 'NOTHING_TO_APPROVE', groups, explanation: 'the decision requires no approvals' };
  }
  if (groups.length === 0) {
    return {
      eligible: false,
      reason: 'NOT_IN_REQUIRED_GROUP',
      groups,
      explanation: `you are not a member of ${required.length === 1 ? 'the required group' : 'any required group'} (${required.join(', ')})`,
    };
  }
  return { eligible: true, reason: null, groups, explanation: `you are a member of ${groups.join(', ')}` };
}

export interface GroupProgress {
  group: string;
  required: number;
  /** Approvers counted toward this group. */
  approvers: string[];
}

export interface Tally {
  satisfied: boolean;
  progress: GroupProgress[];
}

/**
 * Counts approvals against requirements. Each person counts once, for one group: when a
 * person belongs to several required groups, the assignment that satisfies the most
 * requirements is chosen (a maximum bipartite matching of people to group seats), so "two
 * payments leads and one CAB member" always needs three different people.
 */
export function tallyApprovals(requirements: readonly ApprovalRequirementLike[], approvals: readonly { voter: string; groups: readonly string[] }[]): Tally {
  const seats: string[] = requirements.flatMap((r) => Array.from({ length: r.count }, () => r.group));
  const seatHolder: (number | null)[] = seats.map(() => null);
  const voters = dedupe(approvals);

  const assign = (voter: number, visited: boolean[]): boolean => {
    // A free seat first, so that people keep the seats they took in the order they voted.
    const free = seats.findIndex((group, seat) => seatHolder[seat] === null && voters[voter]!.groups.includes(group));
    if (free >= 0) {
      seatHolder[free] = voter;
      return true;
    }
    for (let seat = 0; seat < seats.length; seat++) {
      if (visited[seat] || !voters[voter]!.groups.includes(seats[seat]!)) continue;
      visited[seat] = true;
      const holder = seatHolder[seat]!;
      if (holder === null || assign(holder, visited)) {
        seatHolder[seat] = voter;
        return true;
      }
    }
    return false;
  };
  for (let voter = 0; voter < voters.length; voter++) assign(voter, seats.map(() => false));

  const progress = requirements.map((r) => ({
    group: r.group,
    required: r.count,
    approvers: seats
      .flatMap((group, seat) => (group === r.group && seatHolder[seat] !== null ? [seatHolder[seat]!] : []))
      .sort((a, b) => a - b)
      .map((voter) => voters[voter]!.voter),
  }));
  return { satisfied: progress.every((p) => p.approvers.length >= p.required), progress };
}

function dedupe(approvals: readonly { voter: string; groups: readonly string[] }[]): { voter: string; groups: readonly string[] }[] {
  const byVoter = new Map<string, { voter: string; groups: readonly string[] }>();
  for (const approval of approvals) byVoter.set(approval.voter, approval);
  return [...byVoter.values()];
}

/** Merges requirements naming the same group (counts add up, as policy rules do). */
export function mergeRequirements(requirements: readonly ApprovalRequirementLike[]): ApprovalRequirementLike[] {
  const byGroup = new Map<string, number>();
  for (const r of requirements) byGroup.set(r.group, (byGroup.get(r.group) ?? 0) + r.count);
  return [...byGroup].map(([group, count]) => ({ group, count }));
}
