import { Command, InvalidArgumentError } from 'commander';
import { processOutput, type CommandOutput } from '../client/command-output';
import { withServer } from '../login/login.commands';
import { changeRegisterAction, parseCount, type ChangeRegisterOptions } from './change.actions';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function count(value: string): number {
  try {
    return parseCount(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Adds `gatehouse change register`. */
export function registerChangeCommands(program: Command, output: CommandOutput = processOutput): void {
  const change = program.command('change').description('changes: what gets promoted');

  withServer(change.command('register'))
    .description('register a change and print its id')
    .requiredOption('--app <name>', 'application')
    .requiredOption('--version <version>', 'unique within the application, e.g. 1.4.2 or a build number')
    .requiredOption('--artifact-digest <digest>', 'sha256:<64 hex> of the built artifact')
    .requiredOption('--title <title>', 'one line saying what it is')
    .option('--commit <sha:author:message>', 'a commit (repeat, head first)', collect)
    .option('--from-git [count]', 'read the last commits (default 1), their paths and line counts with git log in the current folder', count)
    .option('--ticket <ticket>', 'change ticket, e.g. CHG-1234')
    .option('--label <label>', 'a label (repeat)', collect)
    .option('--path <path>', 'a repository path the change touches (repeat)', collect)
    .option('--lines-added <n>', 'lines added', count)
    .option('--lines-removed <n>', 'lines removed', count)
    .action(async (options: Omit<ChangeRegisterOptions, 'fromGit'> & { fromGit?: number | true }) => {
      const fromGit = options.fromGit === true ? 1 : options.fromGit;
      process.exitCode = await changeRegisterAction({ ...options, fromGit }, output);
    });
}
