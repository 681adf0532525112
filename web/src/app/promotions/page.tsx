import Link from 'next/link';
import type { Metadata } from 'next';
import type { PromotionFilter, PromotionState } from '../../graphql/generated/graphql';
import { PromotionsQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { StateBadge } from '../../ui/promotions/state-badge';
import { ApiErrorNotice } from '../../ui/shell/api-problem';
import { utc } from '../../ui/shell/format';
import { LiveRefresh } from '../../ui/shell/live-refresh';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Promotions' };

const STATES: PromotionState[] = ['REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'DENIED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'DEPLOYING', 'DEPLOYED', 'FAILED', 'ROLLED_BACK'];
const PAGE_SIZE = 25;

export default async function PromotionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await searchParams;
  const one = (key: string) => (typeof search[key] === 'string' ? (search[key] as string).trim() : '');
  const states = (Array.isArray(search.state) ? search.state : one('state') ? [one('state')] : []).filter((s): s is PromotionState => STATES.includes(s as PromotionState));
  const filter: PromotionFilter = {};
  if (one('application')) filter.application = one('application');
  if (one('environment')) filter.environment = one('environment');
  if (states.length) filter.states = states;
  if (one('since') && !Number.isNaN(new Date(`${one('since')}T00:00:00Z`).getTime())) filter.since = new Date(`${one('since')}T00:00:00Z`).toISOString();
  const after = one('after') || undefined;
  const query = new URLSearchParams();
  for (const key of ['application', 'environment', 'since']) if (one(key)) query.set(key, one(key));
  for (const state of states) query.append('state', state);
  const result = await serverQuery(PromotionsQuery, { filter, first: PAGE_SIZE, after }, `/promotions?${query}`);
  return (
    <>
      <h1>Promotions</h1>
      <form className="card filters no-print" method="get" action="/promotions" aria-label="Filter promotions">
        <label>
          Application
          <input name="application" defaultValue={one('application')} />
        </label>
        <label>
          Environment
          <input name="environment" defaultValue={one('environment')} />
        </label>
        <label>
          State
          <select name="state" defaultValue={states[0] ?? ''}>
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('_', ' ').toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Requested since
          <input type="date" name="since" defaultValue={one('since')} />
        </label>
        <button type="submit">Filter</button>
        <a className="button secondary" href="/promotions">
          Clear
        </a>
      </form>
      {result.error ? (
        <ApiErrorNotice error={result.error} />
      ) : (
        <section className="card" aria-labelledby="list">
          <div className="pager">
            <h2 id="list" style={{ margin: 0 }}>
              {result.data.promotions.totalCount} promotions, newest first
            </h2>
            <LiveRefresh />
          </div>
          {result.data.promotions.edges.length === 0 ? (
            <p>No promotion matches.</p>
          ) : (
            <table data-testid="promotions-table">
              <thead>
                <tr>
                  <th scope="col">Requested</th>
                  <th scope="col">Change</th>
                  <th scope="col">Into</th>
                  <th scope="col">State</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Approvals</th>
                  <th scope="col">Requested by</th>
                </tr>
              </thead>
              <tbody>
                {result.data.promotions.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link prefetch={false} href={`/promotions/${node.id}`}>{utc(node.requestedAt)}</Link>
                    </td>
                    <td>
                      {node.application} <strong>{node.version}</strong>
                      <br />
                      <span className="muted">{node.change.title}</span>
                    </td>
                    <td>
                      {node.sourceEnvironment ? `${node.sourceEnvironment} → ` : ''}
                      {node.environment}
                      {node.emergency ? <span className="badge badge-bad"> emergency</span> : null}
                    </td>
                    <td>
                      <StateBadge state={node.state} />
                    </td>
                    <td>
                      <StateBadge state={node.decision.outcome} /> <span className="muted">({node.decision.basis})</span>
                    </td>
                    <td>{node.approvalProgress.map((p) => `${p.granted}/${p.required} ${p.group}`).join(', ') || '—'}</td>
                    <td>{node.requestedBy.displayName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager no-print" aria-label="Pages">
            {after ? <Link prefetch={false} href={`/promotions?${query}`}>Newest</Link> : null}
            {result.data.promotions.pageInfo.hasNextPage && result.data.promotions.pageInfo.endCursor ? (
              <Link prefetch={false} href={`/promotions?${new URLSearchParams([...query, ['after', result.data.promotions.pageInfo.endCursor]])}`} rel="next">
                Older promotions →
              </Link>
            ) : null}
          </nav>
        </section>
      )}
    </>
  );
}
