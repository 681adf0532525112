import { Command } from 'commander';
import { formatPolicyProblem, lintPolicyDirectory, runPolicyTests, type PolicyTestReport } from '@gatehouse/policy';

/** Where the commands write; tests pass their own. */
export interface PolicyCommandOutput {
  out(text: string): void;
}

const processOutput: PolicyCommandOutput = { out: (text) => process.stdout.write(text) };

/**
 * Adds the `gatehouse policy ...` commands that work offline on a policies directory:
 * `test` and `lint`. (`push`, `diff` and `simulate` talk to the server API and come with it.)
 */
export function registerPolicyCommands(program: Command, output: PolicyCommandOutput = processOutput): Command {
  const policy = program.command('policy').description('policy-as-code: test and lint policies/<name>/policy.yaml');

  policy
    .command('test')
    .description('run every tests.yaml beside the policies; exit 1 on a failing case or a policy without tests')
    .argument('[dir]', 'policies directory, or one policy folder', 'policies')
    .action((dir: string) => {
      const report = runPolicyTests(dir);
      output.out(formatTestReport(report));
      if (!report.ok) process.exitCode = 1;
    });

  policy
    .command('lint')
    .description('check policies and tests against their schemas, rule logic and the input document; exit 1 on a problem')
    .argument('[dir]', 'policies directory, or one policy folder', 'policies')
    .action((dir: string) => {
      const problems = lintPolicyDirectory(dir);
      for (const problem of problems) output.out(`${formatPolicyProblem(problem)}\n`);
      output.out(problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'}\n` : 'no problems\n');
      if (problems.length) process.exitCode = 1;
    });

  return policy;
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
  lines.push(
    '',
    `${report.passedCases} passed, ${report.failedCases} failed` + (failedPolicies ? `, ${failedPolicies} polic${failedPolicies === 1 ? 'y' : 'ies'} with problems` : ''),
    report.ok ? 'OK' : 'FAIL',
  );
  return `${lines.join('\n')}\n`;
}
