import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, HttpReply, HttpRequest, PublicAccess, type ReplyRef, RequestId, SelfAccess, TokenScope, type Principal } from '@gatehouse/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginInput } from '../user/dto/user.inputs';
import { clearSessionCookie, setSessionCookie } from './session.cookie';
import { SignedIn } from './session.model';
import { SessionService } from './session.service';

/** SessionResolver signs people in to the portal and out again. */
@Resolver()
export class SessionResolver {
  constructor(private readonly service: SessionService) {}

  @Mutation(() => SignedIn, { description: 'Signs in with a local password; sets an HTTP-only session cookie.' })
  @PublicAccess()
  async login(
    @Args('input') input: LoginInput,
    @HttpRequest() request: FastifyRequest,
    @HttpReply() { reply }: ReplyRef<FastifyReply>,
    @RequestId() requestId: string,
  ): Promise<SignedIn> {
    const userAgent = request.headers['user-agent']?.slice(0, 300) ?? null;
    const session = await this.service.login(input, { ip: request.ip, userAgent, requestId });
    setSessionCookie(reply, session);
    return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  @Query(() => String, {
    nullable: true,
    description:
      "The CSRF token of the caller's portal session, to send as X-CSRF-Token with mutations (a session made by single sign-on gets it here); null for an API token.",
  })
  @SelfAccess(TokenScope.READ)
  sessionCsrfToken(@HttpRequest() request: FastifyRequest): string | null {
    return (request as FastifyRequest & { csrfToken?: string }).csrfToken ?? null;
  }

  @Mutation(() => Boolean, { description: 'Ends the portal session of the caller (true), or does nothing for an API token (false).' })
  @SelfAccess(TokenScope.WRITE)
  async logout(@CurrentPrincipal() principal: Principal, @HttpReply() { reply }: ReplyRef<FastifyReply>, @RequestId() requestId: string): Promise<boolean> {
    const ended = await this.service.logout(principal, requestId);
    if (ended) clearSessionCookie(reply);
    return ended;
  }
}
