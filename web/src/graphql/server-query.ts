import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { apiUrl } from '../app/api-url';
import type { ApiProblem } from '../ui/shell/api-problem';

/** QueryResult is what a server component gets: the data, or the problem to show with its request id. */
export type QueryResult<T> = { data: T; error: null } | { data: null; error: ApiProblem };

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; requestId?: string } }[];
}

/** The session cookie of the request being rendered, as a Cookie header (empty when signed out). */
export async function sessionCookieHeader(): Promise<string> {
  const session = (await cookies()).get('gatehouse_session');
  return session ? `gatehouse_session=${session.value}` : '';
}

/**
 * Runs one typed query against the API as the person whose session cookie came with the
 * request. Without a session (or once it ended) it sends them to sign in and back here.
 */
export async function serverQuery<T, V extends Record<string, unknown>>(
  document: TypedDocumentNode<T, V>,
  variables: V,
  returnTo = '/',
): Promise<QueryResult<T>> {
  const cookie = await sessionCookieHeader();
  if (!cookie) redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  const requestId = randomUUID();
  let body: GraphQLBody<T>;
  let answeredId: string;
  try {
    const response = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', cookie, 'x-request-id': requestId },
      body: JSON.stringify({ query: print(document), variables }),
    });
    answeredId = response.headers.get('x-request-id') ?? requestId;
    body = (await response.json()) as GraphQLBody<T>;
  } catch (error) {
    return { data: null, error: { message: `The API at ${apiUrl()} cannot be reached: ${(error as Error).message}`, code: 'UNAVAILABLE', requestId } };
  }
  const first = body.errors?.[0];
  if (first) {
    if (first.extensions?.code === 'UNAUTHENTICATED') redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
    return {
      data: null,
      error: { message: first.message, code: first.extensions?.code, reason: first.extensions?.reason, requestId: first.extensions?.requestId ?? answeredId },
    };
  }
  if (!body.data) return { data: null, error: { message: 'The API answered without data.', requestId: answeredId } };
  return { data: body.data, error: null };
}
