import Link from 'next/link';
import type { Metadata } from 'next';
import { ApplicationsQuery } from '../../graphql/applications/applications';
import { EnvironmentStatusQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { ApiErrorNotice } from '../../ui/shell/api-problem';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Applications' };

export default async function ApplicationsPage() {
  const result = await serverQuery(ApplicationsQuery, {}, '/applications');
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const apps = result.data.applications.edges.map((edge) => edge.node);
  const statuses = await Promise.all(apps.map((app) => serverQuery(EnvironmentStatusQuery, { application: app.name }, '/applications')));
  return (
    <>
      <h1>Applications</h1>
      <section className="card" aria-labelledby="apps">
        <h2 id="apps">{result.data.applications.totalCount} applications and their pipelines</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">Team</th>
              <th scope="col">Pipeline (promotion order; ★ regulated) and the version running in each environment</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <tr key={app.id}>
                <td>
                  <Link prefetch={false} href={`/applications/${encodeURIComponent(app.name)}`}>{app.name}</Link>
                  {app.archived ? <span className="badge badge-warn"> archived</span> : null}
                </td>
                <td>{app.team}</td>
                <td>
                  {app.environments.map((env, i) => {
                    const status = statuses[apps.indexOf(app)]!;
                    const running = status.data?.environmentStatus.find((s) => s.environment === env.name);
                    return (
                      <span key={env.name}>
                        {i > 0 ? ' → ' : ''}
                        {env.name}
                        {env.regulated ? ' ★' : ''}: <strong>{running?.version ?? '—'}</strong>
                        {running?.inFlight.length ? <span className="muted"> ({running.inFlight.length} on the way)</span> : null}
                      </span>
                    );
                  })}
                  {statuses[apps.indexOf(app)]!.error ? (
                    <span className="status-bad">
                      {' '}
                      (deployments unavailable: {statuses[apps.indexOf(app)]!.error!.message}, request id {statuses[apps.indexOf(app)]!.error!.requestId})
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
