import Link from 'next/link';
import type { Metadata } from 'next';
import { ApplicationDetailQuery, ChangeWindowsQuery } from '../../../graphql/applications/applications';
import { serverQuery } from '../../../graphql/server-query';
import { WindowCalendar } from '../../../ui/applications/window-calendar-view';
import { EnvironmentStatusSection } from '../../../ui/applications/environment-status';
import { ApiErrorNotice } from '../../../ui/shell/api-problem';
import { utc } from '../../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Application' };

function monthOf(value: string | string[] | undefined): string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? value : new Date().toISOString().slice(0, 7);
}

function shiftMonth(month: string, by: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, m - 1 + by, 1));
  return date.toISOString().slice(0, 7);
}

export default async function ApplicationPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { name: raw } = await params;
  const name = decodeURIComponent(raw);
  const month = monthOf((await searchParams).month);
  const here = `/applications/${encodeURIComponent(name)}`;
  const result = await serverQuery(ApplicationDetailQuery, { name }, here);
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const app = result.data.application;
  const windows = await Promise.all(app.environments.map((env) => serverQuery(ChangeWindowsQuery, { application: name, environment: env.name }, here)));
  return (
    <>
      <p className="no-print">
        <Link prefetch={false} href="/applications">← Applications</Link>
      </p>
      <h1>{app.name}</h1>
      <p className="muted">
        Team {app.team}
        {app.description ? ` — ${app.description}` : ''}
      </p>
      <EnvironmentStatusSection application={app.name} environments={app.environments.map((env) => env.name)} />
      <section className="card" aria-labelledby="windows">
        <h2 id="windows">Change windows — {month}</h2>
        <nav className="pager no-print" aria-label="Months">
          <Link prefetch={false} href={`${here}?month=${shiftMonth(month, -1)}`}>← {shiftMonth(month, -1)}</Link>
          <Link prefetch={false} href={`${here}?month=${shiftMonth(month, 1)}`}>{shiftMonth(month, 1)} →</Link>
        </nav>
        {app.environments.map((env, i) => {
          const answer = windows[i]!;
          return (
            <div key={env.name} style={{ marginBottom: '1.5rem' }}>
              <h3>
                {env.name} <span className="muted">({env.tier.toLowerCase()}{env.regulated ? ', regulated' : ''}, {env.timezone})</span>
              </h3>
              {answer.error ? (
                <ApiErrorNotice error={answer.error} />
              ) : (
                <>
                  <p>
                    Now ({answer.data.changeWindowStatus.dayOfWeek} {answer.data.changeWindowStatus.localTime} local):{' '}
                    {answer.data.changeWindowStatus.frozen ? (
                      <span className="status-bad">frozen — {answer.data.changeWindowStatus.name}</span>
                    ) : (
                      <span className="status-ok">open for changes</span>
                    )}
                  </p>
                  {answer.data.changeWindows.length === 0 ? (
                    <p className="muted">No change windows: changes any time.</p>
                  ) : (
                    <>
                      <ul>
                        {answer.data.changeWindows.map((w) => (
                          <li key={w.id}>
                            <strong>{w.kind === 'FREEZE' ? 'Freeze' : 'Allowed'}</strong> {w.name}:{' '}
                            {w.recurring ? `${w.rrule} for ${w.duration}, from ${w.start}` : `${w.start} → ${w.end}`}
                            {w.reason ? ` — ${w.reason}` : ''}
                          </li>
                        ))}
                      </ul>
                      <WindowCalendar month={month} windows={answer.data.changeWindows} label={`Change windows of ${env.name} in ${month}`} />
                    </>
                  )}
                </>
              )}
            </div>
          );
        })}
      </section>
      <section className="card" aria-labelledby="changes">
        <h2 id="changes">Recent changes</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Title</th>
              <th scope="col">Ticket</th>
              <th scope="col">Registered</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {result.data.changes.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{node.version}</td>
                <td>{node.title}</td>
                <td>{node.ticket ?? '—'}</td>
                <td>{utc(node.createdAt)}</td>
                <td>
                  <Link prefetch={false} href={`/changes/${node.id}/evidence`}>commit to production</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
