import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainException, httpStatusOf } from '@gatehouse/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HttpDomainExceptionFilter answers a refused plain-HTTP route (health, metrics, exports,
 * single sign-on) with the status of its code and the same fields a GraphQL error carries.
 * GraphQL calls pass through untouched: their errors are shaped by the GraphQL formatter.
 */
@Catch(DomainException)
export class HttpDomainExceptionFilter implements ExceptionFilter {
  catch(exception: DomainException, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(httpStatusOf(exception.code)).send({
      error: { message: exception.message, code: exception.code, reason: exception.reason, ...exception.details, requestId: request.id },
    });
    return undefined;
  }
}
