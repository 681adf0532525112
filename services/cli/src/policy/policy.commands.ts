import { Command } from 'commander';

/** Adds the `gatehouse policy ...` commands. */
export function registerPolicyCommands(program: Command): Command {
  return program.command('policy').description('policy commands');
}
