import { apiUrl } from '../../../api-url';
import { sessionCookieHeader } from '../../../../graphql/server-query';

// The API's complete, verifiable export (every event, the checkpoints and the public key, as
// JSONL that `gatehouse audit verify-export` checks offline), streamed through the portal.
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const cookie = await sessionCookieHeader();
  if (!cookie) return Response.json({ error: { message: 'Sign in to export the audit trail.', code: 'UNAUTHENTICATED' } }, { status: 401 });
  let upstream: Response;
  try {
    upstream = await fetch(`${apiUrl()}/audit/export?format=jsonl`, { headers: { cookie }, cache: 'no-store' });
  } catch (error) {
    return Response.json({ error: { message: `The API cannot be reached: ${(error as Error).message}`, code: 'UNAVAILABLE' } }, { status: 502 });
  }
  const response = new Response(upstream.body, { status: upstream.status });
  for (const name of ['content-type', 'content-disposition', 'x-request-id']) {
    const value = upstream.headers.get(name);
    if (value) response.headers.set(name, value);
  }
  return response;
}
