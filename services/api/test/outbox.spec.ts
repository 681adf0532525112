import { recordAuditEvent } from '@gatehouse/audit';
import { CDEventValidator, verifyDelivery } from '@gatehouse/integrations';
import { DataSource } from 'typeorm';
import { POLICIES_DIR, REQUEST } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';
import { WebhookReceiver, type ReceivedDelivery } from './support/webhook-receiver';

const CREATE_WEBHOOK = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id application environment url events format } } }`;
const DELIVERIES = `query($filter: WebhookDeliveryFilter, $first: Int, $after: String) { webhookDeliveries(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id webhook event eventSeq eventId state attempts lastStatus lastError deliveredAt attemptLog { attempt status error } } } } }`;

interface DeliveryNode {
  id: string;
  event: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  attemptLog: { attempt: number; status: number | null; error: string | null }[];
}

/** Records one audit event as an action would, in its own transaction; `fail` rolls it back. */
async function act(dataSource: DataSource, action: string, environment: string, data: Record<string, unknown> = {}, fail = false): Promise<string> {
  let id = '';
  await dataSource
    .transaction(async (manager) => {
      ({ id } = await recordAuditEvent(manager, {
        action,
        actor: { kind: 'USER', id: 'u-1', displayName: 'Ana' },
        subject: { type: 'promotion', id: `p-${action}-${environment}` },
        application: 'outbox-app',
        environment,
        data: { promotion: 'p-1', change: null, version: '1.0.0', state: 'APPROVED', ...data },
      }));
      if (fail) throw new Error('the action failed after writing its event');
    })
    .catch((error: Error) => {
      if (!fail) throw error;
    });
  return id;
}

describe('outgoing webhooks (the audit log as outbox)', () => {
  let app: TestApp;
  let dataSource: DataSource;
  const receiver = new WebhookReceiver();
  let url: string;

  beforeAll(async () => {
    process.env.GATEHOUSE_WEBHOOK_POLL_MS = '20';
    process.env.GATEHOUSE_WEBHOOK_RETRY_BASE_MS = '50';
    process.env.GATEHOUSE_WEBHOOK_MAX_RETRY_DELAY_MS = '200';
    process.env.GATEHOUSE_WEBHOOK_MAX_ATTEMPTS = '4';
    url = await receiver.listen();
    app = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    dataSource = app.app.get(DataSource);
    const created = await app.graphql(`mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: { name: 'outbox-app', team: 'platform', environments: [{ name: 'staging', tier: 'STAGING' }, { name: 'prod', tier: 'PRODUCTION' }] },
    });
    expect(created.errors).toBeUndefined();
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    for (const name of ['POLL_MS', 'RETRY_BASE_MS', 'MAX_RETRY_DELAY_MS', 'MAX_ATTEMPTS']) delete process.env[`GATEHOUSE_WEBHOOK_${name}`];
  });

  async function deliveries(webhook: string): Promise<DeliveryNode[]> {
    const answer = await app.graphql<{ webhookDeliveries: { edges: { node: DeliveryNode }[] } }>(DELIVERIES, { filter: { webhook }, first: 100 });
    expect(answer.errors).toBeUndefined();
    return answer.data!.webhookDeliveries.edges.map((edge) => edge.node);
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('sends each committed subscribed event once, signed, and nothing for an action that rolled back', async () => {
    const created = await app.graphql<{ createWebhook: { secret: string; webhook: { id: string; events: string[] } } }>(CREATE_WEBHOOK, {
      input: { application: 'outbox-app', environment: 'prod', url },
    });
    expect(created.errors).toBeUndefined();
    const { secret, webhook } = created.data!.createWebhook;
    expect(webhook.events).toEqual(['decision.made', 'promotion.approved']);

    await act(dataSource, 'promotion.approved', 'prod', {}, true); // rolled back: never sent
    await act(dataSource, 'promotion.approved', 'staging'); // another environment: not this webhook
    await act(dataSource, 'approval.granted', 'prod'); // not subscribed
    const approved = await act(dataSource, 'promotion.approved', 'prod');
    const decided = await act(dataSource, 'decision.made', 'prod', { outcome: 'REQUIRE_APPROVAL' });
    await receiver.waitFor(2);
    await until(() => deliveries(webhook.id), (list) => list.every((delivery) => delivery.state === 'DELIVERED') && list.length === 2);

    // Deliveries travel in parallel; `seq` (the audit chain position) gives their order.
    const bodies = receiver.received.map((delivery: ReceivedDelivery) => JSON.parse(delivery.body)).sort((a, b) => a.seq - b.seq);
    expect(bodies.map((body) => [body.event, body.eventId, body.environment])).toEqual([
      ['promotion.approved', approved, 'prod'],
      ['decision.made', decided, 'prod'],
    ]);
    for (const delivery of receiver.received) {
      const headers = { timestamp: String(delivery.headers['gatehouse-timestamp']), signature: String(delivery.headers['gatehouse-signature']) };
      expect(verifyDelivery(secret, headers, delivery.body)).toBe(true);
      expect(verifyDelivery('another-secret', headers, delivery.body)).toBe(false);
      expect(delivery.headers['gatehouse-delivery']).toBe(JSON.parse(delivery.body).delivery);
    }
    expect(bodies[1].data).toMatchObject({ outcome: 'REQUIRE_APPROVAL', version: '1.0.0' });
  });

  it('retries a failing receiver with backoff, logs every attempt, and gives up after the last', async () => {
    receiver.received.length = 0;
    const created = await app.graphql<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, {
      input: { application: 'outbox-app', environment: 'staging', url, events: ['deployment.failed', 'deployment.started'] },
    });
    const webhook = created.data!.createWebhook.webhook.id;
    receiver.respond = (delivery) => {
      const event = JSON.parse(delivery.body).event;
      if (event === 'deployment.failed') return 503;
      return receiver.received.filter((seen) => JSON.parse(seen.body).event === event).length < 3 ? 500 : 204;
    };
    await act(dataSource, 'deployment.started', 'staging');
    await act(dataSource, 'deployment.failed', 'staging');
    const settled = await until(
      () => deliveries(webhook),
      (list) => list.length === 2 && list.every((delivery) => delivery.state !== 'PENDING'),
    );
    const started = settled.find((delivery) => delivery.event === 'deployment.started')!;
    expect(started).toMatchObject({ state: 'DELIVERED', attempts: 3, lastStatus: 204 });
    expect(started.attemptLog.map((attempt) => attempt.status)).toEqual([500, 500, 204]);
    const failed = settled.find((delivery) => delivery.event === 'deployment.failed')!;
    expect(failed).toMatchObject({ state: 'FAILED', attempts: 4, lastStatus: 503 });
    expect(failed.attemptLog.map((attempt) => attempt.error)).toEqual(Array(4).fill('answered HTTP 503'));
    // Every retry of one delivery carries the same delivery id.
    const ids = new Set(receiver.received.filter((seen) => JSON.parse(seen.body).event === 'deployment.started').map((seen) => seen.headers['gatehouse-delivery']));
    expect(ids.size).toBe(1);
    receiver.respond = () => 200;
  });

  it('emits a CDEvent (service.deployed) for a deployment to a CDEVENTS webhook, valid against the CDEvents schema', async () => {
    receiver.received.length = 0;
    const change = await app.graphql<{ registerChange: { id: string } }>(`mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id } }`, {
      input: { application: 'outbox-app', version: '7.0.0', commits: [{ sha: 'abcdef1234', author: 'ana', message: 'x' }], artifactDigest: `sha256:${'0a'.repeat(32)}`, title: 'x', linesAdded: 1, linesRemoved: 0 },
    });
    expect(change.errors).toBeUndefined();
    const created = await app.graphql<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, {
      input: { application: 'outbox-app', url, events: ['deployment.succeeded', 'promotion.approved'], format: 'CDEVENTS' },
    });
    expect(created.errors).toBeUndefined();
    await act(dataSource, 'promotion.approved', 'staging', { change: change.data!.registerChange.id }); // no CDEvent for it: not sent
    await act(dataSource, 'deployment.succeeded', 'staging', { change: change.data!.registerChange.id, state: 'DEPLOYED' });
    await receiver.waitFor(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers['content-type']).toBe('application/cloudevents+json');
    const cloudEvent = JSON.parse(delivery!.body);
    expect(cloudEvent).toMatchObject({ specversion: '1.0', type: 'dev.cdevents.service.deployed.0.1.1', id: delivery!.headers['gatehouse-delivery'] });
    expect(cloudEvent.data.subject.content).toEqual({ environment: { id: 'staging' }, artifactId: `pkg:oci/outbox-app@sha256%3A${'0a'.repeat(32)}` });
    expect(new CDEventValidator().validate(cloudEvent.data)).toMatchObject({ kind: 'valid' });
  });

  it('stops sending once a webhook is disabled, and pages the delivery log', async () => {
    const created = await app.graphql<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, {
      input: { application: 'outbox-app', environment: 'prod', url: 'http://127.0.0.1:9/never', events: ['promotion.cancelled'] },
    });
    const webhook = created.data!.createWebhook.webhook.id;
    const disabled = await app.graphql(`mutation($input: DisableWebhookInput!) { disableWebhook(input: $input) { disabledAt } }`, { input: { id: webhook } });
    expect(disabled.errors).toBeUndefined();
    await act(dataSource, 'promotion.cancelled', 'prod');
    const marker = await app.graphql<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, { input: { application: 'outbox-app', environment: 'prod', url, events: ['promotion.expired'] } });
    await act(dataSource, 'promotion.expired', 'prod');
    // The later event reached its webhook, so the earlier one was dispatched and found no active webhook.
    await until(() => deliveries(marker.data!.createWebhook.webhook.id), (list) => list.some((delivery) => delivery.state === 'DELIVERED'));
    expect(await deliveries(webhook)).toEqual([]);

    const first = await app.graphql<{ webhookDeliveries: { totalCount: number; pageInfo: { endCursor: string; hasNextPage: boolean }; edges: { node: { id: string } }[] } }>(DELIVERIES, { first: 2 });
    expect(first.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
    const second = await app.graphql<{ webhookDeliveries: { edges: { node: { id: string } }[] } }>(DELIVERIES, { first: 100, after: first.data!.webhookDeliveries.pageInfo.endCursor });
    const all = [...first.data!.webhookDeliveries.edges, ...second.data!.webhookDeliveries.edges].map((edge) => edge.node.id);
    expect(new Set(all).size).toBe(first.data!.webhookDeliveries.totalCount);
  });

  it('fires on a real promotion: its decision and its approval, each once, with the promotion, change and version', async () => {
    receiver.received.length = 0;
    const created = await app.graphql<{ createWebhook: { secret: string; webhook: { id: string } } }>(CREATE_WEBHOOK, { input: { application: 'outbox-app', environment: 'staging', url } });
    expect(created.errors).toBeUndefined();
    const change = await app.graphql<{ registerChange: { id: string } }>(`mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id } }`, {
      input: { application: 'outbox-app', version: '8.0.0', commits: [{ sha: 'abcdef9876', author: 'ana', message: 'x' }], artifactDigest: `sha256:${'0b'.repeat(32)}`, title: 'x', linesAdded: 1, linesRemoved: 0 },
    });
    const changeId = change.data!.registerChange.id;
    // The staging policy denies a change without passing tests: decision.made fires, promotion.approved does not.
    const denied = await app.graphql<{ requestPromotion: { id: string; state: string } }>(REQUEST, { input: { change: changeId, environment: 'staging', reason: 'release' } });
    expect(denied.data!.requestPromotion.state).toBe('DENIED');
    await receiver.waitFor(1);
    const attach = await app.graphql(`mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }`, { input: { change: changeId, kind: 'TESTS', tests: { passed: 3, failed: 0, skipped: 0 } } });
    expect(attach.errors).toBeUndefined();
    const approved = await app.graphql<{ requestPromotion: { id: string; state: string } }>(REQUEST, { input: { change: changeId, environment: 'staging', reason: 'again' } });
    expect(approved.data!.requestPromotion.state).toBe('APPROVED');
    await receiver.waitFor(3);
    const bodies = receiver.received.map((delivery) => JSON.parse(delivery.body)).sort((a, b) => a.seq - b.seq);
    expect(bodies.map((body) => [body.event, body.subject.id, body.data.state, body.data.change, body.data.version])).toEqual([
      ['decision.made', denied.data!.requestPromotion.id, 'DENIED', changeId, '8.0.0'],
      ['decision.made', approved.data!.requestPromotion.id, 'APPROVED', changeId, '8.0.0'],
      ['promotion.approved', approved.data!.requestPromotion.id, 'APPROVED', changeId, '8.0.0'],
    ]);
  });

  it('starts a GitHub workflow: repository_dispatch with the token as Authorization, which is never shown again', async () => {
    receiver.received.length = 0;
    const created = await app.graphql<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, {
      input: { application: 'outbox-app', environment: 'prod', url, events: ['deployment.started'], format: 'GITHUB_DISPATCH', authorization: 'Bearer github-pat-for-tests' },
    });
    expect(created.errors).toBeUndefined();
    const listed = await app.graphql<{ webhooks: { id: string; format: string; sendsAuthorization: boolean }[] }>(`{ webhooks(application: "outbox-app") { id format sendsAuthorization } }`);
    expect(listed.data!.webhooks.find((webhook) => webhook.id === created.data!.createWebhook.webhook.id)).toEqual({ id: created.data!.createWebhook.webhook.id, format: 'GITHUB_DISPATCH', sendsAuthorization: true });
    const event = await act(dataSource, 'deployment.started', 'prod');
    await receiver.waitFor(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers).toMatchObject({ authorization: 'Bearer github-pat-for-tests', accept: 'application/vnd.github+json' });
    expect(JSON.parse(delivery!.body)).toMatchObject({ event_type: 'gatehouse.deployment.started', client_payload: { event: 'deployment.started', eventId: event, environment: 'prod' } });
    const refused = await app.graphql(CREATE_WEBHOOK, { input: { application: 'outbox-app', url, authorization: 'no-scheme' } });
    expect((refused.errors?.[0]?.extensions.fields as { path: string }[]).map((field) => field.path)).toEqual(['input.authorization']);
  });

  it('refuses a webhook for an unknown environment, a bad URL or an unknown event', async () => {
    const unknown = await app.graphql(CREATE_WEBHOOK, { input: { application: 'outbox-app', environment: 'qa', url } });
    expect(unknown.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const bad = await app.graphql(CREATE_WEBHOOK, { input: { application: 'outbox-app', url: 'ftp://x', events: ['change.registered'] } });
    expect(bad.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
    expect((bad.errors?.[0]?.extensions.fields as { path: string }[]).map((field) => field.path).sort()).toEqual(['input.events', 'input.url']);
  });
});
