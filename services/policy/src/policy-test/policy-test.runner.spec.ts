import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolicyTests } from './policy-test.runner';

const POLICY = `name: staging
version: 1
appliesTo: { environments: [staging] }
default: allow
rules:
  - id: tests-must-pass
    when: { "!": { "var": "evidence.tests.passed" } }
    effect: deny
    reason: Failing tests do not reach staging
`;

const BASE = `baseInput:
  change: { id: c, sha: s, title: t, labels: [], paths: [], diffSize: 1, risk: 1, authors: [a], emergency: false }
  evidence: { tests: { passed: true, total: 1, failed: 0 }, vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0 }, checks: {} }
  application: { name: app, team: t, tier: standard, tags: [] }
  source: { environment: dev, succeeded: true }
  target: { environment: staging, regulated: false, tier: staging }
  window: { frozen: false, inChangeWindow: true }
  requester: { id: r, kind: human, groups: [] }
  history: { deploymentsToday: 0, failedDeploymentsLast7Days: 0, lastDeploymentFailed: false }
`;

/** A policies directory with one `staging` policy and the given tests.yaml (none when undefined). */
function policiesDir(tests: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-tests-'));
  mkdirSync(join(root, 'staging'));
  writeFileSync(join(root, 'staging', 'policy.yaml'), POLICY);
  if (tests !== undefined) writeFileSync(join(root, 'staging', 'tests.yaml'), tests);
  return root;
}

describe(runPolicyTests.name, () => {
  it('passes when every case meets its expectation', () => {
    const report = runPolicyTests(policiesDir(`${BASE}cases:
  - note: green tests deploy
    input: {}
    expect: { outcome: allow, approvals: [], matchedRules: [] }
  - note: red tests are denied
    input: { evidence: { tests: { passed: false } } }
    expect: { outcome: deny, matchedRules: [tests-must-pass] }
`));
    expect(report.ok).toBe(true);
    expect(report.policies[0].cases.map((testCase) => [testCase.note, testCase.passed])).toEqual([
      ['green tests deploy', true],
      ['red tests are denied', true],
    ]);
  });

  it('fails a case whose expectation is not met, saying what differed and why', () => {
    const report = runPolicyTests(policiesDir(`${BASE}cases:
  - note: red tests deploy anyway
    input: { evidence: { tests: { passed: false } } }
    expect: { outcome: allow, matchedRules: [] }
`));
    expect(report.ok).toBe(false);
    expect(report.failedCases).toBe(1);
    expect(report.policies[0].cases[0].failures).toEqual([
      'expected outcome allow, got deny',
      'expected matched rules [], got [tests-must-pass]',
      '  tests-must-pass matched: `evidence.tests.passed` was false; the rule needs it to be false or empty: yes',
    ]);
  });

  it('fails a policy without tests (fail on empty)', () => {
    const report = runPolicyTests(policiesDir(undefined));
    expect(report.ok).toBe(false);
    expect(report.policies[0].problems).toEqual([expect.objectContaining({ reason: expect.stringContaining('policy "staging" has no tests') })]);
  });

  it('fails a tests file without cases', () => {
    const report = runPolicyTests(policiesDir('cases: []\n'));
    expect(report.ok).toBe(false);
    expect(report.policies[0].problems).toEqual([expect.objectContaining({ line: 1, reason: 'policy "staging" has no test cases' })]);
  });

  it('fails a case whose input is not a valid input document', () => {
    const report = runPolicyTests(policiesDir(`${BASE}cases:
  - note: typo in the input
    input: { change: { rsik: 1 } }
    expect: { outcome: allow }
`));
    expect(report.ok).toBe(false);
    expect(report.policies[0].cases[0].failures).toEqual(['input is not a valid input document: `rsik` is not allowed in `change`; did you mean `risk`?']);
  });

  it('fails a directory without policies', () => {
    expect(runPolicyTests(mkdtempSync(join(tmpdir(), 'gatehouse-empty-'))).ok).toBe(false);
  });
});
