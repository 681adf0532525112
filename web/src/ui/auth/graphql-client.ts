/** A GraphQL error as the API sends it: a message a person can act on, a code, a request id. */
export interface ApiError {
  message: string;
  extensions?: { code?: string; requestId?: string };
}

const CSRF_KEY = 'gatehouse.csrf';

// Kept in localStorage so that every tab of the portal can make changes, not only the one
// that signed in; it is useless without the HTTP-only session cookie.
export function rememberCsrfToken(token: string | null): void {
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

/** The CSRF token handed out at sign-in, or null (signed in by SSO, or in another browser). */
export function csrfToken(): string | null {
  return typeof localStorage === 'undefined' ? null : localStorage.getItem(CSRF_KEY);
}

/**
 * The CSRF token, fetched from the API once when this browser has none (a session made by
 * single sign-on, or a tab opened after signing in elsewhere): reading it is a query, which
 * needs no token, and only this origin can read the answer.
 */
export async function ensureCsrfToken(): Promise<string | null> {
  const known = csrfToken();
  if (known || typeof window === 'undefined') return known;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ sessionCsrfToken }' }),
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => null)) as { data?: { sessionCsrfToken: string | null } | null } | null;
  const token = body?.data?.sessionCsrfToken ?? null;
  rememberCsrfToken(token);
  return token;
}

/** Posts a GraphQL operation to the portal's /graphql (same origin, session cookie, CSRF header). */
export async function callApi<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T | null; error: ApiError | null }> {
  const csrf = /^\s*mutation\b/.test(query) ? await ensureCsrfToken() : csrfToken();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: JSON.stringify({ query, variables }),
    credentials: 'same-origin',
  });
  const body = (await response.json()) as { data?: T | null; errors?: ApiError[] };
  return { data: body.data ?? null, error: body.errors?.[0] ?? null };
}

/** How the portal shows an API error: its message, and the request id to quote. */
export function describeError(error: ApiError): string {
  return error.extensions?.requestId ? `${error.message} (request id ${error.extensions.requestId})` : error.message;
}
