import type { ChangePolicyInput } from '../change/change.policy-input';
import type { WindowPolicyInput } from '../change-window/change-window.state';
import type { HistoryRow, TargetRow } from './promotion.repository';

/** The requester as the policy input describes them. */
export interface RequesterInput {
  id: string;
  kind: 'human' | 'service';
  groups: string[];
  isAuthor: boolean;
}

/** The whole input document a policy decides a promotion on (`policies/input.schema.json`). */
export interface PromotionInputDocument extends ChangePolicyInput {
  application: { name: string; team: string; tier: string; tags: string[] };
  source: { environment: string | null; succeeded: boolean; deployedAt: string | null };
  target: { environment: string; regulated: boolean; tier: string; timezone: string };
  window: WindowPolicyInput;
  requester: RequesterInput;
  history: { deploymentsToday: number; failedDeploymentsLast7Days: number; lastDeploymentFailed: boolean; rollbacksLast30Days: number };
}

/**
 * Assembles the input document from what the promotion read inside its transaction. Pure, so
 * the mapping is tested on its own and the document is exactly what is stored and hashed.
 */
export function promotionInputDocument(parts: {
  change: ChangePolicyInput;
  target: TargetRow;
  sourceDeployedAt: Date | null;
  window: WindowPolicyInput;
  requester: RequesterInput;
  history: Pick<HistoryRow, 'deployments_today' | 'failed_last_7_days' | 'last_failed' | 'rollbacks_last_30_days'>;
}): PromotionInputDocument {
  const { target } = parts;
  return {
    change: parts.change.change,
    evidence: parts.change.evidence,
    application: { name: target.application, team: target.team, tier: target.application_tier.toLowerCase(), tags: [...target.tags] },
    source: {
      environment: target.source_environment,
      succeeded: parts.sourceDeployedAt !== null,
      deployedAt: parts.sourceDeployedAt ? parts.sourceDeployedAt.toISOString() : null,
    },
    target: { environment: target.environment!, regulated: target.regulated!, tier: target.tier!.toLowerCase(), timezone: target.timezone! },
    window: parts.window,
    requester: parts.requester,
    history: {
      deploymentsToday: parts.history.deployments_today,
      failedDeploymentsLast7Days: parts.history.failed_last_7_days,
      lastDeploymentFailed: parts.history.last_failed,
      rollbacksLast30Days: parts.history.rollbacks_last_30_days,
    },
  };
}
