import { Args, Query, Resolver } from '@nestjs/graphql';
import { ALL_ROLES, ReadAccess } from '@gatehouse/shared';
import { SimulatePolicyInput } from '../policy-store/dto/policy.inputs';
import { PolicySimulation } from './simulation.model';
import { SimulationService } from './simulation.service';

/** SimulationResolver exposes backtests; they read history and change nothing, so every role may run them. */
@Resolver(() => PolicySimulation)
export class SimulationResolver {
  constructor(private readonly service: SimulationService) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => PolicySimulation, {
    description: 'Replays a candidate (a published version or an unpublished document) over the stored inputs of the policy\'s past decisions and reports what would change.',
  })
  simulatePolicy(@Args('input') input: SimulatePolicyInput): Promise<PolicySimulation> {
    return this.service.simulate(input);
  }
}
