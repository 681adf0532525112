import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ALL_ROLES, CurrentPrincipal, HttpRequest, ReadAccess, RequestId, Role, WriteAccess, type Principal } from '@gatehouse/shared';
import { Evidence, EvidenceConnection } from '../evidence/evidence.model';
import { EvidenceService } from '../evidence/evidence.service';
import { AttachEvidenceInput } from '../evidence/dto/attach-evidence.input';
import { Change, ChangeConnection } from './change.model';
import { ChangeService } from './change.service';
import { ChangeFilter } from './dto/change-filter.input';
import { RegisterChangeInput } from './dto/register-change.input';

/** ChangeResolver exposes changes and the evidence attached to them. */
@Resolver(() => Change)
export class ChangeResolver {
  constructor(
    private readonly changeService: ChangeService,
    private readonly evidenceService: EvidenceService,
  ) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => Change, { description: 'One change by id; NOT_FOUND when there is none.' })
  change(@Args('id', { type: () => ID }) id: string): Promise<Change> {
    return this.changeService.get(id);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => ChangeConnection, { description: 'Changes, newest first, a page at a time.' })
  changes(
    @Args('filter', { type: () => ChangeFilter, nullable: true }) filter?: ChangeFilter | null,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page.' }) after?: string | null,
  ): Promise<ChangeConnection> {
    return this.changeService.list(filter, first, after);
  }

  @WriteAccess(Role.DEVELOPER)
  @Mutation(() => Change, {
    description: 'Registers one version of an application; the same content again returns the existing change, other content for the version is a CONFLICT.',
  })
  registerChange(
    @Args('input') input: RegisterChangeInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Change> {
    return this.changeService.register(input, principal, requestId);
  }

  @WriteAccess(Role.DEVELOPER)
  @Mutation(() => Evidence, { description: 'Attaches one immutable piece of evidence to a change; it supersedes older evidence of its kind.' })
  attachEvidence(
    @Args('input') input: AttachEvidenceInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<Evidence> {
    return this.evidenceService.attach(input, principal, requestId);
  }

  @ResolveField(() => [Evidence], { description: 'The newest evidence of each kind (of each name, for checks): what policies read.' })
  currentEvidence(@Parent() change: Change, @HttpRequest() request: object): Promise<Evidence[]> {
    return this.evidenceService.currentBatched(request, change.id);
  }

  @ResolveField(() => EvidenceConnection, { description: 'Every piece of evidence, superseded ones included, newest first.' })
  evidenceHistory(
    @Parent() change: Change,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<EvidenceConnection> {
    return this.evidenceService.history(change.id, first, after);
  }
}
