import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerApplicationCommands } from '../application/application.commands';
import { registerEvidenceCommands } from '../evidence/evidence.commands';
import { registerChangeCommands } from './change.commands';

/** A program with the app, change and evidence commands writing into `written`, and a server that records each request. */
function harness(answer: unknown) {
  const written = { out: '', err: '' };
  const output = { out: (text: string) => (written.out += text), err: (text: string) => (written.err += text) };
  const program = new Command('gatehouse').exitOverride();
  registerApplicationCommands(program, output);
  registerChangeCommands(program, output);
  registerEvidenceCommands(program, output);
  const requests: { variables: Record<string, unknown> }[] = [];
  jest.spyOn(global, 'fetch').mockImplementation(async (_url, init) => {
    requests.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify(answer));
  });
  const run = (...args: string[]) => program.parseAsync(['node', 'gatehouse', ...args, '--url', 'http://gatehouse.test', '--token', 't']);
  return { written, requests, run };
}

afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
});

describe(registerChangeCommands.name, () => {
  it('collects repeated --commit, --label and --path and reads counts as numbers', async () => {
    const { written, requests, run } = harness({ data: { registerChange: { id: 'chg-1' } } });
    await run('change', 'register', '--app', 'payments-api', '--version', '1.4.2', '--artifact-digest', `sha256:${'ab'.repeat(32)}`, '--title', 'Refunds',
      '--commit', 'abc1234:ana:second', '--commit', 'def5678:bo:first', '--label', 'a', '--label', 'b', '--path', 'x.ts', '--lines-added', '12', '--lines-removed', '3');
    expect(written.out).toBe('chg-1\n');
    expect(process.exitCode).toBe(0);
    expect(requests[0]!.variables.input).toMatchObject({
      commits: [
        { sha: 'abc1234', author: 'ana', message: 'second' },
        { sha: 'def5678', author: 'bo', message: 'first' },
      ],
      labels: ['a', 'b'],
      changedPaths: ['x.ts'],
      linesAdded: 12,
      linesRemoved: 3,
    });
  });

  it('reads one commit for a bare --from-git, in the current folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Bo', '-c', 'user.email=bo@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(cwd, 'a.txt'), 'one\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    writeFileSync(join(cwd, 'a.txt'), 'one\ntwo\n');
    git('commit', '-q', '-am', 'second');
    jest.spyOn(process, 'cwd').mockReturnValue(cwd);
    const { requests, run } = harness({ data: { registerChange: { id: 'chg-2' } } });
    await run('change', 'register', '--app', 'a', '--version', '1', '--artifact-digest', `sha256:${'ab'.repeat(32)}`, '--title', 't', '--from-git');
    expect(requests[0]!.variables.input).toMatchObject({ commits: [{ author: 'bo', message: 'second' }], changedPaths: ['a.txt'], linesAdded: 1, linesRemoved: 0 });
  });

  it('refuses a line count that is not a whole number', async () => {
    const { run } = harness({});
    await expect(run('change', 'register', '--app', 'a', '--version', '1', '--artifact-digest', 'd', '--title', 't', '--commit', 'abc1234:a:m', '--lines-added', 'many')).rejects.toThrow(
      "error: option '--lines-added <n>' argument 'many' is invalid. not a whole number: many",
    );
  });
});

describe(registerApplicationCommands.name, () => {
  it('sends repeated --env in the order given', async () => {
    const { requests, run } = harness({ data: { createApplication: { name: 'web', team: 'web-team', environments: [] } } });
    await run('app', 'create', 'web', '--team', 'web-team', '--env', 'dev:DEVELOPMENT', '--env', 'prod:PRODUCTION:regulated');
    expect(requests[0]!.variables.input).toEqual({
      name: 'web',
      team: 'web-team',
      environments: [
        { name: 'dev', tier: 'DEVELOPMENT' },
        { name: 'prod', tier: 'PRODUCTION', regulated: true },
      ],
    });
  });
});

describe(registerEvidenceCommands.name, () => {
  it('maps --check, --source and --report-url into the input', async () => {
    const { requests, run } = harness({ data: { attachEvidence: { id: 'ev-1', change: 'chg-1', kind: 'CHECK', check: { name: 'sast', status: 'PASSED' }, tests: null, coverage: null, securityScan: null } } });
    await run('evidence', 'attach', '--change', 'chg-1', '--check', 'sast=passed', '--source', 'gitlab-ci', '--report-url', 'https://ci.example/job/1');
    expect(requests[0]!.variables.input).toEqual({ change: 'chg-1', source: 'gitlab-ci', url: 'https://ci.example/job/1', kind: 'CHECK', check: { name: 'sast', status: 'PASSED' } });
  });
});
