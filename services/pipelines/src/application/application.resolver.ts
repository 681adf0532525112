import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAccess, ALL_ROLES, CurrentPrincipal, ReadAccess, RequestId, type Principal } from '@gatehouse/shared';
import { Application, ApplicationConnection } from './application.model';
import { ApplicationService } from './application.service';
import { ArchiveApplicationInput } from './dto/archive-application.input';
import { CreateApplicationInput } from './dto/create-application.input';
import { UpdateEnvironmentInput } from './dto/update-environment.input';

/** ApplicationResolver exposes applications and their pipelines. */
@Resolver(() => Application)
export class ApplicationResolver {
  constructor(private readonly service: ApplicationService) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => Application, { description: 'One application by name; NOT_FOUND when there is none.' })
  application(@Args('name') name: string): Promise<Application> {
    return this.service.get(name);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => ApplicationConnection, { description: 'Applications by name, a page at a time.' })
  applications(
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number,
    @Args('after', { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
    @Args('includeArchived', { defaultValue: false }) includeArchived?: boolean,
  ): Promise<ApplicationConnection> {
    return this.service.list(first, after, includeArchived ?? false);
  }

  @AdminAccess()
  @Mutation(() => Application, { description: 'Registers an application with its environments in promotion order.' })
  createApplication(
    @Args('input') input: CreateApplicationInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Application> {
    return this.service.create(input, principal.actor, requestId);
  }

  @AdminAccess()
  @Mutation(() => Application, { description: 'Changes the attributes of one environment of an application.' })
  updateEnvironment(
    @Args('input') input: UpdateEnvironmentInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Application> {
    return this.service.updateEnvironment(input, principal.actor, requestId);
  }

  @AdminAccess()
  @Mutation(() => Application, { description: 'Archives an application: its history stays; it can no longer be changed.' })
  archiveApplication(
    @Args('input') input: ArchiveApplicationInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Application> {
    return this.service.archive(input, principal.actor, requestId);
  }
}
