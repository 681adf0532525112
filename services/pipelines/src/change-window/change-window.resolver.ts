import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ALL_ROLES, CurrentPrincipal, ReadAccess, RequestId, Role, WriteAccess, type Principal } from '@gatehouse/shared';
import { ChangeWindow, ChangeWindowStatus } from './change-window.model';
import { ChangeWindowService } from './change-window.service';
import { CreateChangeWindowInput } from './dto/create-change-window.input';
import { DeleteChangeWindowInput } from './dto/delete-change-window.input';

/**
 * ChangeWindowResolver exposes environments' freezes and allowed hours. Managing them is for
 * admins and policy authors (the platform team), with a WRITE-scoped token, so a calendar can
 * be kept as code and pushed from CI like policies.
 */
@Resolver(() => ChangeWindow)
export class ChangeWindowResolver {
  constructor(private readonly service: ChangeWindowService) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => [ChangeWindow], { description: 'The windows in force of one environment, by name (at most 100).' })
  changeWindows(@Args('application') application: string, @Args('environment') environment: string): Promise<ChangeWindow[]> {
    return this.service.list(application, environment);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => ChangeWindowStatus, { description: 'Whether an environment is frozen at a time (default now), as policies will see it.' })
  changeWindowStatus(
    @Args('application') application: string,
    @Args('environment') environment: string,
    @Args('at', { type: () => Date, nullable: true }) at?: Date | null,
  ): Promise<ChangeWindowStatus> {
    return this.service.stateAt(application, environment, at ?? new Date());
  }

  @WriteAccess(Role.ADMIN, Role.POLICY_AUTHOR)
  @Mutation(() => ChangeWindow, { description: 'Adds a freeze or allowed hours to an environment.' })
  createChangeWindow(
    @Args('input') input: CreateChangeWindowInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<ChangeWindow> {
    return this.service.create(input, principal, requestId);
  }

  @WriteAccess(Role.ADMIN, Role.POLICY_AUTHOR)
  @Mutation(() => ChangeWindow, { description: 'Takes a window out of force (it stays in the audit trail).' })
  deleteChangeWindow(
    @Args('input') input: DeleteChangeWindowInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<ChangeWindow> {
    return this.service.delete(input, principal, requestId);
  }
}
