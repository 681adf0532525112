import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from './policy-document.loader';

/** Writes <tmp>/<name>/policy.yaml and returns its path. */
function writePolicy(yaml: string, name = 'production'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gatehouse-policy-')), name);
  mkdirSync(dir);
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

const HEADER = `name: production
version: 1
appliesTo: { environments: [prod], regulated: true }
default: require_approval
defaultApprovals: { count: 1, groups: [release-managers] }
`;

describe(loadPolicyFile.name, () => {
  it('loads a valid policy', () => {
    const loaded = loadPolicyFile(writePolicy(`${HEADER}rules:\n  - id: low\n    when: { "<": [{ "var": "change.risk" }, 3] }\n    effect: allow\n    reason: low risk\n`));
    expect(loaded.problems).toEqual([]);
    expect(loaded.document?.rules[0].when).toEqual({ '<': [{ var: 'change.risk' }, 3] });
  });

  it('reports a variable the input does not define at its line, with a suggestion', () => {
    const file = writePolicy(`${HEADER}rules:\n  - id: tests\n    when:\n      "!": { "var": "evidence.test.passed" }\n    effect: deny\n    reason: tests\n`);
    const [problem] = loadPolicyFile(file).problems;
    expect(problem).toEqual({
      file,
      line: 9,
      column: 21,
      reason: 'rule "tests": `evidence.test.passed` is not a field of the input; did you mean `evidence.tests.passed`?',
    });
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = loadPolicyFile(writePolicy(`${HEADER}rules:\n  - id: x\n    when: { "<": [1, 2]\n`)).problems;
    expect(problem.line).toBeGreaterThanOrEqual(8);
    expect(problem.reason).toMatch(/flow|collection|map/i);
  });

  it('refuses duplicate keys', () => {
    const problems = loadPolicyFile(writePolicy(`${HEADER}default: allow\nrules: []\n`)).problems;
    expect(problems).toEqual([expect.objectContaining({ line: 6, reason: expect.stringMatching(/unique/i) })]);
  });

  it('refuses an allow default for a regulated policy, at the default line', () => {
    const problems = loadPolicyFile(writePolicy(`name: production\nversion: 1\nappliesTo: { environments: [prod], regulated: true }\ndefault: allow\nrules: []\n`)).problems;
    expect(problems).toEqual([
      expect.objectContaining({ line: 4, reason: expect.stringContaining('default may not be allow for a policy that applies to regulated environments') }),
    ]);
  });

  it('refuses an unknown operator and a rule nested too deep, at their lines', () => {
    let deep = '{ "var": "change.risk" }';
    for (let i = 0; i < 20; i += 1) deep = `{ "!": ${deep} }`;
    const file = writePolicy(`${HEADER}rules:\n  - id: eq\n    when: { "=": [1, 1] }\n    effect: deny\n    reason: x\n  - id: deep\n    when: ${deep}\n    effect: deny\n    reason: y\n`);
    const problems = loadPolicyFile(file).problems;
    expect(problems.map((problem) => [problem.line, problem.reason])).toEqual([
      [8, expect.stringContaining('rule "eq": unknown operator "="; did you mean "=="?')],
      [12, expect.stringContaining('rule "deep": the rule is nested deeper than 16 levels')],
    ]);
  });

  it('points at a misspelt key and suggests the right one', () => {
    const problems = loadPolicyFile(writePolicy(`${HEADER}rules:\n  - id: a\n    when: true\n    efect: deny\n    effect: deny\n    reason: x\n`)).problems;
    expect(problems).toEqual([expect.objectContaining({ line: 9, reason: '`efect` is not allowed in `rules.0`; did you mean `effect`?' })]);
  });

  it('requires approvals on require_approval rules and refuses them elsewhere', () => {
    const problems = loadPolicyFile(
      writePolicy(`${HEADER}rules:\n  - id: a\n    when: true\n    effect: require_approval\n    reason: x\n  - id: b\n    when: true\n    effect: allow\n    approvals: { count: 1, groups: [x] }\n    reason: y\n`),
    ).problems;
    expect(problems.map((problem) => [problem.line, problem.reason])).toEqual([
      [7, '`rules.0` must have `approvals`'],
      [14, '`approvals` is only allowed on a rule whose effect is require_approval'],
    ]);
  });

  it('requires the policy name to match its folder', () => {
    const problems = loadPolicyFile(writePolicy(`${HEADER}rules: []\n`, 'prod-v2')).problems;
    expect(problems).toEqual([expect.objectContaining({ line: 1, reason: 'the policy is named "production" but lives in the folder "prod-v2"' })]);
  });
});
