import { Injectable } from '@nestjs/common';
import { DeploymentStatus, PromotionService } from '@gatehouse/pipelines';
import type { Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import type { DeploymentReport } from './incoming.action';

/**
 * DeploymentReporter turns a deployer's report (GitHub deployment_status, CDEvents
 * service.*) into a deployment of the newest promotion of that change into that environment,
 * through the promotion service (which checks the move is legal and audits it).
 */
@Injectable()
export class DeploymentReporter {
  constructor(private readonly promotions: PromotionService) {}

  async report(
    change: string,
    deployment: DeploymentReport,
    principal: Principal,
    requestId: string,
    manager: EntityManager,
  ): Promise<{ promotion: string } | { ignored: string }> {
    const promotion = await this.promotions.latestOf(change, deployment.environment, manager);
    if (!promotion) return { ignored: `change ${change} has no promotion into ${deployment.environment} to report a deployment of` };
    await this.promotions.reportDeployment(
      { promotion: promotion.id, status: DeploymentStatus[deployment.status], url: deployment.url, details: { source: principal.username } },
      principal,
      requestId,
      manager,
    );
    return { promotion: promotion.id };
  }
}
