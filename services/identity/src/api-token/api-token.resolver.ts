import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequestId, SelfAccess, TokenScope, type Principal } from '@gatehouse/shared';
import { ApiToken, CreatedApiToken } from './api-token.model';
import { ApiTokenService } from './api-token.service';
import { CreateApiTokenInput, RevokeApiTokenInput } from './dto/api-token.inputs';

/** ApiTokenResolver issues and revokes API tokens: admins for anyone, everyone for themselves. */
@Resolver(() => ApiToken)
export class ApiTokenResolver {
  constructor(private readonly service: ApiTokenService) {}

  @Query(() => [ApiToken], { description: 'Tokens of a user (default: yours; admins: everyone).' })
  @SelfAccess(TokenScope.READ)
  apiTokens(@CurrentPrincipal() principal: Principal, @Args('user', { nullable: true }) user?: string): Promise<ApiToken[]> {
    return this.service.list(user, principal);
  }

  @Mutation(() => CreatedApiToken, { description: 'Creates a token; its secret is in the answer and never again.' })
  @SelfAccess(TokenScope.WRITE)
  createApiToken(@Args('input') input: CreateApiTokenInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<CreatedApiToken> {
    return this.service.create(input, principal, requestId);
  }

  @Mutation(() => ApiToken)
  @SelfAccess(TokenScope.WRITE)
  revokeApiToken(@Args('input') input: RevokeApiTokenInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ApiToken> {
    return this.service.revoke(input, principal, requestId);
  }
}
