import Link from 'next/link';
import type { Metadata } from 'next';
import { AuditEventsQuery } from '../../graphql/audit/audit-events';
import { serverQuery } from '../../graphql/server-query';
import { AuditFilterForm } from '../../ui/audit/audit-filter-form';
import { auditFilterParams, auditQueryString, toAuditFilter } from '../../ui/audit/audit-filter';
import { MatchingCount } from '../../ui/audit/matching-count';
import { VerificationBadge } from '../../ui/audit/verification-badge';
import { ApiErrorNotice } from '../../ui/shell/api-problem';
import { utc } from '../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit trail' };

const PAGE_SIZE = 50;

export default async function AuditTrailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await searchParams;
  const params = auditFilterParams(search);
  const after = typeof search.after === 'string' ? search.after : undefined;
  const page = Math.max(1, Number(typeof search.page === 'string' ? search.page : '1') || 1);
  let filter;
  try {
    filter = toAuditFilter(params);
  } catch (error) {
    return (
      <>
        <h1>Audit trail</h1>
        <AuditFilterForm params={params} />
        <ApiErrorNotice title="This filter cannot be used" error={{ message: (error as Error).message }} />
      </>
    );
  }
  const result = await serverQuery(AuditEventsQuery, { filter, first: PAGE_SIZE, after }, `/audit${auditQueryString(params)}`);
  return (
    <>
      <h1>Audit trail</h1>
      <VerificationBadge />
      <AuditFilterForm params={params} />
      {result.error ? (
        <ApiErrorNotice error={result.error} />
      ) : (
        <section className="card" aria-labelledby="events-title">
          <div className="pager">
            <h2 id="events-title" style={{ margin: 0 }}>
              Events, newest first — page {page}
            </h2>
            <MatchingCount filter={filter} />
            <span className="no-print" style={{ marginLeft: 'auto' }}>
              Export this filter:{' '}
              <a href={`/audit/export${auditQueryString(params, { format: 'csv' })}`} download>
                CSV
              </a>{' '}
              ·{' '}
              <a href={`/audit/export${auditQueryString(params, { format: 'jsonl' })}`} download>
                JSONL
              </a>{' '}
              ·{' '}
              <a href="/audit/export/bundle" download title="Every event with checkpoints and the public key, for offline verification">
                full verifiable bundle
              </a>
            </span>
          </div>
          {result.data.auditEvents.edges.length === 0 ? (
            <p>No event matches this filter.</p>
          ) : (
            <table data-testid="audit-table">
              <caption className="muted" style={{ textAlign: 'left' }}>
                Times in UTC. Select a seq to see the event, its data and its chain links.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Seq</th>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Application / environment</th>
                </tr>
              </thead>
              <tbody>
                {result.data.auditEvents.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>{node.seq ? <Link prefetch={false} href={`/audit/${node.seq}`}>{node.seq}</Link> : <span className="badge badge-warn">pending</span>}</td>
                    <td>{utc(node.occurredAt)}</td>
                    <td>
                      <code>{node.action}</code>
                    </td>
                    <td>
                      <Link prefetch={false} href={`/audit${auditQueryString({ ...params, actor: node.actor.id })}`} title={`Only events by ${node.actor.id}`}>
                        {node.actor.displayName ?? node.actor.id}
                      </Link>{' '}
                      <span className="muted">({node.actor.kind.toLowerCase()})</span>
                    </td>
                    <td>
                      {node.subject.type} <code>{node.subject.id}</code>
                    </td>
                    <td>
                      {node.application ?? '—'}
                      {node.environment ? ` / ${node.environment}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager no-print" aria-label="Pages">
            {after ? <Link prefetch={false} href={`/audit${auditQueryString(params)}`}>Newest</Link> : null}
            {result.data.auditEvents.pageInfo.hasNextPage && result.data.auditEvents.pageInfo.endCursor ? (
              <Link prefetch={false} href={`/audit${auditQueryString(params, { after: result.data.auditEvents.pageInfo.endCursor, page: String(page + 1) })}`} rel="next">
                Older events →
              </Link>
            ) : (
              <span className="muted">End of the trail.</span>
            )}
          </nav>
        </section>
      )}
    </>
  );
}
