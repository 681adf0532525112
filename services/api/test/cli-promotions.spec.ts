import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appCreateAction, changeRegisterAction, deployReportAction, evidenceAttachAction, promoteAction, statusAction, voteAction, type CommandOutput, type PromotionView } from '@gatehouse/cli';
import { POLICIES_DIR } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

// The promotion commands against a live API, as a pipeline runs them: `wait` as the real
// single-file build (services/cli/dist/gatehouse.cjs), so its exit codes are the process's.
const CLI_DIR = join(__dirname, '..', '..', 'cli');
const BUNDLE = join(CLI_DIR, 'dist', 'gatehouse.cjs');
const FIXTURES = join(CLI_DIR, 'test', 'fixtures');

function sink(): { written: { out: string; err: string }; output: CommandOutput } {
  const written = { out: '', err: '' };
  return { written, output: { out: (text) => (written.out += text), err: (text) => (written.err += text) } };
}

/** Runs the built CLI; resolves with its exit code and output. */
function gatehouse(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('gatehouse promotion commands against the API', () => {
  let api: TestApp;
  const tokens: Record<string, string> = {};
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-cli-promotions-')) };
  const as = (who: string) => ({ url: api.url, token: tokens[who]! });

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) execFileSync('npx', ['nx', 'run', 'cli:build', '--output-style=stream'], { cwd: join(CLI_DIR, '..', '..'), stdio: 'ignore', timeout: 120_000 });
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    tokens.ci = await api.tokenFor('ci-bot', ['DEVELOPER']);
    tokens.leadA = await api.tokenFor('lead-a', ['VIEWER'], { groups: ['payments-leads'] });
    tokens.leadB = await api.tokenFor('lead-b', ['VIEWER'], { groups: ['payments-leads'] });
    const created = sink();
    expect(await appCreateAction('payments-api', { url: api.url, token: api.adminToken, team: 'payments', env: ['dev:DEVELOPMENT', 'staging:STAGING', 'prod:PRODUCTION:regulated'] }, created.output, env)).toBe(0);
  }, 180_000);
  afterAll(() => api.close());

  /** Registers a payments change with passing tests and walks it through dev and staging. */
  async function changeInStaging(version: string): Promise<string> {
    const registered = sink();
    const code = await changeRegisterAction(
      {
        ...as('ci'),
        app: 'payments-api',
        version,
        artifactDigest: `sha256:${'ab'.repeat(32)}`,
        title: 'Partial refunds',
        commit: ['c0ffee0123:ana:Partial refunds'],
        path: ['payments/refund.ts'],
        label: [],
        linesAdded: 40,
        linesRemoved: 2,
      },
      registered.output,
      env,
    );
    expect(registered.written.err).toBe('');
    expect(code).toBe(0);
    const change = registered.written.out.trim();
    expect(await evidenceAttachAction({ ...as('ci'), change, junit: join(FIXTURES, 'junit-single-suite.xml') }, sink().output, env)).toBe(0);
    for (const environment of ['dev', 'staging']) {
      const promoted = sink();
      expect(await promoteAction({ ...as('ci'), change, env: environment, reason: 'release', json: true }, promoted.output, env)).toBe(0);
      const promotion = JSON.parse(promoted.written.out) as PromotionView;
      expect(promotion.state).toBe('APPROVED');
      expect(await deployReportAction(promotion.id, { ...as('ci'), status: 'succeeded', deploymentUrl: 'https://deploy.example/1' }, sink().output, env)).toBe(0);
    }
    return change;
  }

  async function promoteToProd(change: string): Promise<PromotionView> {
    const promoted = sink();
    expect(await promoteAction({ ...as('ci'), change, env: 'prod', reason: 'release', idempotencyKey: `prod-${change}` }, promoted.output, env)).toBe(0);
    expect(promoted.written.out).toMatch(/^STATE +PENDING_APPROVAL$/m);
    const json = sink();
    expect(await statusAction(promoted.written.out.match(/^PROMOTION +(\S+)$/m)![1], { ...as('ci'), json: true }, json.output, env)).toBe(0);
    return JSON.parse(json.written.out) as PromotionView;
  }

  it('gates a pipeline: wait blocks until two payments leads approve, then exits 0; the deployment is reported', async () => {
    const change = await changeInStaging('1.0.0');
    const promotion = await promoteToProd(change);
    expect(promotion.approvalProgress).toEqual([{ group: 'payments-leads', required: 2, granted: 0, approvers: [] }]);

    const waiting = gatehouse(['wait', promotion.id, '--interval', '1s', '--timeout', '2m'], { GATEHOUSE_URL: api.url, GATEHOUSE_TOKEN: tokens.ci! });
    expect(await voteAction('approve', promotion.id, { ...as('leadA'), comment: 'reviewed' }, sink().output, env)).toBe(0);
    const second = sink();
    expect(await voteAction('approve', promotion.id, { ...as('leadB'), comment: 'ok', json: true }, second.output, env)).toBe(0);
    expect(JSON.parse(second.written.out).state).toBe('APPROVED');
    const waited = await waiting;
    expect({ code: waited.code, out: waited.out }).toEqual({ code: 0, out: `${promotion.id}: APPROVED\n` });
    expect(waited.err).toContain('payments-api 1.0.0 → prod: ');

    const reported = sink();
    expect(await deployReportAction(promotion.id, { ...as('ci'), status: 'SUCCEEDED', details: '{"cluster":"eu-1"}' }, reported.output, env)).toBe(0);
    expect(reported.written.out).toMatch(/^STATE +DEPLOYED$/m);
    const board = sink();
    expect(await statusAction(undefined, { ...as('ci'), app: 'payments-api' }, board.output, env)).toBe(0);
    expect(board.written.out.split('\n').filter(Boolean).map((line) => line.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['ENVIRONMENT', 'DEPLOYED'],
      ['dev', '1.0.0'],
      ['staging', '1.0.0'],
      ['prod', '1.0.0'],
    ]);
  }, 60_000);

  it('exits 3 when the wait times out and 2 once the promotion is rejected', async () => {
    const change = await changeInStaging('1.1.0');
    const promotion = await promoteToProd(change);
    const server = { GATEHOUSE_URL: api.url, GATEHOUSE_TOKEN: tokens.ci! };
    const timedOut = await gatehouse(['wait', promotion.id, '--interval', '1s', '--timeout', '1s'], server);
    expect(timedOut.code).toBe(3);
    expect(timedOut.out).toMatch(/^Timed out after \d+s: .+ is still PENDING_APPROVAL\n$/);

    const refused = sink();
    expect(await voteAction('reject', promotion.id, { ...as('leadA') }, refused.output, env)).toBe(1);
    expect(await voteAction('reject', promotion.id, { ...as('leadA'), comment: 'not during the audit' }, sink().output, env)).toBe(0);
    const closed = await gatehouse(['wait', promotion.id, '--json'], server);
    expect(closed.code).toBe(2);
    expect(JSON.parse(closed.out)).toMatchObject({ result: 'closed', exitCode: 2, promotion: { state: 'REJECTED' } });
  }, 60_000);

  it('prints the server’s code and message when a vote is refused, and exits 1', async () => {
    const change = await changeInStaging('1.2.0');
    const promotion = await promoteToProd(change);
    const refused = await gatehouse(['approve', promotion.id], { GATEHOUSE_URL: api.url, GATEHOUSE_TOKEN: tokens.ci! });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^FORBIDDEN: .+\(request [^)]+\)\n$/);
  }, 60_000);
});
