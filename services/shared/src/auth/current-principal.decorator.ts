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
