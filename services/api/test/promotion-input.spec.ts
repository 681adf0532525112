import { Client } from 'pg';
import { GroupService } from '@gatehouse/identity';
import { ChangeService, ChangeWindowService } from '@gatehouse/pipelines';
import { PolicyService } from '@gatehouse/policy';
import { POLICIES_DIR, PromotionDriver, bearer } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A promotion request reads everything its decision needs in one statement (the target, the
 * change with its commits and current evidence, the windows in force, the requester's groups,
 * the governing policy version). The input document it stores must be exactly the one the
 * owners' own reads assemble: ChangeService.policyInputOf, ChangeWindowService.policyInputAt
 * (at the instant the decision was made), GroupService.groupsOf, PolicyService.activeFor.
 */
describe('the input document of a promotion request', () => {
  let api: TestApp;
  let db: Client;
  let p: PromotionDriver;
  let requester: string;

  beforeAll(async () => {
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    requester = await api.tokenFor('input-dev', ['DEVELOPER'], { groups: ['payments-leads', 'change-advisory-board'] });
    p = new PromotionDriver(api, requester);
    await p.createApplication('input-app');
    const window = async (input: Record<string, unknown>) => {
      const response = await api.graphql('mutation($input: CreateChangeWindowInput!) { createChangeWindow(input: $input) { id } }', {
        input: { application: 'input-app', environment: 'dev', reason: 'test', ...input },
      });
      expect(response.errors).toBeUndefined();
    };
    // A freeze and allowed hours that between them cover every kind of window; whether either is
    // in force when the request runs does not matter: both reads are made at the same instant.
    await window({ name: 'weekend', kind: 'FREEZE', start: '2026-01-01T00:00', rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16', duration: 'PT64H' });
    await window({ name: 'office-hours', kind: 'ALLOW', start: '2026-01-05T08:00', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', duration: 'PT10H' });
    await window({ name: 'year-end', kind: 'FREEZE', start: '2026-12-20T00:00', end: '2027-01-03T00:00' });
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  it('is what the owners of each part read for it, for a change with several commits and kinds of evidence', async () => {
    const change = await p.change('input-app', '1.0.0', { authors: ['input-dev', 'bob', 'carol'], tests: { passed: 40, failed: 1 } });
    for (const input of [
      { kind: 'COVERAGE', coverage: { percent: 77.5 } },
      { kind: 'SECURITY_SCAN', securityScan: { critical: 0, high: 2, medium: 1, low: 0, tool: 'trivy' } },
      { kind: 'CHECK', check: { name: 'sast', status: 'PASSED' } },
      { kind: 'CHECK', check: { name: 'lint', status: 'FAILED' } },
      { kind: 'TESTS', tests: { passed: 41, failed: 0, skipped: 2 } },
    ]) {
      const response = await api.graphql('mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }', { input: { change, ...input } }, bearer(requester));
      expect(response.errors).toBeUndefined();
    }
    const promotion = await p.requested(change, 'dev');
    const response = await api.graphql<{ promotion: { decision: { input: Record<string, unknown>; policyName: string | null; policyVersion: number | null } } }>(
      'query($id: ID!) { promotion(id: $id) { decision { input policyName policyVersion } } }',
      { id: promotion.id },
      bearer(requester),
    );
    expect(response.errors).toBeUndefined();
    const { input, policyName, policyVersion } = response.data!.promotion.decision;
    const [{ decided_at: decidedAt }] = (await db.query('SELECT decided_at FROM policy.decision_input WHERE application = $1', ['input-app'])).rows;

    const parts = await api.app.get(ChangeService).policyInputOf(change);
    const owner = (await db.query('SELECT id FROM identity.user_account WHERE username = $1', ['input-dev'])).rows[0].id as string;
    expect(input.change).toEqual(parts.change);
    expect(input.evidence).toEqual(parts.evidence);
    expect(input.window).toEqual(await api.app.get(ChangeWindowService).policyInputAt('input-app', 'dev', decidedAt as Date));
    expect((input.requester as { groups: string[] }).groups).toEqual(await api.app.get(GroupService).groupsOf(owner));
    expect((input.requester as { groups: string[] }).groups).toEqual(['change-advisory-board', 'payments-leads']);
    expect((input.requester as { isAuthor: boolean }).isAuthor).toBe(true);
    const active = await api.app.get(PolicyService).activeFor('dev', false);
    expect({ policyName, policyVersion }).toEqual({ policyName: active!.name, policyVersion: active!.version });
  });
});
