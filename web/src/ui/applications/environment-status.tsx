import Link from 'next/link';
import { EnvironmentStatusQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { StateBadge } from '../promotions/state-badge';
import { ApiErrorNotice } from '../shell/api-problem';
import { utc } from '../shell/format';

/** EnvironmentStatusSection shows which version runs in each environment of an application, and what is on its way. */
export async function EnvironmentStatusSection({ application }: { application: string; environments: string[] }) {
  const result = await serverQuery(EnvironmentStatusQuery, { application }, `/applications/${encodeURIComponent(application)}`);
  return (
    <section className="card" aria-labelledby={`deployed-${application}`}>
      <h2 id={`deployed-${application}`}>Deployed where</h2>
      {result.error ? (
        <ApiErrorNotice error={result.error} />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Running</th>
              <th scope="col">Since</th>
              <th scope="col">On its way</th>
            </tr>
          </thead>
          <tbody>
            {result.data.environmentStatus.map((env) => (
              <tr key={env.environment}>
                <td>{env.environment}</td>
                <td>
                  {env.version ? (
                    <>
                      <strong>{env.version}</strong>
                      {env.changeId ? (
                        <>
                          {' '}
                          (<Link prefetch={false} href={`/changes/${env.changeId}/evidence`}>evidence</Link>)
                        </>
                      ) : null}
                    </>
                  ) : (
                    <span className="muted">nothing yet</span>
                  )}
                </td>
                <td>{env.deployedAt ? utc(env.deployedAt) : '—'}</td>
                <td>
                  {env.inFlight.length
                    ? env.inFlight.map((p) => (
                        <span key={p.id} style={{ marginRight: '0.5rem' }}>
                          <Link prefetch={false} href={`/promotions/${p.id}`}>{p.version}</Link> <StateBadge state={p.state} />
                        </span>
                      ))
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
