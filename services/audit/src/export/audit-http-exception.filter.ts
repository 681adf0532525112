import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainException, ErrorCode } from '@gatehouse/shared';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
};

interface HttpReply {
  status(code: number): HttpReply;
  header(name: string, value: string): HttpReply;
  send(body: unknown): void;
}

/**
 * AuditHttpExceptionFilter answers the export route's refusals (from the access guard or the
 * service) with the HTTP status their code means and the same `{ code, message }` shape as
 * GraphQL errors; anything else goes on to Nest's default handling.
 */
@Catch(DomainException, HttpException)
export class AuditHttpExceptionFilter implements ExceptionFilter {
  catch(exception: DomainException | HttpException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<HttpReply>();
    if (exception instanceof HttpException) {
      reply.status(exception.getStatus()).header('content-type', 'application/json').send({ code: ErrorCode.BAD_REQUEST, message: exception.message });
      return;
    }
    reply
      .status(STATUS[exception.code])
      .header('content-type', 'application/json')
      .send({ code: exception.code, reason: exception.reason, message: exception.message });
  }
}
