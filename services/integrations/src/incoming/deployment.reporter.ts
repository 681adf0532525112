import { Injectable } from '@nestjs/common';
import type { Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import type { DeploymentReport } from './incoming.action';

/**
 * DeploymentReporter turns a deployer's report (GitHub deployment_status, CDEvents
 * service.*) into a deployment of the promotion of that change into that environment.
 */
@Injectable()
export class DeploymentReporter {
  async report(
    _application: string,
    _change: string,
    deployment: DeploymentReport,
    _principal: Principal,
    _requestId: string,
    _manager: EntityManager,
  ): Promise<{ promotion: string } | { ignored: string }> {
    return { ignored: `deployments are recorded once promotions exist (reported ${deployment.status} in ${deployment.environment})` };
  }
}
