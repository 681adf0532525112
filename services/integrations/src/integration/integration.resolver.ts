import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAccess, CurrentPrincipal, RequestId, type Principal } from '@gatehouse/shared';
import { CreateIntegrationInput, DisableIntegrationInput } from './integration.inputs';
import { CreatedIntegration, Integration } from './integration.model';
import { IntegrationService } from './integration.service';

/** IntegrationResolver lets admins manage the systems that send events in (CDEvents, GitHub). */
@Resolver(() => Integration)
export class IntegrationResolver {
  constructor(private readonly service: IntegrationService) {}

  @AdminAccess()
  @Query(() => [Integration], { description: 'Every integration, by name.' })
  integrations(): Promise<Integration[]> {
    return this.service.list();
  }

  @AdminAccess()
  @Mutation(() => CreatedIntegration, { description: 'Registers a sender of events for one application; its credential is shown once.' })
  createIntegration(
    @Args('input') input: CreateIntegrationInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<CreatedIntegration> {
    return this.service.create(input, principal, requestId);
  }

  @AdminAccess()
  @Mutation(() => Integration, { description: 'Stops an integration: its requests are refused from now on.' })
  disableIntegration(
    @Args('input') input: DisableIntegrationInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Integration> {
    return this.service.disable(input, principal, requestId);
  }
}
