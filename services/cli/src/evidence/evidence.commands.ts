import { Command } from 'commander';
import { processOutput, type CommandOutput } from '../client/command-output';
import { withServer } from '../login/login.commands';
import { evidenceAttachAction, type EvidenceAttachOptions } from './evidence.actions';

/** Adds `gatehouse evidence attach`. */
export function registerEvidenceCommands(program: Command, output: CommandOutput = processOutput): void {
  const evidence = program.command('evidence').description('evidence about a change: tests, coverage, security scans, checks');

  withServer(evidence.command('attach'))
    .description('attach one report to a change (exactly one of --junit, --lcov, --cobertura, --sarif, --check)')
    .requiredOption('--change <id>', 'change id')
    .option('--junit <file>', 'JUnit XML test report: counts passed, failed (failure or error) and skipped cases')
    .option('--lcov <file>', 'lcov tracefile: line coverage')
    .option('--cobertura <file>', 'Cobertura XML: line coverage')
    .option('--sarif <file>', 'SARIF 2.1.0: results by severity (security-severity ≥9 critical, ≥7 high, ≥4 medium, >0 low; else level error high, warning medium, note low)')
    .option('--check <name=STATUS>', 'a named check: PASSED, FAILED or PENDING')
    .option('--tool <name>', 'scanner name for --sarif (default: the report\'s tool)')
    .option('--source <source>', 'who reported it, e.g. github-actions')
    .option('--report-url <url>', 'where the full report is (http or https)')
    .action(async (options: EvidenceAttachOptions) => {
      process.exitCode = await evidenceAttachAction(options, output);
    });
}
