import { Command } from 'commander';
import { registerApplicationCommands } from './application/application.commands';
import { registerAuditCommands } from './audit/audit.commands';
import { registerChangeCommands } from './change/change.commands';
import { registerEvidenceCommands } from './evidence/evidence.commands';
import { registerLoginCommands } from './login/login.commands';
import { registerPolicyCommands } from './policy/policy.commands';
import { registerPromotionCommands } from './promotion/promotion.commands';

/** `gatehouse`: the command line for platform teams, CI and auditors. */
export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: policy-gated promotions with a tamper-evident audit trail')
    .showHelpAfterError();
  registerLoginCommands(program);
  registerApplicationCommands(program);
  registerChangeCommands(program);
  registerEvidenceCommands(program);
  registerPromotionCommands(program);
  registerPolicyCommands(program);
  registerAuditCommands(program);
  return program;
}

/** Runs the CLI; the exit code is set by the command (0 ok, 1 failure, others documented per command). */
export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
