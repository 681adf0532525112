import { join } from 'node:path';
import { lintPolicyDirectory, runPolicyTests } from '@gatehouse/policy';

// The shipped policies' own tests run with the rest of the suite, so `npm test` fails with them.
describe('shipped policies', () => {
  const dir = join(__dirname);

  it('lint clean (schema, rule logic, input variables, manifest)', () => {
    expect(lintPolicyDirectory(dir)).toEqual([]);
  });

  const report = runPolicyTests(dir);

  it('are production, staging and development, each with at least 8 test cases', () => {
    expect(report.policies.map((policy) => policy.name).sort()).toEqual(['development', 'production', 'staging']);
    for (const policy of report.policies) expect(policy.cases.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(report.policies.map((policy) => [policy.name, policy] as const))('%s', (_name, policy) => {
    it('loads without problems', () => {
      expect(policy.problems).toEqual([]);
    });

    it.each(policy.cases.map((testCase) => [testCase.note, testCase] as const))('%s', (_note, testCase) => {
      expect(testCase.failures).toEqual([]);
      expect(testCase.passed).toBe(true);
    });
  });
});
