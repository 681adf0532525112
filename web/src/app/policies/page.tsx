import Link from 'next/link';
import type { Metadata } from 'next';
import { PoliciesQuery } from '../../graphql/policies/policies';
import { serverQuery } from '../../graphql/server-query';
import { ApiErrorNotice } from '../../ui/shell/api-problem';
import { utc } from '../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Policies' };

export default async function PoliciesPage() {
  const result = await serverQuery(PoliciesQuery, {}, '/policies');
  if (result.error) return <ApiErrorNotice error={result.error} />;
  return (
    <>
      <h1>Policies</h1>
      <section className="card" aria-labelledby="policies">
        <h2 id="policies">Published policies and what they govern</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Latest version</th>
              <th scope="col">Governs (environment: version)</th>
              <th scope="col">Latest published</th>
            </tr>
          </thead>
          <tbody>
            {result.data.policies.edges.map(({ node }) => (
              <tr key={node.name}>
                <td>
                  <Link prefetch={false} href={`/policies/${encodeURIComponent(node.name)}`}>{node.name}</Link>
                </td>
                <td>
                  v{node.latestVersion.version} <span className="muted">({node.versions.length} versions)</span>
                </td>
                <td>
                  {node.activations.length
                    ? node.activations.map((a) => `${a.environment}${a.regulated ? ' ★' : ''}: v${a.version}`).join(', ')
                    : 'nothing (not activated)'}
                </td>
                <td>
                  {utc(node.latestVersion.createdAt)} by {node.latestVersion.author.displayName ?? node.latestVersion.author.id}
                  {node.latestVersion.message ? ` — “${node.latestVersion.message}”` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
