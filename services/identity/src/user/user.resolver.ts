import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAccess, ALL_ROLES, CurrentPrincipal, ReadAccess, RequestId, SelfAccess, TokenScope, type Principal } from '@gatehouse/shared';
import { CreateUserInput, RoleChangeInput } from './dto/user.inputs';
import { User, UserConnection } from './user.model';
import { UserService } from './user.service';

/** UserResolver exposes people and their roles. */
@Resolver(() => User)
export class UserResolver {
  constructor(private readonly service: UserService) {}

  @Query(() => User, { description: 'The caller.' })
  @SelfAccess(TokenScope.READ)
  me(@CurrentPrincipal() principal: Principal): Promise<User> {
    return this.service.me(principal);
  }

  @Query(() => UserConnection, { description: 'Every user, by username.' })
  @ReadAccess(...ALL_ROLES)
  users(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<UserConnection> {
    return this.service.list(first, after);
  }

  @Query(() => User, { description: 'One user by username.' })
  @ReadAccess(...ALL_ROLES)
  user(@Args('username') username: string): Promise<User> {
    return this.service.get(username);
  }

  @Mutation(() => User)
  @AdminAccess()
  createUser(@Args('input') input: CreateUserInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<User> {
    return this.service.create(input, principal, requestId);
  }

  @Mutation(() => User)
  @AdminAccess()
  grantRole(@Args('input') input: RoleChangeInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<User> {
    return this.service.grantRole(input, principal, requestId);
  }

  @Mutation(() => User)
  @AdminAccess()
  revokeRole(@Args('input') input: RoleChangeInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<User> {
    return this.service.revokeRole(input, principal, requestId);
  }
}
