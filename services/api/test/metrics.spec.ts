import { AuditSealer } from '@gatehouse/audit';
import { Metrics } from '@gatehouse/shared';
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

  async function scrape(): Promise<string> {
    const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.rootToken}` } });
    expect(response.status).toBe(200);
    return response.text();
  }
  const figure = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

  it('says this process is the sealer, and reports the sealing lag of events committed while no sealer runs', async () => {
    const sealer = api.app.get(AuditSealer, { strict: false });
    expect(figure(await scrape(), 'gatehouse_audit_sealer_leader')).toBe(sealer.isLeader ? 1 : 0);
    await sealer.stop();
    try {
      const created = await api.graphql('mutation { createApplication(input: { name: "lagging", team: "ops", environments: [{ name: "dev", tier: DEVELOPMENT }] }) { id } }');
      expect(created.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const text = await scrape();
      expect(figure(text, 'gatehouse_audit_sealer_leader')).toBe(0);
      expect(figure(text, 'gatehouse_audit_pending_events')).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'gatehouse_audit_sealing_lag_seconds')).toBeGreaterThan(0);
    } finally {
      sealer.start();
    }
    let text = await scrape();
    for (let i = 0; i < 100 && figure(text, 'gatehouse_audit_pending_events') > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = await scrape();
    }
    expect(figure(text, 'gatehouse_audit_pending_events')).toBe(0);
    expect(figure(text, 'gatehouse_audit_sealing_lag_seconds')).toBe(0);
    expect(figure(text, 'gatehouse_audit_sealer_leader')).toBe(1);
  });

  it('serves the decision and outbox figures other services feed through the shared Metrics', async () => {
    const metrics = api.app.get(Metrics);
    metrics.decisions.inc({ outcome: 'REQUIRE_APPROVAL', environment: 'prod' });
    metrics.outboxDeliveries.inc({ result: 'delivered' });
    metrics.onScrape(() => metrics.outboxPending.set(3));
    const text = await scrape();
    expect(text).toMatch(/^gatehouse_decisions_total\{outcome="REQUIRE_APPROVAL",environment="prod"\} 1$/m);
    expect(text).toMatch(/^gatehouse_outbox_deliveries_total\{result="delivered"\} 1$/m);
    expect(figure(text, 'gatehouse_outbox_pending')).toBe(3);
  });
});
