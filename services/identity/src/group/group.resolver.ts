import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAccess, ALL_ROLES, CurrentPrincipal, ReadAccess, RequestId, type Principal } from '@gatehouse/shared';
import { CreateGroupInput, GroupMemberInput } from './dto/group.inputs';
import { Group, GroupConnection } from './group.model';
import { GroupService } from './group.service';

/** GroupResolver exposes groups of approvers and their members. */
@Resolver(() => Group)
export class GroupResolver {
  constructor(private readonly service: GroupService) {}

  @Query(() => GroupConnection)
  @ReadAccess(...ALL_ROLES)
  groups(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<GroupConnection> {
    return this.service.list(first, after);
  }

  @Query(() => Group)
  @ReadAccess(...ALL_ROLES)
  group(@Args('name') name: string): Promise<Group> {
    return this.service.get(name);
  }

  @Mutation(() => Group)
  @AdminAccess()
  createGroup(@Args('input') input: CreateGroupInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Group> {
    return this.service.create(input, principal, requestId);
  }

  @Mutation(() => Group)
  @AdminAccess()
  addGroupMember(@Args('input') input: GroupMemberInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Group> {
    return this.service.addMember(input, principal, requestId);
  }

  @Mutation(() => Group)
  @AdminAccess()
  removeGroupMember(@Args('input') input: GroupMemberInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Group> {
    return this.service.removeMember(input, principal, requestId);
  }
}
