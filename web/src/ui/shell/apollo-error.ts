import { CombinedGraphQLErrors } from '@apollo/client';
import type { ApiProblem } from './api-problem';

/** The problem behind an Apollo Client error: the API's first GraphQL error, else the transport failure. */
export function problemOf(error: unknown): ApiProblem {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as { code?: string; reason?: string; requestId?: string };
    return { message: first?.message ?? error.message, code: extensions.code, reason: extensions.reason, requestId: extensions.requestId };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
