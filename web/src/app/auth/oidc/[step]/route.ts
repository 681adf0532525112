import { apiUrl } from '../../../api-url';

// Single sign-on runs through the portal's origin: /auth/oidc/login and /auth/oidc/callback are
// forwarded to the API with their cookies; its redirects and cookies come back unchanged.
export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ step: string }> }): Promise<Response> {
  const { step } = await params;
  if (step !== 'login' && step !== 'callback') return new Response('Not found', { status: 404 });
  const url = new URL(request.url);
  const headers = new Headers();
  for (const name of ['cookie', 'user-agent', 'x-request-id']) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const upstream = await fetch(`${apiUrl()}/auth/oidc/${step}${url.search}`, { headers, redirect: 'manual', cache: 'no-store' });
  const response = new Response(upstream.body, { status: upstream.status });
  for (const name of ['content-type', 'location', 'x-request-id']) {
    const value = upstream.headers.get(name);
    if (value) response.headers.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) response.headers.append('set-cookie', cookie);
  return response;
}
