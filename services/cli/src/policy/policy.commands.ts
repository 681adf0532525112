import { Command } from 'commander';
import { policyLintAction, policyTestAction, processOutput, type PolicyCommandOutput } from './policy.actions';

/**
 * Adds the `gatehouse policy ...` commands that work offline on a policies directory:
 * `test` and `lint`. (`push`, `diff` and `simulate` talk to the server API and come with it.)
 * The actions live in policy.actions.ts so they can be tested without commander (ESM-only).
 */
export function registerPolicyCommands(program: Command, output: PolicyCommandOutput = processOutput): Command {
  const policy = program.command('policy').description('policy-as-code: test and lint policies/<name>/policy.yaml');

  policy
    .command('test')
    .description('run every tests.yaml beside the policies; exit 1 on a failing case or a policy without tests')
    .argument('[dir]', 'policies directory, or one policy folder', 'policies')
    .action((dir: string) => {
      if (policyTestAction(dir, output) !== 0) process.exitCode = 1;
    });

  policy
    .command('lint')
    .description('check policies and tests against their schemas, rule logic and the input document; exit 1 on a problem')
    .argument('[dir]', 'policies directory, or one policy folder', 'policies')
    .action((dir: string) => {
      if (policyLintAction(dir, output) !== 0) process.exitCode = 1;
    });

  return policy;
}
