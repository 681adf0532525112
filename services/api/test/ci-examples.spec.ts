import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '@gatehouse/cli';
import { parse } from 'yaml';
import { APPROVE, POLICIES_DIR, bearer } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

const EXAMPLES = join(__dirname, '..', '..', '..', 'deploy', 'ci-examples');
const SCRIPT = join(EXAMPLES, 'gatehouse-gate.sh');

/** Runs gatehouse-gate.sh with these variables; resolves with its exit code and output. */
function gate(env: Record<string, string>, whileWaiting?: (stderr: () => string) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { env: { PATH: process.env.PATH ?? '', POLL_SECONDS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (!started && whileWaiting && err.includes('waiting: PENDING_APPROVAL')) {
        started = true;
        whileWaiting(() => err);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('deploy/ci-examples/gatehouse-gate.sh against a live API (curl and jq)', () => {
  let api: TestApp;
  const tokens: Record<string, string> = {};
  let base: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    tokens.ci = await api.tokenFor('pipeline', ['DEVELOPER']);
    tokens.leadA = await api.tokenFor('lead-a', ['VIEWER'], { groups: ['payments-leads'] });
    tokens.leadB = await api.tokenFor('lead-b', ['VIEWER'], { groups: ['payments-leads'] });
    const created = await api.graphql(`mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
      input: { name: 'payments-api', team: 'payments', environments: [{ name: 'dev', tier: 'DEVELOPMENT' }, { name: 'staging', tier: 'STAGING' }, { name: 'prod', tier: 'PRODUCTION', regulated: true }] },
    });
    expect(created.errors).toBeUndefined();
    base = {
      GATEHOUSE_URL: api.url,
      GATEHOUSE_TOKEN: tokens.ci!,
      APP: 'payments-api',
      ARTIFACT_DIGEST: `sha256:${'ab'.repeat(32)}`,
      COMMIT_SHA: 'c0ffee0123',
      COMMIT_AUTHOR: 'ana',
      TITLE: 'Partial refunds',
      CHANGED_PATHS: 'payments/refund.ts\npayments/ledger.ts',
      TESTS_PASSED: '412',
      TESTS_FAILED: '0',
    };
  });
  afterAll(() => api.close());

  const state = async (promotion: string) => {
    const answer = await api.graphql<{ promotion: { state: string; deployments: { status: string; url: string | null }[] } }>(
      `query($id: ID!) { promotion(id: $id) { state deployments { status url } } }`,
      { id: promotion },
    );
    return answer.data!.promotion;
  };

  it('walks a change through dev and staging: decided at once, deployed, reported', async () => {
    for (const environment of ['dev', 'staging']) {
      const run = await gate({ ...base, VERSION: '1.0.0', ENVIRONMENT: environment, DEPLOY_COMMAND: 'true', DEPLOYMENT_URL: `https://deploy.example/${environment}` });
      expect({ environment, code: run.code, err: run.err }).toEqual({ environment, code: 0, err: expect.stringContaining(`deployment SUCCEEDED: promotion`) });
      expect(await state(run.out.trim())).toEqual({ state: 'DEPLOYED', deployments: [{ status: 'SUCCEEDED', url: `https://deploy.example/${environment}` }] });
    }
  }, 60_000);

  it('waits at the production gate until two payments leads approve, then deploys', async () => {
    const approvals: Promise<unknown>[] = [];
    const run = await gate({ ...base, VERSION: '1.0.0', ENVIRONMENT: 'prod', DEPLOY_COMMAND: 'echo deploying to prod' }, (stderr) => {
      const promotion = /promotion (\S+) into prod/.exec(stderr())![1]!;
      approvals.push(
        (async () => {
          for (const lead of ['leadA', 'leadB']) {
            const voted = await api.graphql(APPROVE, { input: { promotion, comment: 'reviewed' } }, bearer(tokens[lead]!));
            expect(voted.errors).toBeUndefined();
          }
        })(),
      );
    });
    await Promise.all(approvals);
    expect(run.err).toContain('waiting: PENDING_APPROVAL (waiting for payments-leads 0/2)');
    expect(run.code).toBe(0);
    expect((await state(run.out.trim())).state).toBe('DEPLOYED');
  }, 60_000);

  it('exits 2 when a failing test run gets the promotion denied, and 4 when the deployment fails', async () => {
    const denied = await gate({ ...base, VERSION: '2.0.0', ENVIRONMENT: 'dev', DEPLOY_COMMAND: 'exit 1' });
    expect(denied.code).toBe(4);
    expect(denied.err).toContain('deployment FAILED');
    const failing = await gate({ ...base, VERSION: '3.0.0', ENVIRONMENT: 'dev', DEPLOY_COMMAND: 'true' });
    expect(failing.code).toBe(0);
    const deniedInStaging = await gate({ ...base, VERSION: '3.0.0', ENVIRONMENT: 'staging', TESTS_PASSED: '400', TESTS_FAILED: '12' });
    expect(deniedInStaging.code).toBe(2);
    expect(deniedInStaging.err).toContain(': DENIED');
  }, 60_000);

  it('exits 1 with the server’s code and message on a refused call', async () => {
    const run = await gate({ ...base, GATEHOUSE_TOKEN: 'not-a-token-at-all', VERSION: '9.0.0', ENVIRONMENT: 'dev' });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^UNAUTHENTICATED: .+ \(request .+\)$/m);
  });
});

describe('deploy/ci-examples pipelines', () => {
  /** Every `gatehouse …` call in a shell text: the command path and its flags. */
  function calls(text: string): { path: string[]; flags: string[] }[] {
    const found: { path: string[]; flags: string[] }[] = [];
    for (const match of text.matchAll(/\bgatehouse((?: [a-z]+)+)([^\n|)]*)/g)) {
      const words = match[1]!.trim().split(' ');
      found.push({ path: words, flags: [...match[2]!.matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((flag) => flag[1]!) });
    }
    return found;
  }

  type Command = ReturnType<typeof buildProgram>;
  /** The command a path of words names, or undefined when one of them is not a command. */
  function known(path: string[]): Command | undefined {
    let command: Command | undefined = buildProgram();
    for (const word of path) command = command?.commands.find((sub) => sub.name() === word) as Command | undefined;
    return command;
  }

  it.each(['github-actions.yml', 'gitlab-ci.yml'])('%s parses and calls only commands and flags the CLI has', (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    expect(() => parse(text)).not.toThrow();
    const used = calls(text);
    expect(used.map((call) => call.path[0])).toEqual(expect.arrayContaining(['change', 'evidence', 'promote', 'wait', 'deploy']));
    for (const call of used) {
      const command = known(call.path);
      expect([call.path.join(' '), command !== undefined]).toEqual([call.path.join(' '), true]);
      const flags = command!.options.map((option) => option.long);
      for (const flag of call.flags) expect([call.path.join(' '), flag, flags.includes(flag)]).toEqual([call.path.join(' '), flag, true]);
    }
  });
});
