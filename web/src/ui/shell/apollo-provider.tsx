'use client';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { SetContextLink } from '@apollo/client/link/context';
import { csrfToken, ensureCsrfToken } from '../auth/graphql-client';

function makeClient(): ApolloClient {
  // Mutations made with the session cookie carry the session's CSRF token (handed out at
  // sign-in, or fetched once for a session made by single sign-on).
  const csrf = new SetContextLink(async (prevContext, operation) => {
    const isMutation = operation.query.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'mutation');
    const token = isMutation ? await ensureCsrfToken() : csrfToken();
    const headers = (prevContext.headers ?? {}) as Record<string, string>;
    return token ? { headers: { ...headers, 'x-csrf-token': token } } : {};
  });
  return new ApolloClient({
    link: ApolloLink.from([csrf, new HttpLink({ uri: '/graphql', credentials: 'same-origin' })]),
    cache: new InMemoryCache(),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}

/** PortalApolloProvider gives client components one Apollo Client that talks to the portal's /graphql. */
export function PortalApolloProvider({ children }: { children: ReactNode }) {
  const [client] = useState(makeClient);
  return <ApolloProvider client={client}>{children}</ApolloProvider>;
}
