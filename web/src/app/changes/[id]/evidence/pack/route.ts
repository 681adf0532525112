import { print } from 'graphql';
import { apiUrl } from '../../../../api-url';
import { ChangeEvidenceQuery } from '../../../../../graphql/evidence/change-evidence';
import { sessionCookieHeader } from '../../../../../graphql/server-query';

// The evidence pack of one change: the change, its evidence, every audit event about it with
// the canonical bytes and chain hashes (each recomputable), the chain head and the public key.
export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const cookie = await sessionCookieHeader();
  if (!cookie) return Response.json({ error: { message: 'Sign in to download evidence.', code: 'UNAUTHENTICATED' } }, { status: 401 });
  const upstream = await fetch(`${apiUrl()}/graphql`, {
    method: 'POST',
    cache: 'no-store',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query: print(ChangeEvidenceQuery), variables: { id } }),
  });
  const body = (await upstream.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    const status = first?.extensions?.code === 'NOT_FOUND' ? 404 : first?.extensions?.code === 'FORBIDDEN' ? 403 : 400;
    return Response.json({ error: { message: first?.message ?? 'No data', ...first?.extensions } }, { status });
  }
  const pack = {
    format: 'gatehouse-evidence-pack/1',
    generatedAt: new Date().toISOString(),
    howToVerify: 'For each sealed event, SHA-256(hex-decoded prevHash || UTF-8 canonical) must equal hash; the chain head and its signed checkpoints are verified with `gatehouse audit verify`.',
    ...body.data,
  };
  return new Response(`${JSON.stringify(pack, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="gatehouse-evidence-${id}.json"`,
      'cache-control': 'no-store',
    },
  });
}
