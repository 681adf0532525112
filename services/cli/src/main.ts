import { Command } from 'commander';
import { registerAuditCommands } from './audit/audit.commands';
import { registerPolicyCommands } from './policy/policy.commands';

/** `gatehouse`: the command line for platform teams, CI and auditors. */
export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: policy-gated promotions with a tamper-evident audit trail')
    .showHelpAfterError();
  registerPolicyCommands(program);
  registerAuditCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
