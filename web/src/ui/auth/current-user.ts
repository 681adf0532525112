import { cookies } from 'next/headers';
import { apiUrl } from '../../app/api-url';

/** The signed-in person as the API knows them, or null (no session, or it ended). */
export interface CurrentUser {
  username: string;
  displayName: string;
  roles: string[];
  groups: string[];
}

/** Asks the API who holds the session cookie of this request (server side). */
export async function currentUser(): Promise<CurrentUser | null> {
  const session = (await cookies()).get('gatehouse_session');
  if (!session) return null;
  try {
    const response = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', cookie: `gatehouse_session=${session.value}` },
      body: JSON.stringify({ query: '{ me { username displayName roles groups } }' }),
    });
    const body = (await response.json()) as { data?: { me: CurrentUser } | null };
    return body.data?.me ?? null;
  } catch {
    return null;
  }
}
