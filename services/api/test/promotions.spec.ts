import { Client } from 'pg';
import { checkPolicyInput } from '@gatehouse/policy';
import { GET_PROMOTION, POLICIES_DIR, PromotionDriver, bearer, type PromotionData } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

interface FullPromotion extends PromotionData {
  decisions: { id: string; outcome: string; trigger: string; supersededAt: string | null; input: { window: { frozen: unknown } } & Record<string, unknown>; explanation: { id: string; matched: boolean; facts: string[] }[] }[];
  approvals: { id: string; approver: { username: string }; vote: string; comment: string; groups: string[]; decisionId: string; counted: boolean; dismissedAt: string | null; dismissReason: string | null }[];
  deployments: { status: string; url: string | null; details: unknown; reportedBy: { username: string } }[];
  timeline: { at: string; kind: string; summary: string; actor: string }[];
  myEligibility: { canApprove: boolean; code: string | null; reason: string; groups: string[] };
  review: { groups: string[]; dueAt: string; overdue: boolean; completedAt: string | null; completedBy: { username: string } | null; comment: string | null } | null;
}

describe('promotions over HTTP GraphQL', () => {
  let api: TestApp;
  let db: Client;
  let p: PromotionDriver;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR, GATEHOUSE_EXPIRY_SWEEP_SECONDS: '1' });
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    tokens.dev = await api.tokenFor('dev-ci', ['DEVELOPER']);
    tokens.alice = await api.tokenFor('alice', ['VIEWER'], { groups: ['payments-leads'] });
    tokens.leadA = await api.tokenFor('lead-a', ['VIEWER'], { groups: ['payments-leads'] });
    tokens.leadB = await api.tokenFor('lead-b', ['VIEWER'], { groups: ['payments-leads', 'change-advisory-board'] });
    tokens.outsider = await api.tokenFor('outsider', ['VIEWER'], { groups: ['ops'] });
    tokens.auditor = await api.tokenFor('aude', ['AUDITOR'], { groups: ['payments-leads'] });
    tokens.emergency = await api.tokenFor('emma', ['EMERGENCY', 'DEVELOPER']);
    tokens.leadDev = await api.tokenFor('lead-dev', ['DEVELOPER'], { groups: ['payments-leads'] });
    p = new PromotionDriver(api, tokens.dev!);
    await p.createApplication('pay');
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  const get = async (id: string, token = tokens.dev!) => {
    const response = await api.graphql<{ promotion: FullPromotion }>(GET_PROMOTION, { id }, bearer(token));
    expect(response.errors).toBeUndefined();
    return response.data!.promotion;
  };
  const events = async (promotion: string) =>
    (await db.query('SELECT action, actor_id, application, environment, data FROM audit.event WHERE subject_type = $1 AND subject_id = $2 ORDER BY occurred_at, id', ['promotion', promotion])).rows;
  const pendingInProd = async (version: string, options: Parameters<PromotionDriver['change']>[2] = {}) => {
    const change = await p.change('pay', version, options);
    await p.throughStaging(change);
    const promotion = await p.requested(change, 'prod');
    expect(promotion.state).toBe('PENDING_APPROVAL');
    return { change, promotion };
  };

  describe('requestPromotion', () => {
    it('deploys into dev by itself: ALLOW, APPROVED at once, with the policy, its hash and the input hash stored and audited', async () => {
      const change = await p.change('pay', '1.0.0');
      const promotion = await p.requested(change, 'dev');
      expect(promotion).toMatchObject({
        application: 'pay',
        environment: 'dev',
        sourceEnvironment: null,
        state: 'APPROVED',
        decision: { outcome: 'ALLOW', basis: 'default', policyName: 'development', policyVersion: 1, trigger: 'REQUEST', approvalsRequired: [] },
      });
      expect(promotion.decision.policyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(promotion.decision.inputHash).toMatch(/^[0-9a-f]{64}$/);
      expect((await events(promotion.id)).map((e) => e.action).sort()).toEqual(['decision.made', 'promotion.approved', 'promotion.requested']);
    });

    it('stores an input document that satisfies the policy input schema, with source, target, requester and history', async () => {
      const change = await p.change('pay', '1.0.1');
      await p.throughStaging(change);
      const prod = await p.requested(change, 'prod');
      const full = await get(prod.id);
      const input = full.decisions[0]!.input;
      expect(checkPolicyInput(input)).toEqual([]);
      expect(input).toMatchObject({
        change: { id: change, authors: ['alice'], emergency: false, paths: ['payments/ledger.ts'] },
        evidence: { tests: { passed: true, total: 120, failed: 0 } },
        application: { name: 'pay', team: 'payments-platform', tier: 'critical', tags: ['pci'] },
        source: { environment: 'staging', succeeded: true },
        target: { environment: 'prod', regulated: true, tier: 'production', timezone: 'Europe/London' },
        requester: { id: 'dev-ci', kind: 'service', groups: [], isAuthor: false },
        history: { failedDeploymentsLast7Days: 0, lastDeploymentFailed: false },
      });
      expect(typeof input.window.frozen).toBe('boolean');
    });

    it('allows only the first environment, or the next one after an environment where the change is deployed', async () => {
      const change = await p.change('pay', '1.1.0');
      const early = await p.request(change, 'staging');
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PREVIOUS_ENVIRONMENT_NOT_DEPLOYED' });
      expect(early.errors?.[0]?.message).toContain('only after it is deployed in dev');
      const skip = await p.request(change, 'prod');
      expect(skip.errors?.[0]?.extensions.reason).toBe('PREVIOUS_ENVIRONMENT_NOT_DEPLOYED');
      const dev = await p.requested(change, 'dev');
      const notYet = await p.request(change, 'staging');
      expect(notYet.errors?.[0]?.extensions.reason).toBe('PREVIOUS_ENVIRONMENT_NOT_DEPLOYED');
      await p.deployed(dev.id);
      expect((await p.request(change, 'staging')).data?.requestPromotion.state).toBe('APPROVED');
      const again = await p.request(change, 'dev');
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_DEPLOYED' });
    });

    it('names the pipeline for an unknown environment and refuses malformed input with every field', async () => {
      const change = await p.change('pay', '1.2.0');
      const unknown = await p.request(change, 'qa');
      expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'ENVIRONMENT_NOT_FOUND' });
      expect(unknown.errors?.[0]?.message).toContain('dev → staging → prod');
      const missing = await p.request('00000000-0000-4000-8000-000000000000', 'dev');
      expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CHANGE_NOT_FOUND' });
      const bad = await p.request('not-an-id', 'Not A Slug', { idempotencyKey: 'has space' });
      expect(bad.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      const paths = (bad.errors?.[0]?.extensions.fields as { path: string }[]).map((f) => f.path).sort();
      expect(paths).toEqual(['input.change', 'input.environment', 'input.idempotencyKey']);
      const count = await db.query('SELECT count(*)::int AS n FROM pipelines.promotion WHERE change_id = $1', [change]);
      expect(count.rows[0].n).toBe(0);
    });

    it('denies with the reasons when the policy says so (staging needs passing tests)', async () => {
      const change = await p.change('pay', '1.3.0', { tests: { passed: 10, failed: 2 } });
      const dev = await p.requested(change, 'dev');
      await p.deployed(dev.id);
      const staging = await p.requested(change, 'staging');
      expect(staging).toMatchObject({
        state: 'DENIED',
        decision: { outcome: 'DENY', basis: 'rules', matchedRules: [{ id: 'tests-must-pass', effect: 'deny', reason: 'Failing tests do not reach staging' }] },
      });
      const full = await get(staging.id);
      expect(full.decisions[0]!.explanation.find((e) => e.id === 'tests-must-pass')).toMatchObject({ matched: true });
      // A denied promotion is closed: asking again is a new request with a new decision.
      expect((await p.request(change, 'staging')).data?.requestPromotion.state).toBe('DENIED');
    });

    it('returns the first promotion for a repeated idempotency key, even when sent at once, and refuses the key for another request', async () => {
      const change = await p.change('pay', '1.4.0');
      const sent = await Promise.all(Array.from({ length: 8 }, () => p.request(change, 'dev', { idempotencyKey: 'deploy-1.4.0-dev' })));
      expect(sent.map((r) => r.errors)).toEqual(sent.map(() => undefined));
      expect(new Set(sent.map((r) => r.data!.requestPromotion.id)).size).toBe(1);
      const rows = await db.query('SELECT count(*)::int AS n FROM pipelines.promotion WHERE change_id = $1', [change]);
      expect(rows.rows[0].n).toBe(1);
      const other = await p.change('pay', '1.4.1');
      const reused = await p.request(other, 'dev', { idempotencyKey: 'deploy-1.4.0-dev' });
      expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('refuses a second open promotion of the same change into the same environment, also when both race', async () => {
      const { change, promotion } = await pendingInProd('1.5.0');
      const second = await p.request(change, 'prod');
      expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROMOTION_ALREADY_OPEN', promotion: promotion.id, state: 'PENDING_APPROVAL' });
      const racer = await p.change('pay', '1.5.1');
      await p.throughStaging(racer);
      const raced = await Promise.all(Array.from({ length: 6 }, () => p.request(racer, 'prod')));
      expect(raced.filter((r) => r.data?.requestPromotion).length).toBe(1);
      expect(raced.filter((r) => r.errors?.[0]?.extensions.reason === 'PROMOTION_ALREADY_OPEN').length).toBe(5);
    });

    it('counts the decisions it makes in /metrics, by outcome and environment', async () => {
      const scrape = async () => {
        const text = await (await fetch(`${api.url}/metrics`, { headers: bearer(tokens.dev!) })).text();
        const line = text.split('\n').find((l) => l.startsWith('gatehouse_decisions_total{') && l.includes('outcome="ALLOW"') && l.includes('environment="dev"'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const before = await scrape();
      await p.requested(await p.change('pay', '1.6.0'), 'dev');
      expect(await scrape()).toBe(before + 1);
    });

    it('denies, failing closed, into an environment no policy governs', async () => {
      await p.createApplication('ungoverned', ['sandbox']);
      const change = await p.change('ungoverned', '0.1.0');
      const promotion = await p.requested(change, 'sandbox');
      expect(promotion).toMatchObject({ state: 'DENIED', decision: { outcome: 'DENY', basis: 'no-policy', policyName: null } });
    });
  });

  describe('approvals', () => {
    it('needs two different payments leads; authors, the requester, outsiders and auditors are refused and the refusal is audited', async () => {
      const { promotion } = await pendingInProd('2.0.0', { authors: ['alice', 'bob'] });
      expect(promotion.decision).toMatchObject({ outcome: 'REQUIRE_APPROVAL', approvalsRequired: [{ group: 'payments-leads', count: 2 }] });
      expect(promotion.expiresAt).not.toBeNull();

      const byAuthor = await p.vote(promotion.id, tokens.alice!);
      expect(byAuthor.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_ELIGIBLE' });
      expect(byAuthor.errors?.[0]?.message).toBe('You may not vote on this promotion: you authored a commit of this change.');
      expect((await get(promotion.id, tokens.alice!)).myEligibility).toMatchObject({ canApprove: false, code: 'AUTHOR', reason: 'you authored a commit of this change' });
      const byRequester = await p.vote(promotion.id, tokens.dev!);
      expect(byRequester.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const byOutsider = await p.vote(promotion.id, tokens.outsider!);
      expect(byOutsider.errors?.[0]?.message).toContain('not a member of the required group (payments-leads)');
      const byAuditor = await p.vote(promotion.id, tokens.auditor!);
      expect(byAuditor.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const refused = (await db.query("SELECT count(*)::int AS n FROM audit.event WHERE action = 'approval.refused' AND subject_id = $1", [promotion.id])).rows[0].n;
      expect(refused).toBe(3);

      expect((await get(promotion.id, tokens.leadA!)).myEligibility).toMatchObject({ canApprove: true, groups: ['payments-leads'] });
      const first = await p.vote(promotion.id, tokens.leadA!);
      expect(first.data?.approvePromotion).toMatchObject({ state: 'PENDING_APPROVAL', approvalProgress: [{ group: 'payments-leads', required: 2, granted: 1, approvers: ['lead-a'] }] });
      const twice = await p.vote(promotion.id, tokens.leadA!, 'approve', 'still good');
      expect(twice.data?.approvePromotion).toMatchObject({ state: 'PENDING_APPROVAL', approvalProgress: [{ granted: 1 }] });
      expect((await get(promotion.id, tokens.leadA!)).myEligibility).toMatchObject({ canApprove: false, code: 'ALREADY_VOTED' });
      const second = await p.vote(promotion.id, tokens.leadB!);
      expect(second.data?.approvePromotion).toMatchObject({ state: 'APPROVED', approvalProgress: [{ granted: 2, approvers: ['lead-a', 'lead-b'] }] });

      const late = await p.vote(promotion.id, tokens.leadDev!);
      expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', state: 'APPROVED' });
      expect(late.errors?.[0]?.message).toContain('is APPROVED');

      const full = await get(promotion.id);
      expect(full.approvals.map((a) => [a.approver.username, a.counted])).toEqual([
        ['lead-a', false],
        ['lead-a', true],
        ['lead-b', true],
      ]);
      const actions = (await events(promotion.id)).map((e) => e.action);
      expect(actions.filter((a) => a === 'approval.granted')).toHaveLength(3);
      expect(actions.filter((a) => a === 'promotion.approved')).toHaveLength(1);
      expect(full.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['STATE', 'DECISION', 'VOTE']));
    });

    it('lists what the caller may approve and why, and never a change they authored', async () => {
      const { promotion } = await pendingInProd('2.1.0', { authors: ['alice'] });
      const list = async (token: string) =>
        (await api.graphql<{ pendingApprovals: { edges: { node: { promotion: { id: string }; groups: string[]; why: string } }[] } }>(
          '{ pendingApprovals(first: 100) { edges { node { promotion { id } groups why } } } }',
          {},
          bearer(token),
        )).data!.pendingApprovals.edges.map((e) => e.node);
      const forLead = (await list(tokens.leadB!)).find((n) => n.promotion.id === promotion.id);
      expect(forLead).toMatchObject({ groups: ['payments-leads'], why: expect.stringContaining('you are a member of payments-leads') });
      expect((await list(tokens.alice!)).find((n) => n.promotion.id === promotion.id)).toBeUndefined();
      expect((await list(tokens.outsider!)).find((n) => n.promotion.id === promotion.id)).toBeUndefined();
    });

    it('rejects on one eligible rejection, which needs a comment', async () => {
      const { promotion } = await pendingInProd('2.2.0');
      const noComment = await api.graphql('mutation($input: RejectPromotionInput!) { rejectPromotion(input: $input) { id } }', { input: { promotion: promotion.id, comment: '   ' } }, bearer(tokens.leadA!));
      expect(noComment.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.comment', message: 'must say why the promotion is rejected' }] });
      await p.vote(promotion.id, tokens.leadB!);
      const rejected = await p.vote(promotion.id, tokens.leadA!, 'reject', 'rollback plan missing');
      expect(rejected.data?.rejectPromotion?.state).toBe('REJECTED');
      const report = await p.report(promotion.id, 'STARTED');
      expect(report.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', state: 'REJECTED' });
    });

    it('re-decides a pending promotion on new evidence: the old decision is kept, its votes dismissed and that recorded', async () => {
      const { change, promotion } = await pendingInProd('2.3.0');
      await p.vote(promotion.id, tokens.leadA!);
      await p.tests(change, { passed: 130, failed: 0 });
      const after = await get(promotion.id);
      expect(after.state).toBe('PENDING_APPROVAL');
      expect(after.decisions.map((d) => [d.trigger, d.supersededAt === null])).toEqual([
        ['REQUEST', false],
        ['EVIDENCE', true],
      ]);
      expect(after.decision.trigger).toBe('EVIDENCE');
      expect(after.approvals[0]).toMatchObject({ counted: false, dismissReason: 're-decided after new TESTS evidence' });
      expect(after.approvalProgress).toEqual([{ group: 'payments-leads', required: 2, granted: 0, approvers: [] }]);
      expect((await events(promotion.id)).filter((e) => e.action === 'approval.dismissed')).toHaveLength(1);

      await p.tests(change, { passed: 100, failed: 3 });
      expect((await get(promotion.id)).state).toBe('DENIED');
    });

    it('re-decides pending promotions when a new policy version is activated for their environment', async () => {
      const { promotion } = await pendingInProd('2.4.0');
      type Rule = { id: string; approvals?: unknown };
      const current = await api.graphql<{ policy: { latestVersion: { document: { rules: Rule[] } } } }>('{ policy(name: "production") { latestVersion { document } } }');
      expect(current.errors).toBeUndefined();
      const document = { ...current.data!.policy.latestVersion.document, version: 2 };
      document.rules = document.rules.map((rule) => (rule.id === 'payments-four-eyes' ? { ...rule, approvals: { count: 1, groups: ['payments-leads'] } } : rule));
      const published = await api.graphql('mutation($input: PublishPolicyVersionInput!) { publishPolicyVersion(input: $input) { created } }', {
        input: { document: JSON.stringify(document), message: 'one payments lead is enough' },
      });
      expect(published.errors).toBeUndefined();
      const activated = await api.graphql('mutation($input: ActivatePolicyVersionInput!) { activatePolicyVersion(input: $input) { version } }', {
        input: { name: 'production', version: 2, environments: [{ name: 'prod', regulated: true }] },
      });
      expect(activated.errors).toBeUndefined();
      const after = await get(promotion.id);
      expect(after.decision).toMatchObject({ trigger: 'POLICY_ACTIVATION', policyVersion: 2, approvalsRequired: [{ group: 'payments-leads', count: 1 }] });
      const approved = await p.vote(promotion.id, tokens.leadA!);
      expect(approved.data?.approvePromotion?.state).toBe('APPROVED');
    });

    it('expires a pending promotion past its approval window, and refuses votes on it', async () => {
      const { promotion } = await pendingInProd('2.5.0');
      await db.query("UPDATE pipelines.promotion SET expires_at = now() - interval '1 minute' WHERE id = $1", [promotion.id]);
      const vote = await p.vote(promotion.id, tokens.leadA!);
      expect(vote.errors?.[0]?.extensions.code).toBe('CONFLICT');
      expect(['PROMOTION_EXPIRED', 'ILLEGAL_TRANSITION']).toContain(vote.errors?.[0]?.extensions.reason);
      expect((await get(promotion.id)).state).toBe('EXPIRED');

      const { promotion: swept } = await pendingInProd('2.5.1');
      await db.query("UPDATE pipelines.promotion SET expires_at = now() - interval '1 minute' WHERE id = $1", [swept.id]);
      for (let i = 0; i < 50 && (await get(swept.id)).state !== 'EXPIRED'; i++) await new Promise((r) => setTimeout(r, 200));
      expect((await get(swept.id)).state).toBe('EXPIRED');
      expect((await events(swept.id)).filter((e) => e.action === 'promotion.expired')).toHaveLength(1);
    });

    it('lets the requester cancel an open promotion, nobody else but an admin', async () => {
      const { promotion } = await pendingInProd('2.6.0');
      const byLead = await api.graphql('mutation($input: CancelPromotionInput!) { cancelPromotion(input: $input) { state } }', { input: { promotion: promotion.id } }, bearer(tokens.leadDev!));
      expect(byLead.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const cancelled = await api.graphql<{ cancelPromotion: { state: string } }>(
        'mutation($input: CancelPromotionInput!) { cancelPromotion(input: $input) { state } }',
        { input: { promotion: promotion.id, reason: 'superseded by 2.6.1' } },
        bearer(tokens.dev!),
      );
      expect(cancelled.data?.cancelPromotion.state).toBe('CANCELLED');
    });
  });

  describe('deployments', () => {
    it('takes reports in a legal order only, and says which version runs where', async () => {
      const change = await p.change('pay', '3.0.0', { paths: ['docs/readme.md'] });
      await p.throughStaging(change);
      const prod = await p.requested(change, 'prod');
      expect(prod).toMatchObject({ state: 'APPROVED', decision: { outcome: 'ALLOW', matchedRules: [{ id: 'low-risk-auto' }] } });
      const started = await p.report(prod.id, 'STARTED', { url: 'https://argo.example.com/app/pay', details: { revision: 42 } });
      expect(started.data?.reportDeployment.state).toBe('DEPLOYING');
      const startedAgain = await p.report(prod.id, 'STARTED');
      expect(startedAgain.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', state: 'DEPLOYING' });
      const badDetails = await p.report(prod.id, 'SUCCEEDED', { details: [1, 2] });
      expect(badDetails.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.details', message: 'must be a JSON object' }] });
      const done = await p.report(prod.id, 'SUCCEEDED');
      expect(done.data?.reportDeployment.state).toBe('DEPLOYED');
      expect((await events(prod.id)).map((e) => e.action).filter((a) => a.startsWith('deployment.')).sort()).toEqual(['deployment.started', 'deployment.succeeded']);

      const status = await api.graphql<{ environmentStatus: { environment: string; version: string | null; inFlight: { id: string }[] }[] }>(
        '{ environmentStatus(application: "pay") { environment version inFlight { id } } }',
      );
      expect(status.data!.environmentStatus.find((s) => s.environment === 'prod')?.version).toBe('3.0.0');
      const where = await api.graphql<{ change: { deployedTo: string[]; promotionStatus: { environment: string; state: string }[] } }>(
        'query($id: ID!) { change(id: $id) { deployedTo promotionStatus { environment state } } }',
        { id: change },
      );
      expect(where.data!.change.deployedTo).toEqual(['dev', 'staging', 'prod']);

      const rolledBack = await p.report(prod.id, 'ROLLED_BACK', { details: { reason: 'latency' } });
      expect(rolledBack.data?.reportDeployment.state).toBe('ROLLED_BACK');
      const history = await get(prod.id);
      expect(history.deployments.map((d) => d.status)).toEqual(['STARTED', 'SUCCEEDED', 'ROLLED_BACK']);
    });

    it('refuses a report for a promotion that is not approved', async () => {
      const { promotion } = await pendingInProd('3.1.0');
      const report = await p.report(promotion.id, 'SUCCEEDED');
      expect(report.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', state: 'PENDING_APPROVAL' });
      const unknown = await p.report('00000000-0000-4000-8000-000000000000', 'SUCCEEDED');
      expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'PROMOTION_NOT_FOUND' });
    });
  });

  describe('break-glass', () => {
    it('is for the EMERGENCY role only', async () => {
      const change = await p.change('pay', '4.0.0');
      const response = await api.graphql('mutation($input: EmergencyPromoteInput!) { emergencyPromote(input: $input) { id } }', {
        input: { change, environment: 'dev', justification: 'payments are down for all customers', ticket: 'INC-1' },
      }, bearer(tokens.dev!));
      expect(response.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    });

    it('proceeds without approvals, marked EMERGENCY, and opens a review by the groups the policy would have required', async () => {
      const change = await p.change('pay', '4.1.0');
      await p.throughStaging(change);
      const response = await api.graphql<{ emergencyPromote: PromotionData & { review: FullPromotion['review'] } }>(
        `mutation($input: EmergencyPromoteInput!) { emergencyPromote(input: $input) { id state emergency decision { outcome trigger approvalsRequired { group count } } review { groups dueAt overdue completedAt } } }`,
        { input: { change, environment: 'prod', justification: 'card payments fail for every customer since 09:14', ticket: 'INC-4711' } },
        bearer(tokens.emergency!),
      );
      expect(response.errors).toBeUndefined();
      const promotion = response.data!.emergencyPromote;
      expect(promotion).toMatchObject({ state: 'APPROVED', emergency: true, decision: { outcome: 'REQUIRE_APPROVAL', trigger: 'EMERGENCY' }, review: { groups: ['payments-leads'], overdue: false, completedAt: null } });
      const dueIn = new Date(promotion.review!.dueAt).getTime() - Date.now();
      expect(dueIn).toBeGreaterThan(47 * 3_600_000);
      expect(dueIn).toBeLessThanOrEqual(48 * 3_600_000);
      expect((await events(promotion.id)).map((e) => e.action)).toContain('promotion.emergency');

      await db.query("UPDATE pipelines.emergency_review SET due_at = now() - interval '1 hour' WHERE promotion_id = $1", [promotion.id]);
      const overdue = await api.graphql<{ overdueReviews: { promotionId: string; overdue: boolean }[] }>('{ overdueReviews { promotionId overdue } }');
      expect(overdue.data!.overdueReviews).toContainEqual({ promotionId: promotion.id, overdue: true });

      const complete = (token: string, comment = 'root cause understood, fix verified') =>
        api.graphql<{ completeEmergencyReview: FullPromotion }>(
          'mutation($input: CompleteEmergencyReviewInput!) { completeEmergencyReview(input: $input) { id review { completedAt completedBy { username } comment } } }',
          { input: { promotion: promotion.id, comment } },
          bearer(token),
        );
      expect((await complete(tokens.alice!)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect((await complete(tokens.outsider!)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const done = await complete(tokens.leadA!);
      expect(done.data?.completeEmergencyReview.review).toMatchObject({ completedBy: { username: 'lead-a' }, comment: 'root cause understood, fix verified' });
      expect((await complete(tokens.leadB!)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'REVIEW_ALREADY_COMPLETED' });
      const stillOverdue = await api.graphql<{ overdueReviews: { promotionId: string }[] }>('{ overdueReviews { promotionId } }');
      expect(stillOverdue.data!.overdueReviews.map((r) => r.promotionId)).not.toContain(promotion.id);
    });

    it('may not override failing tests: refused, nothing stored, and the attempt audited', async () => {
      const change = await p.change('pay', '4.2.0', { tests: { passed: 5, failed: 1 } });
      const response = await api.graphql('mutation($input: EmergencyPromoteInput!) { emergencyPromote(input: $input) { id } }', {
        input: { change, environment: 'dev', justification: 'payments are down for all customers', ticket: 'INC-2' },
      }, bearer(tokens.emergency!));
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'EMERGENCY_GUARD' });
      expect(response.errors?.[0]?.message).toContain('1 failing test');
      expect((await db.query('SELECT count(*)::int AS n FROM pipelines.promotion WHERE change_id = $1', [change])).rows[0].n).toBe(0);
      expect((await db.query("SELECT count(*)::int AS n FROM audit.event WHERE action = 'promotion.emergency.refused' AND subject_id = $1", [change])).rows[0].n).toBe(1);
    });

    it('validates the justification and the ticket', async () => {
      const change = await p.change('pay', '4.3.0');
      const response = await api.graphql('mutation($input: EmergencyPromoteInput!) { emergencyPromote(input: $input) { id } }', {
        input: { change, environment: 'dev', justification: 'urgent', ticket: 'soon' },
      }, bearer(tokens.emergency!));
      expect(response.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect((response.errors?.[0]?.extensions.fields as { path: string }[]).map((f) => f.path).sort()).toEqual(['input.justification', 'input.ticket']);
    });
  });

  describe('replayDecision', () => {
    it('replays every decision this suite made to the same outcome', async () => {
      const ids = (await db.query('SELECT id FROM pipelines.decision ORDER BY decided_at')).rows.map((r) => r.id as string);
      expect(ids.length).toBeGreaterThan(40);
      for (const id of ids) {
        const { data, errors } = await api.graphql<{ replayDecision: { matches: boolean; inputHashMatches: boolean; policyHashMatches: boolean; differences: string[] } }>(
          'query($id: ID!) { replayDecision(id: $id) { matches inputHashMatches policyHashMatches differences } }',
          { id },
        );
        expect(errors).toBeUndefined();
        expect({ id, ...data!.replayDecision }).toEqual({ id, matches: true, inputHashMatches: true, policyHashMatches: true, differences: [] });
      }
    });

    it('notices a stored input that was changed behind its back', async () => {
      const { rows } = await db.query('SELECT d.id, d.decision_input_id FROM pipelines.decision d WHERE d.decision_input_id IS NOT NULL LIMIT 1');
      const [{ id, decision_input_id }] = rows;
      // As a database superuser bypassing the append-only trigger: what an insider could do.
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query(`UPDATE policy.decision_input SET input = jsonb_set(input, '{change,risk}', '9') WHERE id = $1`, [decision_input_id]);
      await db.query('COMMIT');
      const { data } = await api.graphql<{ replayDecision: { matches: boolean; inputHashMatches: boolean; differences: string[] } }>(
        'query($id: ID!) { replayDecision(id: $id) { matches inputHashMatches differences } }',
        { id },
      );
      expect(data!.replayDecision).toMatchObject({ matches: false, inputHashMatches: false });
      expect(data!.replayDecision.differences[0]).toContain('no longer hashes');
    });
  });
});
