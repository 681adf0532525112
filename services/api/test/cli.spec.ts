import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appCreateAction, appListAction, changeRegisterAction, configPath, evidenceAttachAction, loginAction, logoutAction, readConfig, whoamiAction, type CommandOutput } from '@gatehouse/cli';
import { startTestApp, type TestApp } from './support/test-app';

/** Captures what a command writes. */
function sink(): { written: { out: string; err: string }; output: CommandOutput } {
  const written = { out: '', err: '' };
  return { written, output: { out: (text) => (written.out += text), err: (text) => (written.err += text) } };
}

describe('gatehouse CLI against the API', () => {
  let api: TestApp;
  let env: NodeJS.ProcessEnv;
  let changeId: string;

  beforeAll(async () => {
    api = await startTestApp();
    env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-cli-it-')) };
  });
  afterAll(() => api.close());

  describe('login', () => {
    it('checks the token, saves it with mode 0600, and whoami uses it', async () => {
      const token = await api.tokenFor('release-bot', ['DEVELOPER']);
      const login = sink();
      expect(await loginAction({ url: api.url, token }, async () => '', login.output, env)).toBe(0);
      expect(login.written.out).toContain(`Logged in to ${api.url} as release-bot (DEVELOPER)`);
      expect(statSync(configPath(env)).mode & 0o777).toBe(0o600);
      expect(readConfig(env)).toEqual({ url: api.url, token, username: 'release-bot' });

      const whoami = sink();
      expect(await whoamiAction({ json: true }, whoami.output, env)).toBe(0);
      expect(JSON.parse(whoami.written.out)).toEqual({ url: api.url, username: 'release-bot', roles: ['DEVELOPER'] });
    });

    it('prints the server\'s code and message for a bad token and saves nothing', async () => {
      const other = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-cli-it-')) };
      const { written, output } = sink();
      expect(await loginAction({ url: api.url, token: 'not-a-real-token-at-all' }, async () => '', output, other)).toBe(1);
      expect(written.err).toMatch(/^UNAUTHENTICATED: .+/);
      expect(readConfig(other)).toBeUndefined();
      expect(logoutAction({}, sink().output, other)).toBe(0);
    });
  });

  describe('app', () => {
    it('creates an application with its environments and lists it', async () => {
      const admin = { url: api.url, token: api.rootToken };
      const created = sink();
      const code = await appCreateAction(
        'payments-api',
        { ...admin, team: 'payments-platform', env: ['dev:DEVELOPMENT', 'staging:STAGING', 'prod:PRODUCTION:regulated:Europe/London'], json: true },
        created.output,
        env,
      );
      expect(created.written.err).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(created.written.out)).toMatchObject({
        name: 'payments-api',
        team: 'payments-platform',
        environments: [
          { name: 'dev', tier: 'DEVELOPMENT', regulated: false, timezone: 'UTC', position: 0 },
          { name: 'staging', tier: 'STAGING', regulated: false, position: 1 },
          { name: 'prod', tier: 'PRODUCTION', regulated: true, timezone: 'Europe/London', position: 2 },
        ],
      });

      const table = sink();
      const listed = await appListAction(admin, table.output, env);
      expect(table.written.err).toBe('');
      expect(listed).toBe(0);
      expect(table.written.out).toBe('NAME          TEAM               ENVIRONMENTS\npayments-api  payments-platform  dev → staging → prod*\n');

      const json = sink();
      expect(await appListAction({ ...admin, json: true }, json.output, env)).toBe(0);
      expect((JSON.parse(json.written.out) as { name: string }[]).map((application) => application.name)).toEqual(['payments-api']);
    });

    it('prints the server\'s code and message when the saved login may not create applications', async () => {
      const { written, output } = sink();
      expect(await appCreateAction('not-allowed', { team: 'x', env: ['dev:DEVELOPMENT'] }, output, env)).toBe(1);
      expect(written.err).toMatch(/^FORBIDDEN: .+ \(request .+\)\n$/);
      expect(written.out).toBe('');
    });

    it('prints CONFLICT for a name already taken, with --json carrying the code', async () => {
      const { written, output } = sink();
      expect(await appCreateAction('payments-api', { url: api.url, token: api.rootToken, team: 'x', env: ['dev:DEVELOPMENT'], json: true }, output, env)).toBe(1);
      expect(written.err).toMatch(/^CONFLICT: /);
      expect(JSON.parse(written.out)).toMatchObject({ error: { code: 'CONFLICT' } });
    });
  });

  describe('change register', () => {
    it('registers a change with the saved login and prints its id', async () => {
      const { written, output } = sink();
      const code = await changeRegisterAction(
        {
          app: 'payments-api',
          version: '1.4.2',
          artifactDigest: `sha256:${'c0'.repeat(32)}`,
          title: 'Partial refunds',
          ticket: 'CHG-1234',
          commit: ['9f8e7d6c5b4a39281706f5e4d3c2b1a098765432:release-bot:feat: partial refunds'],
          label: ['payments', 'refunds'],
          path: ['src/refunds.ts'],
          linesAdded: 120,
          linesRemoved: 8,
        },
        output,
        env,
      );
      expect(written.err).toBe('');
      expect(code).toBe(0);
      changeId = written.out.trim();
      const read = await api.graphql<{ change: Record<string, unknown> }>('query($id: ID!) { change(id: $id) { application version ticket labels changedPaths linesAdded registeredBy commits { message } } }', { id: changeId });
      expect(read.data?.change).toEqual({
        application: 'payments-api',
        version: '1.4.2',
        ticket: 'CHG-1234',
        labels: ['payments', 'refunds'],
        changedPaths: ['src/refunds.ts'],
        linesAdded: 120,
        registeredBy: expect.any(String),
        commits: [{ message: 'feat: partial refunds' }],
      });
    });

    it('prints the server\'s code and message for an unknown application', async () => {
      const { written, output } = sink();
      const code = await changeRegisterAction({ app: 'no-such-app', version: '1', artifactDigest: `sha256:${'c0'.repeat(32)}`, title: 't', commit: ['abcdef1:ana:x'] }, output, env);
      expect(code).toBe(1);
      expect(written.err).toMatch(/^NOT_FOUND: .*no-such-app/);
    });
  });

  describe('evidence attach', () => {
    const fixture = (name: string) => join(__dirname, '../../cli/test/fixtures', name);
    const currentEvidence = async () =>
      (
        await api.graphql<{ change: { currentEvidence: Record<string, unknown>[] } }>(
          'query($id: ID!) { change(id: $id) { currentEvidence { kind source tests { passed failed skipped } coverage { percent } securityScan { tool critical high medium low } check { name status } } } }',
          { id: changeId },
        )
      ).data!.change.currentEvidence;

    it('attaches a JUnit report as TESTS evidence', async () => {
      const { written, output } = sink();
      const code = await evidenceAttachAction({ change: changeId, junit: fixture('junit-payments.xml'), source: 'github-actions' }, output, env);
      expect(written.err).toBe('');
      expect(code).toBe(0);
      expect(written.out).toMatch(new RegExp(`^Attached TESTS evidence \\S+ to change ${changeId}: 4 passed, 2 failed, 1 skipped\\n$`));
      expect(await currentEvidence()).toContainEqual(expect.objectContaining({ kind: 'TESTS', source: 'github-actions', tests: { passed: 4, failed: 2, skipped: 1 } }));
    });

    it('attaches lcov and then Cobertura coverage, the newest being current', async () => {
      const lcov = sink();
      expect(await evidenceAttachAction({ change: changeId, lcov: fixture('coverage-payments.info'), json: true }, lcov.output, env)).toBe(0);
      expect(JSON.parse(lcov.written.out)).toMatchObject({ kind: 'COVERAGE', change: changeId, coverage: { percent: 80 } });

      const cobertura = sink();
      expect(await evidenceAttachAction({ change: changeId, cobertura: fixture('cobertura-payments.xml'), json: true }, cobertura.output, env)).toBe(0);
      expect(JSON.parse(cobertura.written.out)).toMatchObject({ kind: 'COVERAGE', coverage: { percent: 81.25 } });
      expect((await currentEvidence()).filter((evidence) => evidence.kind === 'COVERAGE')).toEqual([expect.objectContaining({ coverage: { percent: 81.25 } })]);
    });

    it('attaches a SARIF report as SECURITY_SCAN counts', async () => {
      const { written, output } = sink();
      expect(await evidenceAttachAction({ change: changeId, sarif: fixture('sarif-payments.sarif') }, output, env)).toBe(0);
      expect(written.out).toContain('semgrep: 1 critical, 3 high, 1 medium, 1 low');
      expect(await currentEvidence()).toContainEqual(expect.objectContaining({ kind: 'SECURITY_SCAN', securityScan: { tool: 'semgrep', critical: 1, high: 3, medium: 1, low: 1 } }));
    });

    it('attaches a named check', async () => {
      const { written, output } = sink();
      expect(await evidenceAttachAction({ change: changeId, check: 'license-scan=PASSED' }, output, env)).toBe(0);
      expect(written.out).toContain('license-scan PASSED');
      expect(await currentEvidence()).toContainEqual(expect.objectContaining({ kind: 'CHECK', check: { name: 'license-scan', status: 'PASSED' } }));
    });

    it('prints the server\'s code and message when a read-only token attaches evidence', async () => {
      const readOnly = await api.tokenFor('auditor-bot', ['AUDITOR'], { scopes: ['READ'] });
      const { written, output } = sink();
      expect(await evidenceAttachAction({ url: api.url, token: readOnly, change: changeId, check: 'sast=FAILED', json: true }, output, env)).toBe(1);
      expect(written.err).toMatch(/^FORBIDDEN: .+ \(request .+\)\n$/);
      expect(JSON.parse(written.out)).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.any(String), requestId: expect.any(String) } });
      expect((await currentEvidence()).some((evidence) => evidence.kind === 'CHECK' && (evidence.check as { name: string }).name === 'sast')).toBe(false);
    });
  });
});
