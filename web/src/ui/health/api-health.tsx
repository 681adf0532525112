import { apiUrl } from '../../app/api-url';

interface Readiness {
  status: string;
  reason?: string;
}

interface ApplicationsPage {
  data?: { applications: { totalCount: number; edges: { node: { name: string; team: string; environments: { name: string }[] } }[] } };
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
}

async function readiness(): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(`${apiUrl()}/readyz`, { cache: 'no-store' });
    const body = (await response.json()) as Readiness;
    return { ok: response.ok, detail: body.reason ?? body.status };
  } catch (error) {
    return { ok: false, detail: `API unreachable at ${apiUrl()}: ${(error as Error).message}` };
  }
}

async function applications(): Promise<ApplicationsPage> {
  try {
    const response = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ applications(first: 20) { totalCount edges { node { name team environments { name } } } } }' }),
    });
    return (await response.json()) as ApplicationsPage;
  } catch (error) {
    return { errors: [{ message: (error as Error).message }] };
  }
}

/** ApiHealth shows whether the API is ready and what it holds; the full portal builds on this. */
export async function ApiHealth() {
  const [ready, page] = await Promise.all([readiness(), applications()]);
  return (
    <>
      <section className="card" aria-labelledby="api-status">
        <h2 id="api-status">API status</h2>
        <p>
          <span className={ready.ok ? 'status-ok' : 'status-bad'} data-testid="api-ready">
            {ready.ok ? 'Ready' : 'Not ready'}
          </span>{' '}
          — {ready.detail} (<code>{apiUrl()}</code>)
        </p>
      </section>
      <section className="card" aria-labelledby="applications">
        <h2 id="applications">Applications</h2>
        {page.errors ? (
          <p className="status-bad" role="alert">
            {page.errors[0]?.message}
            {page.errors[0]?.extensions?.requestId ? ` (request id ${page.errors[0].extensions.requestId})` : ''}
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Application</th>
                <th scope="col">Team</th>
                <th scope="col">Pipeline</th>
              </tr>
            </thead>
            <tbody>
              {page.data?.applications.edges.map(({ node }) => (
                <tr key={node.name}>
                  <td>{node.name}</td>
                  <td>{node.team}</td>
                  <td>{node.environments.map((e) => e.name).join(' → ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
