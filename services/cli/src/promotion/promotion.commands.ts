import { Command } from 'commander';
import { processOutput, type CommandOutput } from '../client/command-output';
import { withServer } from '../login/login.commands';
import { deployReportAction, promoteAction, statusAction, voteAction, waitAction, type WaitOptions } from './promotion.actions';

/** Adds `gatehouse promote | approve | reject | status | wait | deploy report`. */
export function registerPromotionCommands(program: Command, output: CommandOutput = processOutput): void {
  withServer(program.command('promote'))
    .description('request the promotion of a change into an environment; prints the decision')
    .requiredOption('--change <id>', 'change id')
    .requiredOption('--env <name>', 'target environment')
    .option('--reason <text>', 'why, for the approvers and the audit trail')
    .option('--idempotency-key <key>', 'repeating the request with the same key returns the same promotion (safe CI retries)')
    .action(async (options) => {
      process.exitCode = await promoteAction(options, output);
    });

  withServer(program.command('approve'))
    .description('approve a promotion waiting for approval (you must be in a group its decision requires)')
    .argument('<promotion>', 'promotion id')
    .option('--comment <text>', 'why')
    .action(async (promotion: string, options) => {
      process.exitCode = await voteAction('approve', promotion, options, output);
    });

  withServer(program.command('reject'))
    .description('reject a promotion waiting for approval')
    .argument('<promotion>', 'promotion id')
    .requiredOption('--comment <text>', 'why (required)')
    .action(async (promotion: string, options) => {
      process.exitCode = await voteAction('reject', promotion, options, output);
    });

  withServer(program.command('status'))
    .description('a promotion: state, decision, approvals, deployments; or with --app, where each environment stands')
    .argument('[promotion]', 'promotion id')
    .option('--app <name>', 'application: the deployed version and open promotions of each environment')
    .action(async (promotion: string | undefined, options) => {
      process.exitCode = await statusAction(promotion, options, output);
    });

  withServer(program.command('wait'))
    .description('block until a promotion is approved (exit 0), closed: denied, rejected, expired, cancelled (exit 2), or the timeout passes (exit 3); 1 on error')
    .argument('<promotion>', 'promotion id')
    .option('--timeout <duration>', 'how long to wait: 90s, 15m, 2h', '30m')
    .option('--interval <duration>', 'how often to ask', '5s')
    .action(async (promotion: string, options: WaitOptions) => {
      process.exitCode = await waitAction(promotion, options, output);
    });

  const deploy = program.command('deploy').description('deployments');
  withServer(deploy.command('report'))
    .description('report what the deployer did with an approved promotion')
    .argument('<promotion>', 'promotion id')
    .requiredOption('--status <status>', 'STARTED, SUCCEEDED, FAILED or ROLLED_BACK')
    .option('--deployment-url <url>', 'link to the deployment run or the running service')
    .option('--details <json>', 'a JSON object from the deployer (at most 16 KiB)')
    .action(async (promotion: string, options) => {
      process.exitCode = await deployReportAction(promotion, options, output);
    });
}
