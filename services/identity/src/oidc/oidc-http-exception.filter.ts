import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_COOKIE_OPTIONS } from './oidc-flow.cookie';
import { OIDC_STATUS, OidcException } from './oidc.exception';

/**
 * OidcHttpExceptionFilter answers a refused sign-in with its HTTP status and a JSON body in the
 * shape of GraphQL errors (`code`, `reason`, `message`, `requestId`), and drops the flow
 * cookie: a refused flow is never retried. Other errors go on to Nest's default handling.
 */
@Catch(OidcException)
export class OidcHttpExceptionFilter implements ExceptionFilter {
  catch(exception: OidcException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    reply
      .clearCookie(OIDC_FLOW_COOKIE, OIDC_FLOW_COOKIE_OPTIONS)
      .status(OIDC_STATUS[exception.reason])
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send({ code: exception.code, reason: exception.reason, message: exception.message, requestId: request.id });
  }
}
