import { registerEnumType } from '@nestjs/graphql';

/** PromotionState is where a promotion is in its lifecycle (see LEGAL_TRANSITIONS). */
export enum PromotionState {
  REQUESTED = 'REQUESTED',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  DENIED = 'DENIED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
  DEPLOYING = 'DEPLOYING',
  DEPLOYED = 'DEPLOYED',
  FAILED = 'FAILED',
  ROLLED_BACK = 'ROLLED_BACK',
}

/** DecisionOutcome is what the policy said: deploy by itself, wait for people, or never. */
export enum DecisionOutcome {
  ALLOW = 'ALLOW',
  REQUIRE_APPROVAL = 'REQUIRE_APPROVAL',
  DENY = 'DENY',
}

/** Vote is one person's answer to a pending promotion. */
export enum Vote {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
}

/** DeploymentStatus is what the deployer reports. */
export enum DeploymentStatus {
  STARTED = 'STARTED',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  ROLLED_BACK = 'ROLLED_BACK',
}

/** DecisionTrigger says why a decision was made. */
export enum DecisionTrigger {
  REQUEST = 'REQUEST',
  EVIDENCE = 'EVIDENCE',
  POLICY_ACTIVATION = 'POLICY_ACTIVATION',
  EMERGENCY = 'EMERGENCY',
}

/** States in which a promotion is still open: at most one open promotion per change and environment. */
export const OPEN_STATES: readonly PromotionState[] = [PromotionState.REQUESTED, PromotionState.PENDING_APPROVAL, PromotionState.APPROVED, PromotionState.DEPLOYING];

/**
 * Every legal transition. A decision moves REQUESTED on at once; a re-decision may move a
 * pending promotion to APPROVED or DENIED; deployments move an approved one on.
 */
export const LEGAL_TRANSITIONS: Readonly<Record<PromotionState, readonly PromotionState[]>> = {
  [PromotionState.REQUESTED]: [PromotionState.PENDING_APPROVAL, PromotionState.APPROVED, PromotionState.DENIED],
  [PromotionState.PENDING_APPROVAL]: [PromotionState.APPROVED, PromotionState.DENIED, PromotionState.REJECTED, PromotionState.EXPIRED, PromotionState.CANCELLED],
  [PromotionState.APPROVED]: [PromotionState.DEPLOYING, PromotionState.DEPLOYED, PromotionState.FAILED, PromotionState.CANCELLED],
  [PromotionState.DEPLOYING]: [PromotionState.DEPLOYED, PromotionState.FAILED, PromotionState.ROLLED_BACK],
  [PromotionState.DEPLOYED]: [PromotionState.ROLLED_BACK],
  [PromotionState.FAILED]: [PromotionState.ROLLED_BACK],
  [PromotionState.DENIED]: [],
  [PromotionState.REJECTED]: [],
  [PromotionState.EXPIRED]: [],
  [PromotionState.CANCELLED]: [],
  [PromotionState.ROLLED_BACK]: [],
};

export function isLegalTransition(from: PromotionState | null, to: PromotionState): boolean {
  if (from === null) return to === PromotionState.REQUESTED;
  return LEGAL_TRANSITIONS[from].includes(to);
}

/** Where a deployment report moves a promotion, by its current state; absent means illegal. */
export const DEPLOYMENT_MOVES: Readonly<Record<DeploymentStatus, Partial<Record<PromotionState, PromotionState>>>> = {
  [DeploymentStatus.STARTED]: { [PromotionState.APPROVED]: PromotionState.DEPLOYING },
  [DeploymentStatus.SUCCEEDED]: { [PromotionState.APPROVED]: PromotionState.DEPLOYED, [PromotionState.DEPLOYING]: PromotionState.DEPLOYED },
  [DeploymentStatus.FAILED]: { [PromotionState.APPROVED]: PromotionState.FAILED, [PromotionState.DEPLOYING]: PromotionState.FAILED },
  [DeploymentStatus.ROLLED_BACK]: {
    [PromotionState.DEPLOYING]: PromotionState.ROLLED_BACK,
    [PromotionState.DEPLOYED]: PromotionState.ROLLED_BACK,
    [PromotionState.FAILED]: PromotionState.ROLLED_BACK,
  },
};

registerEnumType(PromotionState, {
  name: 'PromotionState',
  description: 'Lifecycle of a promotion: REQUESTED, then PENDING_APPROVAL, APPROVED or DENIED; then REJECTED, EXPIRED, CANCELLED or DEPLOYING, DEPLOYED, FAILED, ROLLED_BACK.',
});
registerEnumType(DecisionOutcome, { name: 'DecisionOutcome', description: 'ALLOW deploys by itself, REQUIRE_APPROVAL waits for people, DENY stops the promotion.' });
registerEnumType(Vote, { name: 'Vote' });
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus', description: 'What the deployer reports, in order: STARTED (optional), then SUCCEEDED or FAILED, then perhaps ROLLED_BACK.' });
registerEnumType(DecisionTrigger, { name: 'DecisionTrigger', description: 'Why a decision was made: the request, new evidence, a new policy activation, or a break-glass promotion.' });
