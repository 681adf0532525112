import { print } from 'graphql';
import { stringify } from 'csv-stringify/sync';
import { apiUrl } from '../../app/api-url';
import { AuditExportPageQuery } from '../../graphql/audit/audit-events';
import type { AuditEventFilterInput, AuditExportPageQuery as Page } from '../../graphql/generated/graphql';

type ExportEvent = Page['auditEvents']['edges'][number]['node'];

export const CSV_COLUMNS = [
  'seq', 'status', 'occurredAt', 'sealedAt', 'action', 'actorKind', 'actorId', 'actorDisplayName', 'actorIp',
  'subjectType', 'subjectId', 'application', 'environment', 'requestId', 'data', 'prevHash', 'hash',
] as const;

export class ExportRefused extends Error {
  constructor(message: string, readonly status: number, readonly code?: string, readonly requestId?: string) {
    super(message);
  }
}

async function post<T>(cookie: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${apiUrl()}/graphql`, {
    method: 'POST',
    cache: 'no-store',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; requestId?: string } }[] };
  const first = body.errors?.[0];
  if (first || !body.data) {
    const code = first?.extensions?.code;
    throw new ExportRefused(first?.message ?? 'The API answered without data.', code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 400, code, first?.extensions?.requestId);
  }
  return body.data;
}

/** Exports are for auditors and admins, as the API's own export is. */
export async function assertMayExport(cookie: string): Promise<void> {
  const { me } = await post<{ me: { roles: string[] } }>(cookie, '{ me { roles } }', {});
  if (!me.roles.includes('AUDITOR') && !me.roles.includes('ADMIN')) {
    throw new ExportRefused('Exporting the audit trail needs the AUDITOR or ADMIN role.', 403, 'FORBIDDEN');
  }
}

function csvRow(event: ExportEvent): string {
  return stringify([
    [
      event.seq ?? '', event.status, event.occurredAt, event.sealedAt ?? '', event.action, event.actor.kind, event.actor.id,
      event.actor.displayName ?? '', event.actor.ip ?? '', event.subject.type, event.subject.id, event.application ?? '',
      event.environment ?? '', event.requestId ?? '', event.data, event.prevHash ?? '', event.hash ?? '',
    ],
  ]);
}

function jsonLine(event: ExportEvent): string {
  let data: unknown = event.data;
  try {
    data = JSON.parse(event.data);
  } catch {
    // kept as text
  }
  return `${JSON.stringify({ ...event, data })}\n`;
}

/**
 * Pages through every event the filter matches (500 at a time, newest first, keyset paging)
 * and yields the export's lines; the first page is read before anything is sent, so a refusal
 * becomes a status rather than a cut-off file.
 */
export async function exportLines(cookie: string, filter: AuditEventFilterInput, format: 'csv' | 'jsonl'): Promise<AsyncGenerator<string>> {
  const query = print(AuditExportPageQuery);
  const fetchPage = (after: string | null | undefined) => post<Page>(cookie, query, { filter, first: 500, after });
  const first = await fetchPage(undefined);
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield stringify([[...CSV_COLUMNS]]);
    let page: Page = first;
    while (true) {
      for (const { node } of page.auditEvents.edges) yield format === 'csv' ? csvRow(node) : jsonLine(node);
      if (!page.auditEvents.pageInfo.hasNextPage) return;
      page = await fetchPage(page.auditEvents.pageInfo.endCursor);
    }
  }
  return lines();
}
