import { Controller, Get, Query, Redirect, UseFilters } from '@nestjs/common';
import { HttpReply, HttpRequest, PublicAccess, RequestId, type ReplyRef } from '@gatehouse/shared';
import type {} from '@fastify/cookie'; // adds cookies/setCookie to Fastify's types
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setSessionCookie } from '../session/session.cookie';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_COOKIE_OPTIONS, OIDC_FLOW_SECONDS } from './oidc-flow.cookie';
import { OidcHttpExceptionFilter } from './oidc-http-exception.filter';
import { OidcLoginService } from './oidc-login.service';

/**
 * OidcController is single sign-on for the portal: `GET /auth/oidc/login?returnTo=/path` sends
 * the browser to the identity provider; `GET /auth/oidc/callback` is where it comes back, gets
 * a session cookie and goes on to `returnTo`. Both are public: they are how one signs in.
 */
@Controller('auth/oidc')
@UseFilters(OidcHttpExceptionFilter)
export class OidcController {
  constructor(private readonly service: OidcLoginService) {}

  @Get('login')
  @PublicAccess()
  @Redirect()
  async login(@Query('returnTo') returnTo: unknown, @HttpReply() { reply }: ReplyRef<FastifyReply>): Promise<{ url: string; statusCode: number }> {
    const started = await this.service.start(returnTo);
    reply.setCookie(OIDC_FLOW_COOKIE, started.flowCookie, { ...OIDC_FLOW_COOKIE_OPTIONS, maxAge: OIDC_FLOW_SECONDS });
    reply.header('cache-control', 'no-store');
    return { url: started.redirectTo, statusCode: 302 };
  }

  @Get('callback')
  @PublicAccess()
  @Redirect()
  async callback(
    @HttpRequest() request: FastifyRequest,
    @HttpReply() { reply }: ReplyRef<FastifyReply>,
    @RequestId() requestId: string,
  ): Promise<{ url: string; statusCode: number }> {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const userAgent = request.headers['user-agent']?.slice(0, 300) ?? null;
    const signIn = await this.service.finish(query, request.cookies[OIDC_FLOW_COOKIE], { ip: request.ip, userAgent, requestId });
    reply.clearCookie(OIDC_FLOW_COOKIE, OIDC_FLOW_COOKIE_OPTIONS);
    setSessionCookie(reply, signIn.session);
    reply.header('cache-control', 'no-store');
    return { url: signIn.redirectTo, statusCode: 302 };
  }
}
