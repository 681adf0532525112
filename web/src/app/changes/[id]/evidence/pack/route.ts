import { sessionCookieHeader } from '../../../../../graphql/server-query';
import { loadChangeEvidence } from '../../../../../ui/evidence/change-evidence-data';

// The evidence pack of one change: the change, its evidence, every promotion with its decision
// (policy version, hashes, the exact input), votes and deployments, and every audit event about
// the change and its promotions with the canonical bytes and chain hashes (each recomputable),
// the chain head and the public key that signs checkpoints.
export const dynamic = 'force-dynamic';

const STATUS: Record<string, number> = { NOT_FOUND: 404, FORBIDDEN: 403, UNAUTHENTICATED: 401, VALIDATION_FAILED: 400, BAD_REQUEST: 400 };

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  if (!(await sessionCookieHeader())) return Response.json({ error: { message: 'Sign in to download evidence.', code: 'UNAUTHENTICATED' } }, { status: 401 });
  const result = await loadChangeEvidence(id);
  if (result.error) return Response.json({ error: result.error }, { status: STATUS[result.error.code ?? ''] ?? 502 });
  const pack = {
    format: 'gatehouse-evidence-pack/1',
    generatedAt: new Date().toISOString(),
    howToVerify:
      'For each sealed event, SHA-256(hex-decoded prevHash || UTF-8 canonical) must equal hash; consecutive seqs link by prevHash. ' +
      'Verify the chain head and its Ed25519-signed checkpoints with `gatehouse audit verify` (or an exported bundle with `gatehouse audit verify-export`).',
    ...result.data,
  };
  return new Response(`${JSON.stringify(pack, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="gatehouse-evidence-${id}.json"`,
      'cache-control': 'no-store',
    },
  });
}
