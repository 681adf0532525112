import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { compilePolicy, evaluatePolicy, parseYamlSource, policyContentHash, PolicyService, PolicySync, recordDecisionInput, type CompiledPolicy } from '@gatehouse/policy';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './support/test-app';

const POLICIES = join(__dirname, '..', '..', '..', 'policies');
const PRODUCTION = readFileSync(join(POLICIES, 'production', 'policy.yaml'), 'utf8');
const STAGING = readFileSync(join(POLICIES, 'staging', 'policy.yaml'), 'utf8');
const DEVELOPMENT = readFileSync(join(POLICIES, 'development', 'policy.yaml'), 'utf8');

/** The production policy as version 2: the CAB sees risk 5 and above and needs two of its members; auto only below risk 2. */
const PRODUCTION_V2 = PRODUCTION.replace('version: 1', 'version: 2')
  .replace('{ ">=": [{ "var": "change.risk" }, 7] }', '{ ">=": [{ "var": "change.risk" }, 5] }')
  .replace('approvals: { count: 1, groups: [change-advisory-board] }', 'approvals: { count: 2, groups: [change-advisory-board] }')
  .replace('{ "<": [{ "var": "change.risk" }, 3] }', '{ "<": [{ "var": "change.risk" }, 2] }');

const PUBLISH = `mutation Publish($input: PublishPolicyVersionInput!) {
  publishPolicyVersion(input: $input) { created policyVersion { id name version hash message default author { kind id } activeEnvironments rules { id effect } } } }`;
const ACTIVATE = `mutation Activate($input: ActivatePolicyVersionInput!) { activatePolicyVersion(input: $input) { name version activeEnvironments } }`;
const POLICY = `query Policy($name: String!) { policy(name: $name) { name versions latestVersion { version } activations { environment policy version regulated activatedBy { id } } } }`;
const POLICIES_PAGE = `query Policies($first: Int, $after: String) { policies(first: $first, after: $after) { totalCount edges { node { name latestVersion { version } } } pageInfo { hasNextPage endCursor } } }`;
const VERSION = `query Version($name: String!, $version: Int!) { policyVersion(name: $name, version: $version) { name version hash source document appliesTo { environments regulated } rules { id when effect approvals { count groups } reason } } }`;
const EVALUATE = `query Evaluate($input: EvaluatePolicyInput!) {
  evaluatePolicy(input: $input) { policy version hash outcome basis inputHash approvals { group count } matchedRules { id effect reason } explanation { id matched facts error } } }`;
const DIFF = `query Diff($name: String!, $from: Int!, $to: Int!) {
  diffPolicyVersions(name: $name, from: $from, to: $to) { name from to fromHash toHash added { id } removed { id } changed { id fields before { when } after { when } } settingsChanged reordered } }`;
const SIMULATE = `query Simulate($input: SimulatePolicyInput!) {
  simulatePolicy(input: $input) {
    policy candidateVersion candidateHash environment total changed unchanged failedClosed
    transitions { label fromOutcome toOutcome fromQuorum toQuorum count }
    groups { application environment total changed transitions { label count } }
    samples { id application environment label fromOutcome toOutcome fromApprovals { group count } toApprovals { group count } }
  } }`;

type Outcome = 'allow' | 'require_approval' | 'deny';
const GRAPHQL_OUTCOME: Record<Outcome, string> = { allow: 'ALLOW', require_approval: 'REQUIRE_APPROVAL', deny: 'DENY' };

/** A valid production input document; `overrides` are merged one level deep. */
function productionInput(overrides: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    change: { id: 'chg-1', sha: 'abc123', artifactDigest: null, title: 'Fix login copy', ticket: null, labels: [], paths: ['web/login/copy.ts'], diffSize: 12, risk: 1, authors: ['alice'], emergency: false },
    evidence: { tests: { passed: true, total: 800, failed: 0, coverage: 81 }, vulnerabilities: { critical: 0, high: 0, medium: 1, low: 2 }, checks: {} },
    application: { name: 'online-banking', team: 'digital', tier: 'critical', tags: [] },
    source: { environment: 'staging', succeeded: true, deployedAt: '2026-11-25T09:30:00Z' },
    target: { environment: 'prod', regulated: true, tier: 'production', timezone: 'Europe/Zurich' },
    window: { frozen: false, freeze: null, inChangeWindow: true },
    requester: { id: 'ci-pipeline', kind: 'service', groups: [], isAuthor: false },
    history: { deploymentsToday: 0, failedDeploymentsLast7Days: 0, lastDeploymentFailed: false, rollbacksLast30Days: 0 },
  };
  for (const [key, value] of Object.entries(overrides)) base[key] = { ...base[key], ...value };
  return base;
}

/** Seeded inputs that vary every field the production rules read. */
function* generatedInputs(count: number, seed: number): Generator<Record<string, unknown>> {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const paths = ['web/login/copy.ts', 'api/accounts.ts', 'payments/ledger/post.ts', 'statements/export.ts'];
  for (let i = 0; i < count; i += 1) {
    yield productionInput({
      change: { id: `chg-${i}`, risk: Math.floor(random() * 11), paths: [paths[Math.floor(random() * paths.length)]!] },
      evidence: { tests: { passed: random() < 0.9, total: 10, failed: 0, coverage: null } },
      window: { frozen: random() < 0.1 },
    });
  }
}

describe('policies over HTTP GraphQL', () => {
  let api: TestApp;
  let db: Client;
  let dataSource: DataSource;

  const publish = (document: string, message?: string, token?: string) =>
    api.graphql(PUBLISH, { input: { document, message } }, token ? { authorization: `Bearer ${token}` } : {});
  const auditEvents = async (action: string) =>
    (await db.query('SELECT actor_kind, actor_id, subject_type, subject_id, environment, data FROM audit.event WHERE action = $1 ORDER BY pk', [action])).rows;

  beforeAll(async () => {
    api = await startTestApp();
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    dataSource = api.app.get(DataSource);
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  describe('publishPolicyVersion', () => {
    it('publishes a version with its content hash, author and message, and records policy.version.published', async () => {
      const { data, errors } = await publish(PRODUCTION, 'first production policy');
      expect(errors).toBeUndefined();
      const published = (data as { publishPolicyVersion: { created: boolean; policyVersion: Record<string, unknown> } }).publishPolicyVersion;
      expect(published.created).toBe(true);
      expect(published.policyVersion).toMatchObject({
        name: 'production',
        version: 1,
        hash: policyContentHash(parseYamlSource('policy.yaml', PRODUCTION).value),
        message: 'first production policy',
        default: 'REQUIRE_APPROVAL',
        author: { kind: 'TOKEN' },
        activeEnvironments: [],
      });
      const events = await auditEvents('policy.version.published');
      expect(events).toEqual([
        expect.objectContaining({ subject_type: 'policy_version', subject_id: published.policyVersion.id, data: expect.objectContaining({ policy: 'production', version: 1, hash: published.policyVersion.hash }) }),
      ]);
    });

    it('treats the same content again (other comments and formatting) as a no-op returning the existing version', async () => {
      const first = await publish(STAGING);
      const again = await publish(`# reformatted\n${STAGING.replace(/\n\s*#[^\n]*/g, '')}\n\n`, 'again');
      expect(again.errors).toBeUndefined();
      const before = (first.data as { publishPolicyVersion: { policyVersion: { id: string } } }).publishPolicyVersion.policyVersion;
      expect(again.data).toMatchObject({ publishPolicyVersion: { created: false, policyVersion: { id: before.id, version: 1 } } });
      const events = (await auditEvents('policy.version.published')).filter((event) => event.data.policy === 'staging');
      expect(events).toHaveLength(1);
    });

    it('refuses other content under a published version with CONFLICT asking to bump the version', async () => {
      const { errors } = await publish(PRODUCTION.replace('Failing tests never reach production', 'Failing tests stop here'));
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', policy: 'production', version: 1 });
      expect(errors?.[0]?.message).toContain('bump the version to 2');
      const { data } = await api.graphql(VERSION, { name: 'production', version: 1 });
      expect((data as { policyVersion: { rules: { reason: string }[] } }).policyVersion.rules[0]!.reason).toBe('Failing tests never reach production');
    });

    it('gives exactly one new version when the same document is published concurrently', async () => {
      const document = DEVELOPMENT;
      const results = await Promise.all(Array.from({ length: 6 }, () => publish(document)));
      expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
      expect(results.filter((r) => (r.data as { publishPolicyVersion: { created: boolean } }).publishPolicyVersion.created)).toHaveLength(1);
    });

    it('refuses an invalid document with VALIDATION_FAILED listing every problem with its path and line', async () => {
      const broken = PRODUCTION.replace('{ "var": "evidence.tests.passed" }', '{ "var": "evidence.test.passed" }')
        .replace('effect: allow', 'effect: permit')
        .replace('{ ">": [{ "var": "evidence.vulnerabilities.critical" }, 0] }', '{ "greater": [{ "var": "evidence.vulnerabilities.critical" }, 0] }');
      const { errors } = await publish(broken);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_POLICY_DOCUMENT' });
      const problems = errors?.[0]?.extensions.problems as { path: string; line: number; column: number; message: string }[];
      const lineOf = (text: string) => broken.split('\n').findIndex((line) => line.includes(text)) + 1;
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'rules[0].when.!.var', line: lineOf('evidence.test.passed'), message: expect.stringContaining('did you mean `evidence.tests.passed`?') }),
          expect.objectContaining({ path: expect.stringMatching(/^rules\[1\]\.when/), line: lineOf('"greater"'), message: expect.stringContaining('greater') }),
          expect.objectContaining({ path: 'rules[5].effect', line: lineOf('effect: permit') }),
        ]),
      );
      expect(errors?.[0]?.message).toContain(`input.document:${lineOf('effect: permit')}:`);
    });

    it('refuses YAML that does not parse with the line of the syntax error', async () => {
      const { errors } = await publish('name: broken\nversion: 1\nrules: [\n');
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_POLICY_DOCUMENT' });
      expect((errors?.[0]?.extensions.problems as { line: number }[])[0]!.line).toBeGreaterThan(0);
    });

    it('refuses a version older than the latest with CONFLICT', async () => {
      await publish(DEVELOPMENT.replace('version: 1', 'version: 3'));
      const { errors } = await publish(DEVELOPMENT.replace('version: 1', 'version: 2'));
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_OUT_OF_ORDER', latestVersion: 3 });
    });

    it('is refused to a developer', async () => {
      const developer = await api.tokenFor('policy-developer', ['DEVELOPER']);
      const { errors } = await publish(PRODUCTION, undefined, developer);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    });
  });

  describe('policies, policy and policyVersion', () => {
    it('lists policies by name a page at a time', async () => {
      const first = await api.graphql(POLICIES_PAGE, { first: 2 });
      const page = (first.data as { policies: { totalCount: number; edges: { node: { name: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } }).policies;
      expect(page.totalCount).toBeGreaterThanOrEqual(3);
      expect(page.edges.map((e) => e.node.name)).toEqual(['development', 'production']);
      const next = await api.graphql(POLICIES_PAGE, { first: 2, after: page.pageInfo.endCursor });
      expect((next.data as { policies: { edges: { node: { name: string } }[] } }).policies.edges[0]!.node.name).toBe('staging');
    });

    it('returns a version with its source and parsed document, and NOT_FOUND for what does not exist', async () => {
      const { data } = await api.graphql(VERSION, { name: 'production', version: 1 });
      expect(data).toMatchObject({ policyVersion: { name: 'production', version: 1, source: PRODUCTION, appliesTo: { environments: ['prod'], regulated: true } } });
      expect((await api.graphql(VERSION, { name: 'production', version: 9 })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'POLICY_VERSION_NOT_FOUND' });
      expect((await api.graphql(POLICY, { name: 'nope' })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'POLICY_NOT_FOUND' });
    });
  });

  describe('activatePolicyVersion', () => {
    it('activates a version for an environment, records policy.version.activated, and is a no-op when repeated', async () => {
      const { data, errors } = await api.graphql(ACTIVATE, { input: { name: 'production', version: 1, environments: [{ name: 'prod', regulated: true }] } });
      expect(errors).toBeUndefined();
      expect(data).toEqual({ activatePolicyVersion: { name: 'production', version: 1, activeEnvironments: ['prod'] } });
      const again = await api.graphql(ACTIVATE, { input: { name: 'production', version: 1, environments: [{ name: 'prod', regulated: true }] } });
      expect(again.errors).toBeUndefined();
      const events = await auditEvents('policy.version.activated');
      expect(events).toEqual([
        expect.objectContaining({ actor_kind: 'TOKEN', subject_type: 'policy_version', environment: 'prod', data: expect.objectContaining({ policy: 'production', version: 1, regulated: true, previous: null }) }),
      ]);
      const policy = await api.graphql(POLICY, { name: 'production' });
      expect(policy.data).toMatchObject({ policy: { name: 'production', versions: [1], activations: [{ environment: 'prod', policy: 'production', version: 1, regulated: true }] } });
    });

    it('refuses a regulated environment to a policy that does not declare appliesTo.regulated', async () => {
      const { errors } = await api.graphql(ACTIVATE, { input: { name: 'staging', version: 1, environments: [{ name: 'staging', regulated: true }] } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'REGULATED_ENVIRONMENT', fields: [expect.objectContaining({ path: 'input.environments[0].regulated' })] });
      expect((await auditEvents('policy.version.activated')).filter((event) => event.data.policy === 'staging')).toEqual([]);
    });

    it('refuses an environment outside the policy\'s appliesTo.environments', async () => {
      const { errors } = await api.graphql(ACTIVATE, { input: { name: 'staging', version: 1, environments: [{ name: 'prod', regulated: false }] } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'ENVIRONMENT_OUT_OF_SCOPE' });
    });

    it('refuses an unknown version with NOT_FOUND and a policy author-less caller with FORBIDDEN', async () => {
      expect((await api.graphql(ACTIVATE, { input: { name: 'production', version: 7, environments: [{ name: 'prod', regulated: true }] } })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      const auditor = await api.tokenFor('policy-auditor', ['AUDITOR']);
      const refused = await api.graphql(ACTIVATE, { input: { name: 'production', version: 1, environments: [{ name: 'prod', regulated: true }] } }, { authorization: `Bearer ${auditor}` });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    });
  });

  describe('evaluatePolicy', () => {
    it('decides a dry run with approvals, matched rules and an explanation, storing nothing', async () => {
      const eventsBefore = (await db.query('SELECT count(*)::int AS n FROM audit.event')).rows[0].n;
      const input = productionInput({ change: { risk: 8, paths: ['payments/ledger/post.ts'] } });
      const { data, errors } = await api.graphql(EVALUATE, { input: { name: 'production', version: 1, input } });
      expect(errors).toBeUndefined();
      const evaluation = (data as { evaluatePolicy: Record<string, unknown> & { explanation: { id: string; matched: boolean; facts: string[] }[] } }).evaluatePolicy;
      expect(evaluation).toMatchObject({
        policy: 'production',
        version: 1,
        outcome: 'REQUIRE_APPROVAL',
        basis: 'rules',
        approvals: expect.arrayContaining([{ group: 'payments-leads', count: 2 }, { group: 'change-advisory-board', count: 1 }]),
        matchedRules: [expect.objectContaining({ id: 'payments-four-eyes' }), expect.objectContaining({ id: 'high-risk-cab' })],
      });
      expect(evaluation.inputHash).toMatch(/^[0-9a-f]{64}$/);
      const cab = evaluation.explanation.find((rule) => rule.id === 'high-risk-cab')!;
      expect(cab.matched).toBe(true);
      expect(cab.facts.join(' ')).toContain('`change.risk` was 8');
      expect((await db.query('SELECT count(*)::int AS n FROM audit.event')).rows[0].n).toBe(eventsBefore);
      expect((await db.query('SELECT count(*)::int AS n FROM policy.decision_input')).rows[0].n).toBe(0);
    });

    it('uses the latest version when none is given, and denies a failing test run', async () => {
      const { data } = await api.graphql(EVALUATE, { input: { name: 'staging', input: productionInput({ evidence: { tests: { passed: false, total: 5, failed: 1, coverage: null } } }) } });
      expect(data).toMatchObject({ evaluatePolicy: { policy: 'staging', version: 1, outcome: 'DENY', matchedRules: [{ id: 'tests-must-pass' }] } });
    });

    it('refuses an input document that does not fit the input schema, naming the field', async () => {
      const input = productionInput({ change: { risk: 'high' } });
      const { errors } = await api.graphql(EVALUATE, { input: { name: 'production', version: 1, input } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_POLICY_INPUT', fields: expect.arrayContaining([expect.objectContaining({ path: 'input.input.change.risk' })]) });
    });

    it('is allowed to a viewer (it changes nothing)', async () => {
      const viewer = await api.tokenFor('policy-viewer', ['VIEWER'], { scopes: ['READ'] });
      const { errors } = await api.graphql(EVALUATE, { input: { name: 'production', input: productionInput() } }, { authorization: `Bearer ${viewer}` });
      expect(errors).toBeUndefined();
    });
  });

  describe('diffPolicyVersions', () => {
    it('lists the rules changed between two versions with the changed fields', async () => {
      expect((await publish(PRODUCTION_V2, 'CAB from risk 5, two members')).errors).toBeUndefined();
      const { data, errors } = await api.graphql(DIFF, { name: 'production', from: 1, to: 2 });
      expect(errors).toBeUndefined();
      expect(data).toMatchObject({
        diffPolicyVersions: {
          name: 'production',
          from: 1,
          to: 2,
          added: [],
          removed: [],
          changed: [
            { id: 'high-risk-cab', fields: ['when', 'approvals'], before: { when: { '>=': [{ var: 'change.risk' }, 7] } }, after: { when: { '>=': [{ var: 'change.risk' }, 5] } } },
            { id: 'low-risk-auto', fields: ['when'] },
          ],
          settingsChanged: [],
          reordered: false,
        },
      });
    });

    it('reports added and removed rules', async () => {
      const v3 = PRODUCTION_V2.replace('version: 2', 'version: 3').replace(/\n {2}- id: change-freeze[\s\S]*?reason: Nothing deploys to production during a freeze\n/, '\n') +
        '\n  - id: no-friday-deploys\n    when: { "===": [{ "var": "window.dayOfWeek" }, "fri"] }\n    effect: require_approval\n    approvals: { count: 1, groups: [release-managers] }\n    reason: Fridays need a release manager\n';
      expect((await publish(v3)).errors).toBeUndefined();
      const { data } = await api.graphql(DIFF, { name: 'production', from: 2, to: 3 });
      expect(data).toMatchObject({ diffPolicyVersions: { added: [{ id: 'no-friday-deploys' }], removed: [{ id: 'change-freeze' }], changed: [] } });
    });
  });

  describe('activation history', () => {
    it('replaces the version governing an environment, keeps the history and names the version replaced', async () => {
      const { errors } = await api.graphql(ACTIVATE, { input: { name: 'production', version: 2, environments: [{ name: 'prod', regulated: true }] } });
      expect(errors).toBeUndefined();
      const policy = await api.graphql(POLICY, { name: 'production' });
      expect(policy.data).toMatchObject({ policy: { activations: [{ environment: 'prod', version: 2 }] } });
      const history = await db.query("SELECT version FROM policy.activation WHERE environment = 'prod' ORDER BY id");
      expect(history.rows.map((row) => row.version)).toEqual([1, 2]);
      const events = await auditEvents('policy.version.activated');
      expect(events.at(-1)).toMatchObject({ environment: 'prod', data: { policy: 'production', version: 2, previous: { policy: 'production', version: 1 } } });
      const v1 = await api.graphql(VERSION.replace('source', 'source activeEnvironments'), { name: 'production', version: 1 });
      expect(v1.data).toMatchObject({ policyVersion: { activeEnvironments: [] } });
    });

    it('gives promotions the compiled version governing an environment, failing closed for a regulated target under an unregulated policy', async () => {
      const service = api.app.get(PolicyService);
      expect(await service.activeFor('prod', true)).toMatchObject({ name: 'production', version: 2 });
      expect(await service.activeFor('nowhere', false)).toBeNull();
      expect((await api.graphql(ACTIVATE, { input: { name: 'staging', version: 1, environments: [{ name: 'staging', regulated: false }] } })).errors).toBeUndefined();
      expect(await service.activeFor('staging', false)).toMatchObject({ name: 'staging', version: 1 });
      await expect(service.activeFor('staging', true)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'REGULATED_ENVIRONMENT' });
    });

    it('refuses to change a published version or an activation in the database', async () => {
      await expect(db.query("UPDATE policy.policy_version SET message = 'rewritten'")).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM policy.activation')).rejects.toThrow(/append-only/);
    });
  });

  describe('simulatePolicy', () => {
    const COUNT = 400;
    let v1: CompiledPolicy;
    let v2: CompiledPolicy;
    const stored: { application: string; environment: string; input: Record<string, unknown>; decidedAt: Date }[] = [];

    beforeAll(async () => {
      v1 = compilePolicy(parseYamlSource('v1', PRODUCTION).value);
      v2 = compilePolicy(parseYamlSource('v2', PRODUCTION_V2).value);
      let i = 0;
      for (const input of generatedInputs(COUNT, 42)) {
        const application = i % 3 === 0 ? 'payments-hub' : 'online-banking';
        const environment = i % 4 === 0 ? 'prod-eu' : 'prod';
        stored.push({ application, environment, input, decidedAt: new Date(Date.UTC(2026, 9, 1) + i * 3_600_000) });
        i += 1;
      }
      await dataSource.transaction(async (manager) => {
        for (const row of stored) {
          const decision = evaluatePolicy(v1, row.input);
          await recordDecisionInput(manager, { policy: { name: 'production', version: 1, hash: v1.hash }, application: row.application, environment: row.environment, outcome: decision.outcome, approvals: decision.approvals, input: row.input, decidedAt: row.decidedAt });
        }
        // Another policy's decisions are never replayed.
        await recordDecisionInput(manager, { policy: { name: 'staging', version: 1, hash: 'f'.repeat(64) }, application: 'online-banking', environment: 'staging', outcome: 'allow', approvals: [], input: productionInput() });
      });
    });

    /** What the candidate changes, computed here decision by decision. */
    function expected(rows: typeof stored) {
      const transitions = new Map<string, number>();
      let changed = 0;
      for (const row of rows) {
        const before = evaluatePolicy(v1, row.input);
        const after = evaluatePolicy(v2, row.input);
        const quorum = (d: typeof before) => d.approvals.reduce((sum, a) => sum + a.count, 0);
        if (before.outcome === after.outcome && JSON.stringify(before.approvals) === JSON.stringify(after.approvals)) continue;
        changed += 1;
        const key = `${before.outcome}>${after.outcome}>${quorum(before)}>${quorum(after)}`;
        transitions.set(key, (transitions.get(key) ?? 0) + 1);
      }
      return { changed, transitions };
    }

    it('replays a published candidate over every stored input of the policy and counts what changes', async () => {
      const { data, errors } = await api.graphql(SIMULATE, { input: { name: 'production', candidate: { version: 2 } } });
      expect(errors).toBeUndefined();
      const simulation = (data as { simulatePolicy: { total: number; changed: number; unchanged: number; candidateHash: string; transitions: { label: string; fromOutcome: Outcome; toOutcome: Outcome; fromQuorum: number; toQuorum: number; count: number }[]; groups: { application: string; environment: string; total: number; changed: number }[]; samples: unknown[] } }).simulatePolicy;
      const want = expected(stored);
      expect(want.changed).toBeGreaterThan(0);
      expect(simulation).toMatchObject({ total: COUNT, changed: want.changed, unchanged: COUNT - want.changed, candidateHash: v2.hash });
      const got = new Map(simulation.transitions.map((t) => [`${t.fromOutcome}>${t.toOutcome}>${t.fromQuorum}>${t.toQuorum}`, t.count]));
      const upper = (key: string) => key.replace(/[a-z_]+/g, (outcome) => GRAPHQL_OUTCOME[outcome as Outcome]);
      expect(got).toEqual(new Map([...want.transitions].map(([key, count]) => [upper(key), count])));
      expect(simulation.transitions.map((t) => t.label)).toEqual(expect.arrayContaining(['auto → approval', 'quorum 1 → 2']));
      expect(simulation.groups.map((g) => `${g.application}/${g.environment}`)).toEqual(['online-banking/prod', 'online-banking/prod-eu', 'payments-hub/prod', 'payments-hub/prod-eu']);
      expect(simulation.groups.reduce((sum, g) => sum + g.total, 0)).toBe(COUNT);
      expect(simulation.groups.reduce((sum, g) => sum + g.changed, 0)).toBe(want.changed);
      expect(simulation.samples.length).toBe(Math.min(100, want.changed));
    });

    it('replays only the chosen environment and time range', async () => {
      const since = new Date(Date.UTC(2026, 9, 3));
      const until = new Date(Date.UTC(2026, 9, 10));
      const rows = stored.filter((row) => row.environment === 'prod' && row.decidedAt >= since && row.decidedAt < until);
      const { data, errors } = await api.graphql(SIMULATE, { input: { name: 'production', candidate: { version: 2 }, environment: 'prod', since: since.toISOString(), until: until.toISOString() } });
      expect(errors).toBeUndefined();
      expect(data).toMatchObject({ simulatePolicy: { environment: 'prod', total: rows.length, changed: expected(rows).changed } });
    });

    it('replays an unpublished candidate document, and the stored version itself changes nothing', async () => {
      const inline = await api.graphql(SIMULATE, { input: { name: 'production', candidate: { document: PRODUCTION_V2.replace('version: 2', 'version: 99') } } });
      expect(inline.errors).toBeUndefined();
      expect(inline.data).toMatchObject({ simulatePolicy: { candidateVersion: 99, total: COUNT, changed: expected(stored).changed } });
      const same = await api.graphql(SIMULATE, { input: { name: 'production', candidate: { version: 1 } } });
      expect(same.data).toMatchObject({ simulatePolicy: { total: COUNT, changed: 0, transitions: [] } });
    });

    it('refuses a candidate that is both or neither a version and a document', async () => {
      const { errors } = await api.graphql(SIMULATE, { input: { name: 'production', candidate: {} } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.candidate', message: 'must give exactly one of version or document' }] });
    });
  });
});

describe('policies loaded from a directory on start (GitOps)', () => {
  let dir: string;
  let api: TestApp;
  let errorLog: jest.SpyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-policies-'));
    mkdirSync(join(dir, 'staging'));
    writeFileSync(join(dir, 'staging', 'policy.yaml'), STAGING);
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'policy.yaml'), 'name: broken\nversion: 1\nappliesTo: { environments: [dev] }\ndefault: allow\nrules:\n  - id: typo\n    when: { "var": "change.rsik" }\n    effect: deny\n    reason: typo\n');
    errorLog = jest.spyOn(Logger.prototype, 'error');
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: dir });
  });
  afterAll(async () => {
    errorLog.mockRestore();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the valid policy as SYSTEM and activates it for its environments on first load', async () => {
    const { data, errors } = await api.graphql(POLICY, { name: 'staging' });
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({ policy: { name: 'staging', versions: [1], activations: [{ environment: 'staging', version: 1, regulated: false, activatedBy: { id: 'gatehouse' } }] } });
  });

  it('logs the invalid file with file, line and reason, and keeps serving', async () => {
    const { errors } = await api.graphql(POLICY, { name: 'broken' });
    expect(errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const report = api.app.get(PolicySync).report;
    const broken = report.entries.find((entry) => entry.name === 'broken')!;
    expect(broken.status).toBe('refused');
    expect(broken.problems).toEqual([expect.stringMatching(/broken\/policy\.yaml:7:\d+: .*`change\.rsik` is not a field of the input; did you mean `change\.risk`\?/)]);
    expect(errorLog).toHaveBeenCalledWith(expect.stringMatching(/broken\/policy\.yaml:7:\d+: .*change\.rsik/));
  });

  it('publishes nothing new when the same directory is loaded again', async () => {
    const report = await api.app.get(PolicySync).sync(dir);
    expect(report.entries.find((entry) => entry.name === 'staging')).toMatchObject({ status: 'unchanged', version: 1, activated: [] });
  });
});
