import { startTestApp, type TestApp } from './support/test-app';

describe('GET /metrics', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.close());

  it('refuses an anonymous scrape', async () => {
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', requestId: response.headers.get('x-request-id') } });
  });

  it('serves Prometheus text with request counts by route pattern, latency and the audit backlog', async () => {
    await api.graphql('{ me { username } }');
    await api.graphql('{ me { username } }');
    const viewer = await api.tokenFor('prometheus', ['VIEWER'], { scopes: ['READ'] });
    const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const graphqlOk = /gatehouse_http_requests_total\{method="POST",route="\/graphql",status="200"\} (\d+)/.exec(text);
    expect(Number(graphqlOk?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/gatehouse_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/graphql"\} \d+/);
    expect(text).toMatch(/^gatehouse_audit_chain_head_seq \d+$/m);
    expect(text).toMatch(/^gatehouse_audit_pending_events \d+$/m);
    expect(text).toMatch(/^gatehouse_process_resident_memory_bytes \d+/m);
  });
});
