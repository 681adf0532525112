import { apiUrl } from '../../app/api-url';

interface Readiness {
  status: string;
  reason?: string;
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

/** ApiHealth shows whether the API is ready; the full portal (sign-in, approvals, audit) builds on this. */
export async function ApiHealth() {
  const ready = await readiness();
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
      <section className="card" aria-labelledby="api-use">
        <h2 id="api-use">Use the API</h2>
        <p>
          Every request is authenticated. Send an API token as <code>Authorization: Bearer …</code> to{' '}
          <code>{apiUrl()}/graphql</code>; the first start prints the admin&apos;s token once.
        </p>
      </section>
    </>
  );
}
