import { Module } from '@nestjs/common';
import { PolicySync } from './gitops/policy-sync';
import { PolicyRepository } from './policy-store/policy.repository';
import { PolicyResolver } from './policy-store/policy.resolver';
import { PolicyService } from './policy-store/policy.service';
import { SimulationResolver } from './simulation/simulation.resolver';
import { SimulationService } from './simulation/simulation.service';

/** PolicyModule wires the policy store, its GraphQL API, backtests and the GitOps load on start. */
@Module({
  providers: [PolicyRepository, PolicyService, PolicyResolver, SimulationService, SimulationResolver, PolicySync],
  exports: [PolicyService, PolicySync],
})
export class PolicyModule {}
