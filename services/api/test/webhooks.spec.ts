import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import examples from '@octokit/webhooks-examples';
import { POLICIES_DIR, REQUEST } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

// Real payloads: GitHub's webhook examples (@octokit/webhooks-examples, pinned) and the CDEvents
// specification's examples (services/integrations/test/fixtures/cdevents, sources in its README).
// Sample payloads are free-form JSON that the tests edit in place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;

const CDEVENTS = join(__dirname, '..', '..', 'integrations', 'test', 'fixtures', 'cdevents');
const cdevent = (name: string) => JSON.parse(readFileSync(join(CDEVENTS, name), 'utf8')) as Payload;
function github(event: string, pick: (example: Payload) => boolean = () => true): Payload {
  const found = (examples as { name: string; examples: Payload[] }[]).find((entry) => entry.name === event)!.examples.find(pick);
  return structuredClone(found!);
}

const CHANGE = `query($id: ID!) { change(id: $id) { id application version sha registeredBy artifactDigest title labels changedPaths
  commits { sha author message } currentEvidence { kind check { name status } tests { passed failed skipped } source } } }`;
const CHANGES = `query($app: String!) { changes(filter: { application: $app }, first: 50) { totalCount edges { node { id version } } } }`;
const AUDIT = `query($actions: [String!]) { auditEvents(filter: { actions: $actions }, first: 50) { edges { node { action actor { kind id } application data } } } }`;

describe('incoming webhooks', () => {
  let app: TestApp;
  let githubSecret: string;
  let cdeventsToken: string;

  beforeAll(async () => {
    app = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    const created = await app.graphql(`mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: { name: 'hello-world', team: 'octo', environments: [{ name: 'dev', tier: 'DEVELOPMENT' }, { name: 'staging', tier: 'STAGING' }, { name: 'prod', tier: 'PRODUCTION', regulated: true }] },
    });
    expect(created.errors).toBeUndefined();
    const integration = `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { credential integration { id name kind application endpoint } } }`;
    const gh = await app.graphql<{ createIntegration: { credential: string; integration: { endpoint: string } } }>(integration, {
      input: { name: 'hello-world-github', kind: 'GITHUB', application: 'hello-world' },
    });
    expect(gh.errors).toBeUndefined();
    expect(gh.data!.createIntegration.integration.endpoint).toBe('/webhooks/github');
    githubSecret = gh.data!.createIntegration.credential;
    const cd = await app.graphql<{ createIntegration: { credential: string } }>(integration, { input: { name: 'hello-world-cd', kind: 'CDEVENTS', application: 'hello-world' } });
    expect(cd.errors).toBeUndefined();
    cdeventsToken = cd.data!.createIntegration.credential;
    expect(cdeventsToken).toMatch(/^ghi_/);
  });

  afterAll(() => app.close());

  async function sendGithub(event: string, payload: unknown, options: { delivery?: string; secret?: string; integration?: string } = {}) {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac('sha256', options.secret ?? githubSecret).update(body).digest('hex')}`;
    const response = await fetch(`${app.url}/webhooks/github?integration=${options.integration ?? 'hello-world-github'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': options.delivery ?? randomUUID(), 'x-hub-signature-256': signature },
      body,
    });
    return { status: response.status, body: (await response.json()) as Payload };
  }

  async function sendCDEvent(event: unknown, options: { mode?: 'structured' | 'binary'; id?: string; token?: string } = {}) {
    const id = options.id ?? randomUUID();
    const structured = (options.mode ?? 'structured') === 'structured';
    const type = (event as { context?: { type?: string } }).context?.type ?? 'unknown';
    const response = await fetch(`${app.url}/webhooks/cdevents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token ?? cdeventsToken}`,
        'content-type': structured ? 'application/cloudevents+json' : 'application/json',
        ...(structured ? {} : { 'ce-specversion': '1.0', 'ce-id': id, 'ce-type': type, 'ce-source': '/ci' }),
      },
      body: JSON.stringify(structured ? { specversion: '1.0', id, type, source: '/ci', data: event } : event),
    });
    return { status: response.status, body: (await response.json()) as Payload };
  }

  async function change(id: string) {
    const answer = await app.graphql<{ change: Payload }>(CHANGE, { id });
    expect(answer.errors).toBeUndefined();
    return answer.data!.change;
  }

  async function versions(): Promise<string[]> {
    const answer = await app.graphql<{ changes: { edges: { node: { version: string } }[] } }>(CHANGES, { app: 'hello-world' });
    return answer.data!.changes.edges.map((edge) => edge.node.version).sort();
  }

  describe('POST /webhooks/github', () => {
    const push = () => github('push', (example) => example.ref === 'refs/heads/master');
    let pushedChange: string;

    it('registers a branch push as a change, acting as the integration', async () => {
      const payload = push();
      const sent = await sendGithub('push', payload);
      expect(sent).toMatchObject({ status: 200, body: { outcome: 'registered', version: payload.after.slice(0, 12), evidence: 0 } });
      pushedChange = sent.body.change;
      const registered = await change(pushedChange);
      expect(registered).toMatchObject({
        application: 'hello-world',
        sha: payload.after,
        registeredBy: 'integration:hello-world-github',
        labels: ['source-only'],
        commits: [{ sha: payload.head_commit.id, author: 'Codertocat', message: payload.head_commit.message }],
      });
      expect(registered.artifactDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('ignores a repeated delivery id', async () => {
      const delivery = randomUUID();
      const payload = push();
      payload.after = 'a'.repeat(40);
      payload.commits[0].id = 'a'.repeat(40);
      expect((await sendGithub('push', payload, { delivery })).status).toBe(200);
      const again = await sendGithub('push', payload, { delivery });
      expect(again).toMatchObject({ status: 202, body: { outcome: 'duplicate' } });
      expect((await versions()).filter((version) => version === 'a'.repeat(12))).toHaveLength(1);
    });

    it('refuses a wrong signature with 401 and records the refusal', async () => {
      const refused = await sendGithub('push', push(), { secret: 'not-the-secret' });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGNATURE_INVALID' });
      const unknown = await sendGithub('push', push(), { integration: 'no-such-integration' });
      expect(unknown.status).toBe(401);
      const audit = await app.graphql<{ auditEvents: { edges: { node: Payload }[] } }>(AUDIT, { actions: ['webhook.signature.rejected'] });
      const reasons = audit.data!.auditEvents.edges.map((edge) => JSON.parse(edge.node.data).reason);
      expect(reasons).toEqual(expect.arrayContaining(['X-Hub-Signature-256 does not match the body', 'no enabled GitHub integration named "no-such-integration"']));
    });

    it('attaches workflow runs and check suites as checks of the change of their head commit', async () => {
      const sha = push().after;
      const run = github('workflow_run', (example) => example.action === 'completed' && example.workflow_run.conclusion === 'success');
      run.workflow_run.head_sha = sha;
      run.workflow_run.name = 'Build and Test';
      expect(await sendGithub('workflow_run', run)).toMatchObject({ status: 200, body: { outcome: 'evidence', change: pushedChange, evidence: 1 } });
      const suite = github('check_suite', (example) => example.action === 'completed' && example.check_suite.app?.slug === 'github-actions');
      suite.check_suite.head_sha = sha;
      suite.check_suite.conclusion = 'failure';
      expect((await sendGithub('check_suite', suite)).status).toBe(200);
      const checks = (await change(pushedChange)).currentEvidence.map((evidence: Payload) => evidence.check);
      expect(checks).toEqual(
        expect.arrayContaining([
          { name: 'github-build-and-test', status: 'PASSED' },
          { name: 'github-checks-github-actions', status: 'FAILED' },
        ]),
      );
    });

    it('reports a deployment_status as the deployment of the promotion of that commit', async () => {
      const status = github('deployment_status', (example) => example.deployment_status.state === 'success');
      status.deployment.sha = push().after;
      status.deployment.environment = 'dev';
      status.deployment_status.target_url = 'https://github.com/octo/hello-world/actions/runs/1';
      expect(await sendGithub('deployment_status', status)).toMatchObject({ status: 202, body: { outcome: 'ignored', reason: expect.stringContaining('has no promotion into dev') } });
      const requested = await app.graphql<{ requestPromotion: { id: string; state: string } }>(REQUEST, { input: { change: pushedChange, environment: 'dev', reason: 'release' } });
      expect(requested.data!.requestPromotion.state).toBe('APPROVED');
      const sent = await sendGithub('deployment_status', status);
      expect(sent).toMatchObject({ status: 200, body: { outcome: 'deployment', promotion: requested.data!.requestPromotion.id, status: 'SUCCEEDED' } });
      const promotion = await app.graphql<{ promotion: { state: string; deployments: { status: string; url: string; reportedBy: { username: string } }[] } }>(
        `query($id: ID!) { promotion(id: $id) { state deployments { status url reportedBy { username } } } }`,
        { id: requested.data!.requestPromotion.id },
      );
      expect(promotion.data!.promotion).toEqual({
        state: 'DEPLOYED',
        deployments: [{ status: 'SUCCEEDED', url: 'https://github.com/octo/hello-world/actions/runs/1', reportedBy: { username: 'integration:hello-world-github' } }],
      });
      // The same report again (a new delivery) meets the promotion's state machine.
      const again = await sendGithub('deployment_status', status);
      expect(again.status).toBe(409);
    });

    it('accepts and ignores what it does not map: a tag push, an unknown commit, an event it does not know', async () => {
      expect(await sendGithub('push', github('push', (example) => example.ref.startsWith('refs/tags/') && !example.deleted))).toMatchObject({ status: 202, body: { outcome: 'ignored' } });
      const run = github('workflow_run', (example) => example.action === 'completed' && example.workflow_run.conclusion === 'success');
      expect(await sendGithub('workflow_run', run)).toMatchObject({ status: 202, body: { outcome: 'ignored' } });
      expect(await sendGithub('star', { action: 'created' })).toMatchObject({ status: 202, body: { outcome: 'ignored' } });
      expect(await sendGithub('ping', github('ping'))).toMatchObject({ status: 202, body: { outcome: 'ignored' } });
    });

    it('answers 400 with every problem of a payload it cannot use, and registers nothing', async () => {
      const payload = push();
      payload.after = 'not-a-sha';
      payload.commits[0].id = 'also-not';
      const before = await versions();
      const refused = await sendGithub('push', payload);
      expect(refused.status).toBe(400);
      expect(refused.body.error.problems).toEqual(['after must be a commit SHA', 'commits[0].id must be a commit SHA']);
      expect(await versions()).toEqual(before);
    });
  });

  describe('POST /webhooks/cdevents', () => {
    const gatehouse = (version: string, extra: Record<string, unknown> = {}) => ({
      gatehouse: {
        version,
        artifactDigest: `sha256:${'cd'.repeat(32)}`,
        title: 'Merged: partial refunds',
        commits: [{ sha: 'feedbeef01', author: 'ana', message: 'Partial refunds' }],
        ...extra,
      },
    });

    it('accepts every specification example (valid), ignoring those that carry nothing to map', async () => {
      for (const name of ['change_merged.json', 'artifact_published.json', 'service_deployed.json', 'service_upgraded.json', 'service_rolledback.json', 'testsuiterun_finished.json']) {
        const sent = await sendCDEvent(cdevent(name));
        expect({ name, status: sent.status, outcome: sent.body.outcome }).toEqual({ name, status: 202, outcome: 'ignored' });
      }
    });

    it('registers a change from change.merged with customData, in structured and binary mode', async () => {
      const merged = { ...cdevent('change_merged.json'), customData: gatehouse('2.0.0') };
      const sent = await sendCDEvent(merged);
      expect(sent).toMatchObject({ status: 200, body: { outcome: 'registered', version: '2.0.0' } });
      expect(await change(sent.body.change)).toMatchObject({ registeredBy: 'integration:hello-world-cd', title: 'Merged: partial refunds' });
      const binary = await sendCDEvent({ ...cdevent('change_merged.json'), customData: gatehouse('2.0.1') }, { mode: 'binary' });
      expect(binary).toMatchObject({ status: 200, body: { outcome: 'registered', version: '2.0.1' } });
    });

    it('takes the digest of an OCI artifact from its package URL', async () => {
      const published = cdevent('artifact_published.json');
      published.subject.id = `pkg:oci/hello-world@sha256%3A${'ef'.repeat(32)}`;
      const custom = gatehouse('2.1.0');
      delete (custom.gatehouse as Record<string, unknown>).artifactDigest;
      const sent = await sendCDEvent({ ...published, customData: custom });
      expect(sent.status).toBe(200);
      expect((await change(sent.body.change)).artifactDigest).toBe(`sha256:${'ef'.repeat(32)}`);
    });

    it('attaches a finished test suite run to the change it names by version', async () => {
      const run = { ...cdevent('testsuiterun_finished.json'), customData: { gatehouse: { version: '2.0.0' } } };
      const sent = await sendCDEvent(run);
      expect(sent).toMatchObject({ status: 200, body: { outcome: 'evidence', evidence: 1 } });
      const withCounts = { ...cdevent('testsuiterun_finished.json'), customData: { gatehouse: { version: '2.0.0', tests: { passed: 40, failed: 0, skipped: 2 } } } };
      expect((await sendCDEvent(withCounts)).status).toBe(200);
      const evidence = (await change(sent.body.change)).currentEvidence;
      expect(evidence).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'CHECK', check: { name: 'tests-auth-testsuite', status: 'FAILED' }, source: 'cdevents' }),
          expect.objectContaining({ kind: 'TESTS', tests: { passed: 40, failed: 0, skipped: 2 } }),
        ]),
      );
    });

    it('reports service.deployed as the deployment of the change whose artifact it names', async () => {
      const registered = await sendCDEvent({ ...cdevent('change_merged.json'), customData: gatehouse('4.0.0', { artifactDigest: `sha256:${'4d'.repeat(32)}` }) });
      const requested = await app.graphql<{ requestPromotion: { id: string } }>(REQUEST, { input: { change: registered.body.change, environment: 'dev', reason: 'release' } });
      expect(requested.errors).toBeUndefined();
      const deployed = cdevent('service_deployed.json');
      deployed.subject.content = { environment: { id: 'dev' }, artifactId: `pkg:oci/hello-world@sha256%3A${'4d'.repeat(32)}` };
      const sent = await sendCDEvent(deployed, { mode: 'binary' });
      expect(sent).toMatchObject({ status: 200, body: { outcome: 'deployment', promotion: requested.data!.requestPromotion.id, status: 'SUCCEEDED' } });
      const rolledBack = cdevent('service_rolledback.json');
      rolledBack.subject.content = deployed.subject.content;
      expect(await sendCDEvent(rolledBack)).toMatchObject({ status: 200, body: { status: 'ROLLED_BACK' } });
    });

    it('refuses an event that does not match its schema with 400 and the schema error', async () => {
      const deployed = cdevent('service_deployed.json');
      delete deployed.subject.content.environment;
      const refused = await sendCDEvent(deployed);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'SCHEMA_INVALID', problems: ["/subject/content: must have required property 'environment'"] });
    });

    it('accepts and ignores an event of an unknown type', async () => {
      const sent = await sendCDEvent({ context: { version: '0.4.1', id: 'x', source: '/ci', type: 'dev.cdevents.pipelinerun.finished.0.2.0', timestamp: '2026-11-26T10:00:00Z' }, subject: { id: 'run-1', content: {} } });
      expect(sent.status).toBe(202);
      expect(sent.body.reason).toMatch(/^unknown event type/);
    });

    it('never half-registers: a registration whose evidence is wrong leaves no change, and the retry of the same event then succeeds', async () => {
      const id = randomUUID();
      const broken = { ...cdevent('change_merged.json'), customData: gatehouse('3.0.0', { evidence: [{ kind: 'TESTS', tests: { passed: 10, failed: -1, skipped: 0 } }] }) };
      const refused = await sendCDEvent(broken, { id });
      expect(refused.status).toBe(400);
      expect(refused.body.error.problems).toEqual(['customData.gatehouse.evidence[0].tests.failed must be a whole number from 0 to 1000000000']);
      expect(await versions()).not.toContain('3.0.0');
      // A report the evidence service refuses (a payload of another kind) rolls the registration back too.
      const mismatched = { ...cdevent('change_merged.json'), customData: gatehouse('3.0.0', { evidence: [{ kind: 'COVERAGE', tests: { passed: 1, failed: 0, skipped: 0 } }] }) };
      const refusedByService = await sendCDEvent(mismatched, { id });
      expect(refusedByService.status).toBe(400);
      expect(refusedByService.body.error.code).toBe('VALIDATION_FAILED');
      expect(await versions()).not.toContain('3.0.0');
      const fixed = { ...cdevent('change_merged.json'), customData: gatehouse('3.0.0', { evidence: [{ kind: 'TESTS', tests: { passed: 10, failed: 0, skipped: 0 } }] }) };
      const retried = await sendCDEvent(fixed, { id });
      expect(retried).toMatchObject({ status: 200, body: { outcome: 'registered', version: '3.0.0', evidence: 1 } });
    });

    it('lists every problem of customData it cannot use', async () => {
      const sent = await sendCDEvent({ ...cdevent('change_merged.json'), customData: { gatehouse: { version: '', commits: [{ sha: 'xyz' }] } } });
      expect(sent.status).toBe(400);
      expect(sent.body.error.problems).toEqual([
        'customData.gatehouse.version must not be empty',
        'customData.gatehouse.artifactDigest is required',
        'customData.gatehouse.title is required',
        'customData.gatehouse.commits[0].sha must be 7 to 64 lowercase hex characters',
        'customData.gatehouse.commits[0].author is required',
      ]);
    });

    it('refuses a missing or wrong token with 401, and records the wrong one', async () => {
      const missing = await fetch(`${app.url}/webhooks/cdevents`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{}' });
      expect(missing.status).toBe(401);
      expect((await sendCDEvent(cdevent('change_merged.json'), { token: 'ghi_wrong' })).status).toBe(401);
      const audit = await app.graphql<{ auditEvents: { edges: unknown[] } }>(AUDIT, { actions: ['webhook.token.rejected'] });
      expect(audit.data!.auditEvents.edges).toHaveLength(1);
    });

    it('refuses a disabled integration', async () => {
      const created = await app.graphql<{ createIntegration: { credential: string; integration: { id: string } } }>(
        `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { credential integration { id } } }`,
        { input: { name: 'short-lived', kind: 'CDEVENTS', application: 'hello-world' } },
      );
      const { credential, integration } = created.data!.createIntegration;
      expect((await sendCDEvent(cdevent('change_merged.json'), { token: credential })).status).toBe(202);
      const disabled = await app.graphql(`mutation($input: DisableIntegrationInput!) { disableIntegration(input: $input) { disabledAt } }`, { input: { id: integration.id } });
      expect(disabled.errors).toBeUndefined();
      expect((await sendCDEvent(cdevent('change_merged.json'), { token: credential })).status).toBe(401);
    });
  });

  describe('managing integrations', () => {
    it('refuses an unknown application and a taken name, and is for admins only', async () => {
      const create = `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { credential } }`;
      const unknown = await app.graphql(create, { input: { name: 'x-1', kind: 'GITHUB', application: 'no-such-app' } });
      expect(unknown.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      const taken = await app.graphql(create, { input: { name: 'hello-world-github', kind: 'GITHUB', application: 'hello-world' } });
      expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INTEGRATION_NAME_TAKEN' });
      const developer = await app.tokenFor('dev-integrations', ['DEVELOPER']);
      const refused = await app.graphql(`{ integrations { name } }`, {}, { authorization: `Bearer ${developer}` });
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const listed = await app.graphql<{ integrations: { name: string }[] }>(`{ integrations { name kind application disabledAt } }`);
      expect(listed.data!.integrations.map((integration) => integration.name)).toEqual(['hello-world-cd', 'hello-world-github', 'short-lived']);
    });
  });
});
