import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import { createPublicKey } from 'node:crypto';
import { keyIdOf, verifyAuditExport, type ExportCheckpointLine, type TrustedCheckpoint } from '@gatehouse/audit';
import { graphql, openExport, serverOptions } from './audit-client';
import { formatVerificationReport, type VerificationReport } from './audit-report';

/** Where the commands write; tests pass their own. */
export interface AuditCommandOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: AuditCommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit code when verification ran and found the chain broken (1 is for errors). */
export const EXIT_BROKEN = 2;

const VERIFY = `query Verify($input: VerifyAuditChainInput) {
  verifyAuditChain(input: $input) {
    valid sealedFrom sealedTo pendingCount checkedFrom checkedTo eventsChecked checkpointsChecked unsignedTail keyIds
    lastCheckpoint { seq time keyId }
    firstBroken { seq problem message }
    prunedBefore retentionAnchor { sealMonth sealKeyId }
  }
}`;

const EVIDENCE = `query Evidence($change: ID!) {
  changeEvidence(change: $change) {
    changeId headSeq pendingCount
    events { seq id status occurredAt action actor { kind id displayName ip userAgent } subject { type id } application environment data requestId prevHash hash }
  }
}`;

/**
 * Adds `gatehouse audit verify | verify-export | export | evidence`. `verify-export` needs
 * nothing but the file (and, ideally, the public key you obtained separately). Exit codes:
 * 0 verified, 2 the chain or file is broken, 1 anything else went wrong.
 */
export function registerAuditCommands(program: Command, output: AuditCommandOutput = processOutput): Command {
  const audit = program.command('audit').description('the tamper-evident audit trail: verify, export, evidence');
  const server = (command: Command) =>
    command
      .addOption(new Option('--url <url>', 'Gatehouse server').env('GATEHOUSE_URL'))
      .addOption(new Option('--token <token>', 'API token').env('GATEHOUSE_TOKEN'));

  server(audit.command('verify'))
    .description('verify the server\'s hash chain and checkpoints; exit 2 when broken')
    .option('--from <seq>', 'first seq', parseSeq)
    .option('--to <seq>', 'last seq', parseSeq)
    .option('--checkpoint <file>', 'an earlier JSONL export (its last checkpoint) or checkpoint JSON, to detect a rewritten or truncated chain')
    .option('--public-key <file>', 'the PEM key you trust; checkpoints signed by another key fail')
    .option('--json', 'print the report as JSON')
    .action(async (options: { url?: string; token?: string; from?: number; to?: number; checkpoint?: string; publicKey?: string; json?: boolean }) => {
      const trusted = options.checkpoint ? await readTrustedCheckpoint(options.checkpoint) : undefined;
      const { verifyAuditChain: report } = await graphql<{ verifyAuditChain: VerificationReport }>(serverOptions(options), VERIFY, {
        input: {
          fromSeq: options.from,
          toSeq: options.to,
          trustedCheckpoints: trusted ? [{ seq: trusted.seq, hash: trusted.hash.toString('hex') }] : undefined,
        },
      });
      if (options.publicKey && report.valid) {
        const pinned = keyIdOf(createPublicKey(readFileSync(options.publicKey, 'utf8')).export({ type: 'spki', format: 'der' }));
        const foreign = report.keyIds.filter((keyId) => keyId !== pinned);
        if (foreign.length) {
          report.valid = false;
          report.firstBroken = {
            seq: report.lastCheckpoint?.seq ?? 0,
            problem: 'UNKNOWN_SIGNING_KEY',
            message: `checkpoints are signed by ${foreign.join(', ')}, not by the key you pinned (${pinned})`,
          };
        }
      }
      finish(output, report, serverOptions(options).url, options.json);
    });

  audit
    .command('verify-export')
    .description('verify a JSONL export offline (no server, no database); exit 2 when broken')
    .argument('<file>', 'a JSONL export')
    .option('--checkpoint <file>', 'an earlier export (its last checkpoint) or checkpoint JSON you kept')
    .option('--public-key <file>', 'the PEM key you trust; checkpoints signed by another key fail')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { checkpoint?: string; publicKey?: string; json?: boolean }) => {
      const trusted = options.checkpoint ? await readTrustedCheckpoint(options.checkpoint) : undefined;
      const result = await verifyAuditExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), {
        pinnedPublicKeys: options.publicKey ? [readFileSync(options.publicKey, 'utf8')] : undefined,
        trusted: trusted ? [trusted] : undefined,
      });
      finish(output, result, file, options.json);
    });

  server(audit.command('export'))
    .description('stream the audit log from the server (JSONL carries checkpoints and keys for verify-export)')
    .option('--since <time>', 'ISO 8601: events that occurred at or after')
    .option('--until <time>', 'ISO 8601: events that occurred before')
    .addOption(new Option('--format <format>', 'jsonl or csv').choices(['jsonl', 'csv']).default('jsonl'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options: { url?: string; token?: string; since?: string; until?: string; format: string; output?: string }) => {
      const query = new URLSearchParams({ format: options.format });
      if (options.since) query.set('since', options.since);
      if (options.until) query.set('until', options.until);
      const body = await openExport(serverOptions(options), query);
      await pipeline(Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]), options.output ? createWriteStream(options.output) : process.stdout);
      if (options.output) output.err(`wrote ${options.output}\n`);
    });

  server(audit.command('evidence'))
    .description('everything the audit log holds about one change, with chain positions, as JSON')
    .argument('<change>', 'change id')
    .action(async (change: string, options: { url?: string; token?: string }) => {
      const data = await graphql<{ changeEvidence: unknown }>(serverOptions(options), EVIDENCE, { change });
      output.out(`${JSON.stringify(data.changeEvidence, null, 2)}\n`);
    });

  return audit;
}

function finish(output: AuditCommandOutput, report: VerificationReport, source: string, json?: boolean): void {
  output.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatVerificationReport(report, source));
  if (!report.valid) process.exitCode = EXIT_BROKEN;
}

function parseSeq(value: string): number {
  const seq = Number(value);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`not a seq: ${value}`);
  return seq;
}

/** A kept checkpoint: the last checkpoint line of a JSONL export, or one checkpoint as JSON. */
async function readTrustedCheckpoint(file: string): Promise<TrustedCheckpoint> {
  let last: ExportCheckpointLine | undefined;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.includes('"type":"checkpoint"')) last = JSON.parse(line) as ExportCheckpointLine;
  }
  if (!last) throw new Error(`${file} holds no checkpoint`);
  return { seq: last.seq, hash: Buffer.from(last.hash, 'hex') };
}
