import { Command } from 'commander';
import { processOutput, type CommandOutput } from '../client/command-output';
import { withServer } from '../login/login.commands';
import { appCreateAction, appListAction, type AppCreateOptions } from './application.actions';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds `gatehouse app create | list`. */
export function registerApplicationCommands(program: Command, output: CommandOutput = processOutput): void {
  const app = program.command('app').description('applications and their environments');

  withServer(app.command('create'))
    .description('create an application; --env in promotion order, e.g. --env dev:DEVELOPMENT --env prod:PRODUCTION:regulated:Europe/London')
    .argument('<name>', 'slug, e.g. payments-api')
    .requiredOption('--team <team>', 'owning team')
    .option('--env <name:TIER[:regulated][:Time/Zone]>', 'an environment (repeat, first is where changes start)', collect, [])
    .option('--description <text>', 'what it is')
    .action(async (name: string, options: AppCreateOptions) => {
      process.exitCode = await appCreateAction(name, options, output);
    });

  withServer(app.command('list'))
    .description('list applications (* marks a regulated environment)')
    .option('--include-archived', 'show archived applications too')
    .action(async (options: { url?: string; token?: string; json?: boolean; includeArchived?: boolean }) => {
      process.exitCode = await appListAction(options, output);
    });
}
