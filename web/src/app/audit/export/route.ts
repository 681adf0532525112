import { sessionCookieHeader } from '../../../graphql/server-query';
import { assertMayExport, exportLines, ExportRefused } from '../../../ui/audit/audit-export';
import { auditFilterParams, toAuditFilter } from '../../../ui/audit/audit-filter';

// The audit trail's current filter as a download: CSV or JSONL, every matching event with its
// chain fields (JSONL also has the canonical bytes, so each line's hash can be recomputed).
export const dynamic = 'force-dynamic';

function refusal(message: string, status: number, code?: string, requestId?: string): Response {
  return Response.json({ error: { message, code, requestId } }, { status });
}

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const format = url.searchParams.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') return refusal('format must be csv or jsonl', 400, 'BAD_REQUEST');
  const cookie = await sessionCookieHeader();
  if (!cookie) return refusal('Sign in to export the audit trail.', 401, 'UNAUTHENTICATED');
  let filter;
  try {
    filter = toAuditFilter(auditFilterParams(url.searchParams));
  } catch (error) {
    return refusal((error as Error).message, 400, 'BAD_REQUEST');
  }
  let lines: AsyncGenerator<string>;
  try {
    await assertMayExport(cookie);
    lines = await exportLines(cookie, filter, format);
  } catch (error) {
    if (error instanceof ExportRefused) return refusal(error.message, error.status, error.code, error.requestId);
    return refusal(`The API cannot be reached: ${(error as Error).message}`, 502, 'UNAVAILABLE');
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="gatehouse-audit-${stamp}.${format}"`,
      'cache-control': 'no-store',
    },
  });
}
