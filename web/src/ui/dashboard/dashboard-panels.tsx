import Link from 'next/link';
import { ApplicationsQuery } from '../../graphql/applications/applications';
import { serverQuery } from '../../graphql/server-query';
import { ApiErrorNotice } from '../shell/api-problem';

/** DashboardPanels: what runs where, pending approvals, recent promotions and delivery figures. */
export async function DashboardPanels() {
  const apps = await serverQuery(ApplicationsQuery, {}, '/');
  if (apps.error) return <ApiErrorNotice error={apps.error} />;
  return (
    <section className="card" aria-labelledby="apps">
      <h2 id="apps">Applications</h2>
      <ul>
        {apps.data.applications.edges.map(({ node }) => (
          <li key={node.id}>
            <Link href={`/applications/${encodeURIComponent(node.name)}`}>{node.name}</Link> — {node.environments.map((e) => e.name).join(' → ')}
          </li>
        ))}
      </ul>
    </section>
  );
}
