import { formatPolicyProblem, lintPolicyDirectory, runPolicyTests, type PolicyTestReport } from '@gatehouse/policy';

/** Where the commands write; tests pass their own. */
export interface PolicyCommandOutput {
  out(text: string): void;
}

export const processOutput: PolicyCommandOutput = { out: (text) => process.stdout.write(text) };

/** `gatehouse policy test [dir]`: prints each case by its note; returns the exit code. */
export function policyTestAction(dir: string, output: PolicyCommandOutput = processOutput): number {
  const report = runPolicyTests(dir);
  output.out(formatTestReport(report));
  return report.ok ? 0 : 1;
}

/** `gatehouse policy lint [dir]`: prints file:line:column: reason per problem; returns the exit code. */
export function policyLintAction(dir: string, output: PolicyCommandOutput = processOutput): number {
  const problems = lintPolicyDirectory(dir);
  for (const problem of problems) output.out(`${formatPolicyProblem(problem)}\n`);
  output.out(problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'}\n` : 'no problems\n');
  return problems.length ? 1 : 0;
}

/** The test report as people read it: one line per case, by its note. */
export function formatTestReport(report: PolicyTestReport): string {
  const lines: string[] = [];
  for (const policy of report.policies) {
    lines.push(`${policy.name} (${policy.file})`);
    for (const problem of policy.problems) lines.push(`  ✗ ${formatPolicyProblem(problem)}`);
    for (const testCase of policy.cases) {
      lines.push(`  ${testCase.passed ? '✓' : '✗'} ${testCase.note}`);
      for (const failure of testCase.failures) lines.push(`      ${failure}`);
    }
  }
  if (report.policies.length === 0) lines.push('✗ no policies found (expected <name>/policy.yaml)');
  const failedPolicies = report.policies.filter((policy) => policy.problems.length > 0).length;
  const problems = failedPolicies ? `, ${failedPolicies} polic${failedPolicies === 1 ? 'y' : 'ies'} with problems` : '';
  lines.push('', `${report.passedCases} passed, ${report.failedCases} failed${problems}`, report.ok ? 'OK' : 'FAIL');
  return `${lines.join('\n')}\n`;
}
