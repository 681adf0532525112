import { Command, Option } from 'commander';
import { processOutput, type CommandOutput } from '../client/command-output';
import { loginAction, logoutAction, readStdin, whoamiAction } from './login.actions';

/** Adds `--url` and `--token` (env GATEHOUSE_URL / GATEHOUSE_TOKEN; else the saved login) to a command. */
export function withServer(command: Command): Command {
  return command
    .option('--url <url>', 'Gatehouse server (env GATEHOUSE_URL; default: the saved login)')
    .option('--token <token>', 'API token (env GATEHOUSE_TOKEN; default: the saved login)')
    .option('--json', 'print JSON');
}

/** Adds `gatehouse login | logout | whoami`. */
export function registerLoginCommands(program: Command, output: CommandOutput = processOutput): void {
  program
    .command('login')
    .description('check a token against the server and save both (config file, mode 0600)')
    .addOption(new Option('--url <url>', 'Gatehouse server').makeOptionMandatory())
    .option('--token <token>', 'API token; without it the token is read from stdin')
    .option('--json', 'print JSON')
    .action(async (options: { url: string; token?: string; json?: boolean }) => {
      process.exitCode = await loginAction(options, () => readStdin(), output);
    });

  program
    .command('logout')
    .description('remove the saved login')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      process.exitCode = logoutAction(options, output);
    });

  withServer(program.command('whoami').description('who the server says you are')).action(async (options: { url?: string; token?: string; json?: boolean }) => {
    process.exitCode = await whoamiAction(options, output);
  });
}
