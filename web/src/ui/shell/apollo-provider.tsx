'use client';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { csrfToken } from '../auth/graphql-client';

function makeClient(): ApolloClient {
  // Mutations made with the session cookie carry the CSRF token handed out at sign-in.
  const csrf = new ApolloLink((operation, forward) => {
    const token = csrfToken();
    if (token) operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({ headers: { ...headers, 'x-csrf-token': token } }));
    return forward(operation);
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
