import Link from 'next/link';
import { ApplicationsQuery } from '../../graphql/applications/applications';
import { DashboardPromotionsQuery, EnvironmentStatusQuery, OverdueReviewsQuery, PendingApprovalsQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { StateBadge } from '../promotions/state-badge';
import { ApiErrorNotice } from '../shell/api-problem';
import { duration, utc } from '../shell/format';
import { deliveryFigures } from './delivery-figures';
import { SparkBars } from './spark-bars';

const WEEKS = 8;
const MAX_PAGES = 8;

/** Production-bound promotions that reached a result in the period, a page of 50 at a time (at most MAX_PAGES pages). */
async function finishedPromotions(since: string) {
  const all = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await serverQuery(DashboardPromotionsQuery, { filter: { since, states: ['DEPLOYED', 'FAILED', 'ROLLED_BACK'] }, first: 50, after }, '/');
    if (answer.error) return { promotions: all, error: answer.error, truncated: false };
    all.push(...answer.data.promotions.edges.map((e) => e.node));
    const info = answer.data.promotions.pageInfo;
    if (!info.hasNextPage || !info.endCursor) return { promotions: all, error: null, truncated: false };
    after = info.endCursor;
  }
  return { promotions: all, error: null, truncated: true };
}

/** DashboardPanels: my pending approvals, recent promotions, what runs where, and delivery figures per application. */
export async function DashboardPanels() {
  const now = Date.now();
  const since = new Date(now - WEEKS * 7 * 24 * 3600 * 1000).toISOString();
  const [apps, pending, recent, finished, overdue] = await Promise.all([
    serverQuery(ApplicationsQuery, {}, '/'),
    serverQuery(PendingApprovalsQuery, { first: 5 }, '/'),
    serverQuery(DashboardPromotionsQuery, { first: 8 }, '/'),
    finishedPromotions(since),
    serverQuery(OverdueReviewsQuery, {}, '/'),
  ]);
  if (apps.error) return <ApiErrorNotice error={apps.error} />;
  const applications = apps.data.applications.edges.map((e) => e.node).filter((a) => !a.archived).slice(0, 20);
  const statuses = await Promise.all(applications.map((a) => serverQuery(EnvironmentStatusQuery, { application: a.name }, '/')));
  const production = new Map(applications.map((a) => [a.name, new Set(a.environments.filter((e) => e.tier === 'PRODUCTION').map((e) => e.name))]));
  const promotions = recent.data?.promotions.edges.map((e) => e.node) ?? [];
  const figures = deliveryFigures(
    finished.promotions
      .filter((p) => production.get(p.application)?.has(p.environment))
      .map((p) => ({ application: p.application, state: p.state, changeRegisteredAt: p.change.createdAt, deployments: p.deployments })),
    applications.map((a) => a.name),
    now,
    WEEKS,
  );
  return (
    <>
      <div className="grid">
        <section className="card" aria-labelledby="pending">
          <h2 id="pending">My pending approvals</h2>
          {pending.error ? (
            <ApiErrorNotice error={pending.error} />
          ) : pending.data.pendingApprovals.totalCount === 0 ? (
            <p>Nothing waits for your vote.</p>
          ) : (
            <>
              <p data-testid="pending-count">
                <Link prefetch={false} href="/approvals">{pending.data.pendingApprovals.totalCount} waiting for you</Link>
              </p>
              <ul>
                {pending.data.pendingApprovals.edges.map(({ node }) => (
                  <li key={node.promotion.id}>
                    <Link prefetch={false} href={`/promotions/${node.promotion.id}`}>
                      {node.promotion.application} {node.promotion.version} → {node.promotion.environment}
                    </Link>{' '}
                    <span className="muted">({node.why})</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="recent">
          <h2 id="recent">Recent promotions</h2>
          {recent.error ? (
            <ApiErrorNotice error={recent.error} />
          ) : promotions.length === 0 ? (
            <p>No promotion yet.</p>
          ) : (
            <ul>
              {promotions.map((p) => (
                <li key={p.id}>
                  <Link prefetch={false} href={`/promotions/${p.id}`}>
                    {p.application} {p.version} → {p.environment}
                  </Link>{' '}
                  <StateBadge state={p.state} /> <span className="muted">{utc(p.updatedAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="overdue">
          <h2 id="overdue">Overdue emergency reviews</h2>
          {overdue.error ? (
            <ApiErrorNotice error={overdue.error} />
          ) : overdue.data.overdueReviews.length === 0 ? (
            <p>Every break-glass promotion has been reviewed in time.</p>
          ) : (
            <ul>
              {overdue.data.overdueReviews.map((r) => (
                <li key={r.promotionId} className="status-bad">
                  <Link prefetch={false} href={`/promotions/${r.promotionId}`}>
                    {r.application} → {r.environment}
                  </Link>{' '}
                  due {utc(r.dueAt)} ({r.groups.join(' or ')})
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="where">
        <h2 id="where">Which version runs where</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">Environments (version running)</th>
            </tr>
          </thead>
          <tbody>
            {applications.map((a, i) => {
              const status = statuses[i]!;
              return (
                <tr key={a.id}>
                  <td>
                    <Link prefetch={false} href={`/applications/${encodeURIComponent(a.name)}`}>{a.name}</Link>
                  </td>
                  <td>
                    {status.error
                      ? `unavailable: ${status.error.message} (request id ${status.error.requestId})`
                      : status.data.environmentStatus.map((env, j) => (
                          <span key={env.environment}>
                            {j > 0 ? ' → ' : ''}
                            {env.environment}: <strong>{env.version ?? '—'}</strong>
                            {env.inFlight.length ? ` (${env.inFlight.map((p) => `${p.version} ${p.state.toLowerCase().replaceAll('_', ' ')}`).join(', ')})` : ''}
                          </span>
                        ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="dora">
        <h2 id="dora">Delivery figures, last {WEEKS} weeks (production)</h2>
        {finished.error ? <ApiErrorNotice error={finished.error} /> : null}
        {finished.truncated ? <p className="muted">From the latest {finished.promotions.length} finished promotions of the period.</p> : null}
        <table data-testid="dora">
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">Deployment frequency</th>
              <th scope="col">Lead time (registered → production, median)</th>
              <th scope="col">Change failure rate</th>
              <th scope="col">Time to restore (median)</th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={f.application}>
                <td>{f.application}</td>
                <td>
                  <SparkBars values={f.deploymentsPerWeek} label={`${f.application} deployments per week, oldest first`} /> {f.deployments} ({(f.deployments / WEEKS).toFixed(1)}/week)
                </td>
                <td>{f.leadTimeMedianMs === null ? '—' : duration(f.leadTimeMedianMs)}</td>
                <td>{f.changeFailureRate === null ? '—' : `${Math.round(f.changeFailureRate * 100)}%`}</td>
                <td>{f.timeToRestoreMedianMs === null ? '—' : duration(f.timeToRestoreMedianMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
