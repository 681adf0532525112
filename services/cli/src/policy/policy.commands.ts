import { Command, Option } from 'commander';
import { policyLintAction, policyTestAction, processOutput, type PolicyCommandOutput } from './policy.actions';
import { policyServer } from './policy-client';
import { policyDiffAction, policyPushAction, policySimulateAction, remoteProcessOutput, type RemoteCommandOutput } from './policy-remote.actions';

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${value} is not a version number`);
  return Number(value);
}

/**
 * Adds the `gatehouse policy ...` commands: `test` and `lint` work offline on a policies
 * directory; `push`, `diff` and `simulate` talk to a server (--url/--token, or GATEHOUSE_URL and
 * GATEHOUSE_TOKEN). The actions live in policy.actions.ts and policy-remote.actions.ts so they
 * can be tested without commander (ESM-only).
 */
export function registerPolicyCommands(program: Command, output: PolicyCommandOutput = processOutput, remote: RemoteCommandOutput = remoteProcessOutput): Command {
  const policy = program.command('policy').description('policy-as-code: test, lint, push, diff and simulate policies/<name>/policy.yaml');
  const server = (command: Command) =>
    command
      .addOption(new Option('--url <url>', 'Gatehouse server (default http://127.0.0.1:4000)').env('GATEHOUSE_URL'))
      .addOption(new Option('--token <token>', 'API token').env('GATEHOUSE_TOKEN'))
      .option('--json', 'print the result as JSON');

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

  server(policy.command('push'))
    .description('publish every policy.yaml as a version (unchanged content is a no-op; changed content needs a new version); exit 1 on a refusal')
    .argument('[dir]', 'policies directory, or one policy folder', 'policies')
    .option('-m, --message <message>', 'why these versions, like a commit message')
    .action(async (dir: string, options: { url?: string; token?: string; json?: boolean; message?: string }) => {
      if ((await policyPushAction(dir, policyServer(options), options, remote)) !== 0) process.exitCode = 1;
    });

  server(policy.command('diff'))
    .description('rules added, removed and changed between two published versions')
    .argument('<name>', 'policy name')
    .argument('<from>', 'older version', integer)
    .argument('<to>', 'newer version', integer)
    .action(async (name: string, from: number, to: number, options: { url?: string; token?: string; json?: boolean }) => {
      if ((await policyDiffAction(name, from, to, policyServer(options), options, remote)) !== 0) process.exitCode = 1;
    });

  server(policy.command('simulate'))
    .description('replay a candidate over the stored inputs of past decisions and show what would change')
    .argument('<name>', 'policy whose past decisions are replayed')
    .requiredOption('--candidate <file|version>', 'a published version number, or a policy.yaml file (not published)')
    .option('--environment <env>', 'only decisions for this environment')
    .option('--since <time>', 'decided at or after (ISO 8601)')
    .option('--until <time>', 'decided before (ISO 8601)')
    .action(async (name: string, options: { url?: string; token?: string; json?: boolean; candidate: string; environment?: string; since?: string; until?: string }) => {
      if ((await policySimulateAction(name, options, policyServer(options), remote)) !== 0) process.exitCode = 1;
    });

  return policy;
}
