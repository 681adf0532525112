import { Command } from 'commander';

/** Adds the `gatehouse audit ...` commands. */
export function registerAuditCommands(program: Command): Command {
  return program.command('audit').description('audit commands');
}
