import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyLintAction, policyTestAction } from './policy.actions';

const POLICIES = join(__dirname, '../../../../policies');

function capture(action: (dir: string, output: { out(text: string): void }) => number, dir: string): { output: string; exitCode: number } {
  let output = '';
  const exitCode = action(dir, { out: (text) => (output += text) });
  return { output, exitCode };
}

describe(policyTestAction.name, () => {
  it('prints every case of the shipped policies by its note and exits 0', () => {
    const { output, exitCode } = capture(policyTestAction, POLICIES);
    expect(exitCode).toBe(0);
    expect(output).toContain('production (');
    expect(output).toContain('  ✓ a low-risk change outside a freeze deploys automatically');
    expect(output).toMatch(/\n\d+ passed, 0 failed\nOK\n$/);
  });

  it('exits 1 when a policy has no tests', () => {
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    mkdirSync(join(root, 'development'));
    writeFileSync(join(root, 'development', 'policy.yaml'), 'name: development\nversion: 1\nappliesTo: { environments: [dev] }\ndefault: allow\nrules: []\n');
    const { output, exitCode } = capture(policyTestAction, root);
    expect(exitCode).toBe(1);
    expect(output).toContain('policy "development" has no tests');
    expect(output).toMatch(/FAIL\n$/);
  });
});

describe(policyLintAction.name, () => {
  it('is clean on the shipped policies', () => {
    expect(capture(policyLintAction, POLICIES)).toEqual({ output: 'no problems\n', exitCode: 0 });
  });

  it('prints file:line:column: reason and exits 1', () => {
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    mkdirSync(join(root, 'staging'));
    writeFileSync(
      join(root, 'staging', 'policy.yaml'),
      'name: staging\nversion: 1\nappliesTo: { environments: [staging] }\ndefault: allow\nrules:\n  - id: t\n    when: { "!": { "var": "evidence.test.passed" } }\n    effect: deny\n    reason: r\n',
    );
    writeFileSync(join(root, 'staging', 'tests.yaml'), 'cases: []\n');
    const { output, exitCode } = capture(policyLintAction, root);
    expect(exitCode).toBe(1);
    expect(output).toContain('/staging/policy.yaml:7:27: rule "t": `evidence.test.passed` is not a field of the input; did you mean `evidence.tests.passed`?');
  });
});
