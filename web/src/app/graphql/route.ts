import { apiUrl } from '../api-url';

// The browser talks to the portal's own origin; this forwards GraphQL to the API with the
// session cookie and CSRF header, and hands back the API's answer and cookies unchanged.
export const dynamic = 'force-dynamic';

const FORWARDED_REQUEST_HEADERS = ['content-type', 'cookie', 'x-csrf-token', 'x-request-id', 'user-agent'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-request-id', 'retry-after'];

export async function POST(request: Request): Promise<Response> {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  let upstream: Response;
  try {
    upstream = await fetch(`${apiUrl()}/graphql`, { method: 'POST', headers, body: await request.text(), cache: 'no-store' });
  } catch (error) {
    return Response.json(
      { data: null, errors: [{ message: `The API at ${apiUrl()} cannot be reached: ${(error as Error).message}`, extensions: { code: 'INTERNAL' } }] },
      { status: 502 },
    );
  }
  const response = new Response(upstream.body, { status: upstream.status });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) response.headers.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) response.headers.append('set-cookie', cookie);
  return response;
}
