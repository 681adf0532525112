import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal';

/** The request object of a GraphQL or HTTP call, wherever Nest runs it. */
export function requestOf(context: ExecutionContext): RequestWithPrincipal {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ request: RequestWithPrincipal }>().request;
  }
  return context.switchToHttp().getRequest<RequestWithPrincipal>();
}

/** RequestWithPrincipal is a Fastify request once the access guard has authenticated it. */
export interface RequestWithPrincipal {
  id: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string | undefined>;
  principal?: Principal | null;
}

/** Injects the authenticated caller; the access guard has run, so it is set for non-public operations. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | null => {
  return requestOf(context).principal ?? null;
});

/** Injects the request id, for audit events and error reports. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext): string => requestOf(context).id);

/**
 * ReplyRef holds the HTTP reply of a call. It is wrapped on purpose: a Fastify reply is a
 * thenable (it resolves when the response is sent), and Nest awaits parameter values, so a
 * bare reply as a parameter would wait for its own response forever.
 */
export interface ReplyRef<Reply = unknown> {
  reply: Reply;
}

/** Injects the raw HTTP request (a custom decorator: the global ValidationPipe leaves it alone). */
export const HttpRequest = createParamDecorator((_: unknown, context: ExecutionContext): unknown => requestOf(context));

/** Injects the HTTP reply, wrapped in a ReplyRef (see there why). */
export const HttpReply = createParamDecorator(
  (_: unknown, context: ExecutionContext): ReplyRef => ({
    reply:
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ reply: unknown }>().reply
        : context.switchToHttp().getResponse(),
  }),
);
