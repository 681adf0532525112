import { Client } from 'pg';
import { ChangeService } from '@gatehouse/pipelines';
import { checkPolicyInput } from '@gatehouse/policy';
import { startTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

const CHANGE_FIELDS = `id application version sha artifactDigest title ticket labels changedPaths linesAdded linesRemoved
  contentHash registeredBy createdAt commits { sha author message }`;
const EVIDENCE_FIELDS = `id change kind source url attachedBy createdAt tests { passed failed skipped } coverage { percent }
  securityScan { critical high medium low tool } check { name status }`;

const REGISTER = `mutation Register($input: RegisterChangeInput!) { registerChange(input: $input) { ${CHANGE_FIELDS} } }`;
const ATTACH = `mutation Attach($input: AttachEvidenceInput!) { attachEvidence(input: $input) { ${EVIDENCE_FIELDS} } }`;
const GET = `query Get($id: ID!, $first: Int, $after: String) { change(id: $id) { ${CHANGE_FIELDS}
  currentEvidence { ${EVIDENCE_FIELDS} }
  evidenceHistory(first: $first, after: $after) { totalCount edges { cursor node { id kind check { name status } tests { passed failed skipped } } } pageInfo { hasNextPage endCursor } } } }`;
const LIST = `query List($filter: ChangeFilter, $first: Int, $after: String) {
  changes(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id application version } } pageInfo { hasNextPage endCursor } } }`;
const CREATE_APPLICATION = `mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`;
const ARCHIVE_APPLICATION = `mutation($input: ArchiveApplicationInput!) { archiveApplication(input: $input) { id } }`;

interface ChangeData {
  id: string;
  version: string;
  title: string;
  sha: string;
  labels: string[];
  changedPaths: string[];
  registeredBy: string;
  commits: { sha: string; author: string; message: string }[];
}
interface EvidenceData {
  id: string;
  kind: string;
  check: { name: string; status: string } | null;
  tests: { passed: number; failed: number; skipped: number } | null;
}
interface ChangeWithEvidence extends ChangeData {
  currentEvidence: EvidenceData[];
  evidenceHistory: { totalCount: number; edges: { cursor: string; node: EvidenceData }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** A valid registerChange input; override what a test is about. */
function changeInput(overrides: Record<string, unknown> = {}) {
  return {
    application: 'changes-app',
    version: '1.0.0',
    commits: [
      { sha: 'c0ffee0123', author: 'alice', message: 'Add ledger export' },
      { sha: 'decafbad01', author: 'bob', message: 'Prepare ledger' },
    ],
    artifactDigest: DIGEST,
    title: 'Ledger export',
    ticket: 'CHG-1234',
    labels: ['api', 'hotfix'],
    changedPaths: ['payments/ledger.ts', 'payments/export.ts'],
    linesAdded: 120,
    linesRemoved: 30,
    ...overrides,
  };
}

describe('changes and evidence over HTTP GraphQL', () => {
  let api: TestApp;
  let db: Client;
  let developer: string;

  beforeAll(async () => {
    api = await startTestApp();
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    developer = await api.tokenFor('dev-ci', ['DEVELOPER']);
    for (const name of ['changes-app', 'other-app', 'archived-app', 'batch-app']) {
      const created = await api.graphql(CREATE_APPLICATION, {
        input: { name, team: 'payments', environments: [{ name: 'dev', tier: 'DEVELOPMENT' }, { name: 'prod', tier: 'PRODUCTION' }] },
      });
      expect(created.errors).toBeUndefined();
    }
    await api.graphql(ARCHIVE_APPLICATION, { input: { name: 'archived-app' } });
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  const register = (overrides: Record<string, unknown> = {}, token = developer) =>
    api.graphql<{ registerChange: ChangeData }>(REGISTER, { input: changeInput(overrides) }, { authorization: `Bearer ${token}` });
  const attach = (input: Record<string, unknown>) => api.graphql<{ attachEvidence: EvidenceData }>(ATTACH, { input }, { authorization: `Bearer ${developer}` });
  const get = (id: string, variables: Record<string, unknown> = {}) => api.graphql<{ change: ChangeWithEvidence }>(GET, { id, ...variables });
  const auditEvents = async (action: string, subjectId: string) =>
    (await db.query('SELECT action, actor_id, application, data FROM audit.event WHERE action = $1 AND subject_id = $2', [action, subjectId])).rows;
  const registered = async (version: string, overrides: Record<string, unknown> = {}) => {
    const response = await register({ version, ...overrides });
    expect(response.errors).toBeUndefined();
    return response.data!.registerChange;
  };

  describe('registerChange', () => {
    it('registers a change with its commits, normalised labels and paths, and who registered it', async () => {
      const me = await api.graphql<{ me: { id: string } }>('{ me { id } }', {}, { authorization: `Bearer ${developer}` });
      const { data, errors } = await register({ version: 'register-ok', labels: ['hotfix', 'api', 'hotfix'] });
      expect(errors).toBeUndefined();
      expect(data!.registerChange).toMatchObject({
        application: 'changes-app',
        version: 'register-ok',
        sha: 'c0ffee0123',
        artifactDigest: DIGEST,
        ticket: 'CHG-1234',
        labels: ['api', 'hotfix'],
        changedPaths: ['payments/export.ts', 'payments/ledger.ts'],
        linesAdded: 120,
        linesRemoved: 30,
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        registeredBy: me.data!.me.id,
        commits: [
          { sha: 'c0ffee0123', author: 'alice', message: 'Add ledger export' },
          { sha: 'decafbad01', author: 'bob', message: 'Prepare ledger' },
        ],
      });
    });

    it('records change.registered in the same transaction, in audit.event', async () => {
      const change = await registered('audited');
      const events = await auditEvents('change.registered', change.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ application: 'changes-app', data: { version: 'audited', sha: 'c0ffee0123', commits: 2, authors: ['alice', 'bob'] } });
    });

    it('returns the existing change for the same content again: no new row, no new audit event', async () => {
      const first = await registered('idempotent');
      const again = await registered('idempotent', { labels: ['hotfix', 'api'], changedPaths: ['payments/export.ts', 'payments/ledger.ts'] });
      expect(again.id).toBe(first.id);
      const rows = await db.query("SELECT count(*)::int AS n FROM pipelines.change WHERE version = 'idempotent'");
      expect(rows.rows[0].n).toBe(1);
      expect(await auditEvents('change.registered', first.id)).toHaveLength(1);
    });

    it('refuses the same version with other content with CONFLICT naming what differs, and keeps the first', async () => {
      const first = await registered('conflicting');
      const { errors, data } = await register({
        version: 'conflicting',
        title: 'Something else',
        commits: [{ sha: 'c0ffee0123', author: 'mallory', message: 'Add ledger export' }],
      });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', change: first.id, differs: ['commits', 'title'] });
      expect(errors?.[0]?.message).toContain('differs in commits, title');
      const stored = await get(first.id);
      expect(stored.data!.change).toMatchObject({ title: 'Ledger export', commits: [{ author: 'alice' }, { author: 'bob' }] });
    });

    it('gives one change when the same registration arrives concurrently', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => register({ version: 'race' })));
      for (const result of results) expect(result.errors).toBeUndefined();
      expect(new Set(results.map((r) => r.data!.registerChange.id)).size).toBe(1);
      expect(await auditEvents('change.registered', results[0]!.data!.registerChange.id)).toHaveLength(1);
    });

    it('keeps versions apart per application', async () => {
      const here = await registered('shared-version');
      const there = await registered('shared-version', { application: 'other-app' });
      expect(there.id).not.toBe(here.id);
    });

    it('answers NOT_FOUND for an unknown application and CONFLICT for an archived one', async () => {
      const unknown = await register({ application: 'no-such-app', version: 'x1' });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'APPLICATION_NOT_FOUND' });
      const archived = await register({ application: 'archived-app', version: 'x1' });
      expect(archived.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_ARCHIVED' });
    });

    it('accepts 1,000 commits and 10,000 changed paths', async () => {
      const commits = Array.from({ length: 1000 }, (_, i) => ({ sha: i.toString(16).padStart(7, '0'), author: `a${i % 7}`, message: `m${i}` }));
      const changedPaths = Array.from({ length: 10000 }, (_, i) => `src/f${i}.ts`);
      const change = await registered('big', { commits, changedPaths });
      expect(change.commits).toHaveLength(1000);
      expect(change.commits[999]).toEqual({ sha: '00003e7', author: 'a5', message: 'm999' });
      expect(change.changedPaths).toHaveLength(10000);
    });

    it.each([
      ['an application that is not a slug', { application: 'Changes App' }, 'input.application'],
      ['an empty version', { version: '' }, 'input.version'],
      ['a version over 128 characters', { version: 'v'.repeat(129) }, 'input.version'],
      ['no commits', { commits: [] }, 'input.commits'],
      ['more than 1,000 commits', { commits: Array.from({ length: 1001 }, () => ({ sha: 'abcdef0', author: 'a', message: 'm' })) }, 'input.commits'],
      ['a SHA shorter than 7', { commits: [{ sha: 'abc123', author: 'a', message: 'm' }] }, 'input.commits[0].sha'],
      ['a SHA longer than 64', { commits: [{ sha: 'a'.repeat(65), author: 'a', message: 'm' }] }, 'input.commits[0].sha'],
      ['a SHA that is not hex', { commits: [{ sha: 'abcdefg', author: 'a', message: 'm' }, { sha: 'ABCDEF0', author: 'a', message: 'm' }] }, 'input.commits[0].sha'],
      ['an empty author', { commits: [{ sha: 'abcdef0', author: '', message: 'm' }] }, 'input.commits[0].author'],
      ['a digest without sha256:', { artifactDigest: 'ab'.repeat(32) }, 'input.artifactDigest'],
      ['a digest of the wrong length', { artifactDigest: `sha256:${'a'.repeat(63)}` }, 'input.artifactDigest'],
      ['an empty title', { title: '' }, 'input.title'],
      ['more than 10,000 changed paths', { changedPaths: Array.from({ length: 10001 }, (_, i) => `p${i}`) }, 'input.changedPaths'],
      ['an empty changed path', { changedPaths: ['ok.ts', ''] }, 'input.changedPaths'],
      ['negative lines added', { linesAdded: -1 }, 'input.linesAdded'],
      ['negative lines removed', { linesRemoved: -5 }, 'input.linesRemoved'],
    ])('refuses %s with VALIDATION_FAILED naming the field', async (_, overrides, path) => {
      const { errors, data } = await register({ version: 'invalid', ...overrides });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect(errors?.[0]?.extensions.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      const rows = await db.query("SELECT count(*)::int AS n FROM pipelines.change WHERE version = 'invalid'");
      expect(rows.rows[0].n).toBe(0);
    });

    it('refuses registration to a role that may only read', async () => {
      const viewer = await api.tokenFor('change-viewer', ['VIEWER']);
      const { errors } = await register({ version: 'viewer' }, viewer);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    });
  });

  describe('attachEvidence', () => {
    let change: ChangeData;

    beforeAll(async () => {
      change = await registered('with-evidence');
    });

    it.each([
      ['TESTS', { tests: { passed: 10, failed: 0, skipped: 1 } }],
      ['COVERAGE', { coverage: { percent: 81.5 } }],
      ['SECURITY_SCAN', { securityScan: { critical: 0, high: 1, medium: 2, low: 3, tool: 'trivy' } }],
      ['CHECK', { check: { name: 'sast', status: 'PASSED' } }],
    ])('attaches %s evidence with its typed payload and records evidence.attached', async (kind, payload) => {
      const { data, errors } = await attach({ change: change.id, kind, ...payload, source: 'github-actions', url: 'https://ci.example.com/runs/1' });
      expect(errors).toBeUndefined();
      expect(data!.attachEvidence).toMatchObject({ change: change.id, kind, source: 'github-actions', url: 'https://ci.example.com/runs/1', ...payload });
      const events = (await auditEvents('evidence.attached', change.id)).filter((e) => e.data.evidenceId === data!.attachEvidence.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ application: 'changes-app', data: { kind, version: 'with-evidence' } });
    });

    it.each([
      ['TESTS without tests', { kind: 'TESTS' }, 'input.tests'],
      ['TESTS with a coverage payload too', { kind: 'TESTS', tests: { passed: 1, failed: 0, skipped: 0 }, coverage: { percent: 1 } }, 'input.coverage'],
      ['CHECK with only a securityScan', { kind: 'CHECK', securityScan: { critical: 0, high: 0, medium: 0, low: 0, tool: 't' } }, 'input.check'],
      ['negative failed tests', { kind: 'TESTS', tests: { passed: 1, failed: -1, skipped: 0 } }, 'input.tests.failed'],
      ['coverage above 100', { kind: 'COVERAGE', coverage: { percent: 100.5 } }, 'input.coverage.percent'],
      ['coverage below 0', { kind: 'COVERAGE', coverage: { percent: -0.1 } }, 'input.coverage.percent'],
      ['a negative critical count', { kind: 'SECURITY_SCAN', securityScan: { critical: -1, high: 0, medium: 0, low: 0, tool: 't' } }, 'input.securityScan.critical'],
      ['an empty scanner name', { kind: 'SECURITY_SCAN', securityScan: { critical: 0, high: 0, medium: 0, low: 0, tool: '' } }, 'input.securityScan.tool'],
      ['a check name that is not a slug', { kind: 'CHECK', check: { name: 'SAST scan', status: 'PASSED' } }, 'input.check.name'],
      ['a url that is not http(s)', { kind: 'COVERAGE', coverage: { percent: 5 }, url: 'javascript:alert(1)' }, 'input.url'],
      ['a change id that is not a UUID', { change: 'not-a-uuid', kind: 'COVERAGE', coverage: { percent: 5 } }, 'input.change'],
    ])('refuses %s with VALIDATION_FAILED naming the field', async (_, input, path) => {
      const before = await db.query('SELECT count(*)::int AS n FROM pipelines.evidence');
      const { errors, data } = await attach({ change: change.id, ...input });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect(errors?.[0]?.extensions.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      const after = await db.query('SELECT count(*)::int AS n FROM pipelines.evidence');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('refuses an unknown check status before running', async () => {
      const { errors } = await attach({ change: change.id, kind: 'CHECK', check: { name: 'sast', status: 'SKIPPED' } });
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
    });

    it('answers NOT_FOUND for an unknown change', async () => {
      const { errors } = await attach({ change: '00000000-0000-4000-8000-000000000000', kind: 'COVERAGE', coverage: { percent: 5 } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CHANGE_NOT_FOUND' });
    });
  });

  describe('current evidence and history', () => {
    it('supersedes older evidence of a kind (of a name, for checks) and keeps the history, newest first', async () => {
      const change = await registered('supersede');
      const attached: string[] = [];
      for (const input of [
        { kind: 'TESTS', tests: { passed: 5, failed: 2, skipped: 0 } },
        { kind: 'CHECK', check: { name: 'sast', status: 'PENDING' } },
        { kind: 'CHECK', check: { name: 'e2e', status: 'FAILED' } },
        { kind: 'TESTS', tests: { passed: 7, failed: 0, skipped: 0 } },
        { kind: 'CHECK', check: { name: 'sast', status: 'PASSED' } },
      ]) {
        const response = await attach({ change: change.id, ...input });
        expect(response.errors).toBeUndefined();
        attached.push(response.data!.attachEvidence.id);
      }

      const { data, errors } = await get(change.id, { first: 2 });
      expect(errors).toBeUndefined();
      const current = data!.change.currentEvidence;
      expect(current.map((e) => [e.kind, e.check?.name ?? null])).toEqual([
        ['CHECK', 'e2e'],
        ['CHECK', 'sast'],
        ['TESTS', null],
      ]);
      expect(current.find((e) => e.check?.name === 'sast')).toMatchObject({ id: attached[4], check: { status: 'PASSED' } });
      expect(current.find((e) => e.kind === 'TESTS')).toMatchObject({ id: attached[3], tests: { passed: 7, failed: 0 } });

      const history: string[] = [];
      let page = data!.change.evidenceHistory;
      expect(page.totalCount).toBe(5);
      history.push(...page.edges.map((e) => e.node.id));
      while (page.pageInfo.hasNextPage) {
        const next: GraphQLResponse<{ change: ChangeWithEvidence }> = await get(change.id, { first: 2, after: page.pageInfo.endCursor });
        expect(next.errors).toBeUndefined();
        page = next.data!.change.evidenceHistory;
        history.push(...page.edges.map((e) => e.node.id));
      }
      expect(history).toEqual([...attached].reverse());
    });

    it('feeds the policy input: change.* and evidence.* from the current evidence, valid against input.schema.json', async () => {
      const change = await registered('policy-input', { labels: ['database-migration'] });
      await attach({ change: change.id, kind: 'TESTS', tests: { passed: 1, failed: 3, skipped: 0 } });
      await attach({ change: change.id, kind: 'TESTS', tests: { passed: 40, failed: 0, skipped: 2 } });
      await attach({ change: change.id, kind: 'COVERAGE', coverage: { percent: 77 } });
      await attach({ change: change.id, kind: 'SECURITY_SCAN', securityScan: { critical: 0, high: 1, medium: 0, low: 5, tool: 'trivy' } });
      await attach({ change: change.id, kind: 'CHECK', check: { name: 'sast', status: 'PASSED' } });

      const parts = await api.app.get(ChangeService).policyInputOf(change.id);
      expect(parts.change).toMatchObject({ id: change.id, sha: 'c0ffee0123', labels: ['database-migration'], diffSize: 150, authors: ['alice', 'bob'], emergency: false });
      expect(parts.evidence).toEqual({
        tests: { passed: true, total: 42, failed: 0, coverage: 77 },
        vulnerabilities: { critical: 0, high: 1, medium: 0, low: 5 },
        checks: { sast: 'success' },
      });
      const document = {
        ...parts,
        application: { name: 'changes-app', team: 'payments', tier: 'standard', tags: [] },
        source: { environment: null, succeeded: false },
        target: { environment: 'dev', regulated: false, tier: 'development' },
        window: { frozen: false, inChangeWindow: true },
        requester: { id: 'dev-ci', kind: 'service', groups: [] },
        history: { deploymentsToday: 0, failedDeploymentsLast7Days: 0, lastDeploymentFailed: false },
      };
      expect(checkPolicyInput(document)).toEqual([]);
    });
  });

  describe('immutability (database triggers)', () => {
    it('refuses UPDATE and DELETE of evidence, changes and commits even to the table owner', async () => {
      const change = await registered('immutable');
      await attach({ change: change.id, kind: 'COVERAGE', coverage: { percent: 50 } });
      const attempts = [
        ["UPDATE pipelines.evidence SET payload = '{\"percent\": 99}' WHERE change_id = $1", 'pipelines.evidence is insert-only: UPDATE is refused'],
        ['DELETE FROM pipelines.evidence WHERE change_id = $1', 'pipelines.evidence is insert-only: DELETE is refused'],
        ["UPDATE pipelines.change SET title = 'rewritten' WHERE id = $1", 'pipelines.change is insert-only: UPDATE is refused'],
        ['DELETE FROM pipelines.change_commit WHERE change_id = $1', 'pipelines.change_commit is insert-only: DELETE is refused'],
      ];
      for (const [sql, message] of attempts) {
        await expect(db.query(sql!, [change.id])).rejects.toThrow(message);
      }
      await expect(db.query('TRUNCATE pipelines.evidence')).rejects.toThrow('insert-only: TRUNCATE is refused');
      const { data } = await get(change.id);
      expect(data!.change.currentEvidence).toEqual([expect.objectContaining({ kind: 'COVERAGE' })]);
      expect(data!.change.title).toBe('Ledger export');
    });
  });

  describe('change and changes', () => {
    it('answers NOT_FOUND for an unknown id and for one that is not a UUID', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
        const { errors } = await get(id);
        expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CHANGE_NOT_FOUND' });
      }
    });

    it('lists the changes of an application newest first, a page at a time', async () => {
      const versions = ['list-1', 'list-2', 'list-3'];
      for (const version of versions) await registered(version, { application: 'other-app' });
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const response: GraphQLResponse<{ changes: { totalCount: number; edges: { node: { application: string; version: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> =
          await api.graphql(LIST, { filter: { application: 'other-app' }, first: 2, after });
        expect(response.errors).toBeUndefined();
        const page = response.data!.changes;
        expect(page.totalCount).toBe(4);
        expect(page.edges.every((e) => e.node.application === 'other-app')).toBe(true);
        seen.push(...page.edges.map((e) => e.node.version));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        pages++;
      } while (after && pages < 10);
      expect(seen).toEqual(['list-3', 'list-2', 'list-1', 'shared-version']);
    });

    it('gives each listed change its own current evidence (read in one batch per request)', async () => {
      const percents = [11, 22, 33];
      const ids: string[] = [];
      for (const [i, percent] of percents.entries()) {
        const change = await registered(`batch-${i}`, { application: 'batch-app' });
        ids.push(change.id);
        expect((await attach({ change: change.id, kind: 'COVERAGE', coverage: { percent } })).errors).toBeUndefined();
        expect((await attach({ change: change.id, kind: 'COVERAGE', coverage: { percent: percent + 1 } })).errors).toBeUndefined();
      }
      const { data, errors } = await api.graphql<{ changes: { edges: { node: { id: string; currentEvidence: { kind: string; coverage: { percent: number } | null }[] } }[] } }>(
        `query { changes(filter: { application: "batch-app" }, first: 10) { edges { node { id currentEvidence { kind coverage { percent } } } } } }`,
      );
      expect(errors).toBeUndefined();
      const byId = new Map(data!.changes.edges.map((e) => [e.node.id, e.node.currentEvidence]));
      percents.forEach((percent, i) => expect(byId.get(ids[i]!)).toEqual([{ kind: 'COVERAGE', coverage: { percent: percent + 1 } }]));
    });

    it('lists every application when no filter is given', async () => {
      const { data, errors } = await api.graphql<{ changes: { totalCount: number } }>(LIST, { first: 1 });
      expect(errors).toBeUndefined();
      const total = await db.query('SELECT count(*)::int AS n FROM pipelines.change');
      expect(data!.changes.totalCount).toBe(total.rows[0].n);
    });

    it.each([
      ['an unknown application', { filter: { application: 'ghost-app' } }, 'NOT_FOUND'],
      ['first above 100', { first: 101 }, 'VALIDATION_FAILED'],
      ['a forged cursor', { after: Buffer.from('abc').toString('base64url') }, 'VALIDATION_FAILED'],
    ])('refuses %s', async (_, variables, code) => {
      const { errors } = await api.graphql(LIST, variables);
      expect(errors?.[0]?.extensions.code).toBe(code);
    });
  });
});
