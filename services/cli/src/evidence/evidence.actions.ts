import { readFile } from 'node:fs/promises';
import { guarded, printJson, UsageError, type CommandOutput } from '../client/command-output';
import { graphql, resolveServer, type ServerFlags } from '../client/gatehouse-client';
import { parseCobertura, parseJUnit, parseLcov, parseSarif } from './evidence-report';

const ATTACH = `mutation AttachEvidence($input: AttachEvidenceInput!) {
  attachEvidence(input: $input) { id change kind source url createdAt attachedBy tests { passed failed skipped } coverage { percent } securityScan { tool critical high medium low } check { name status } } }`;

const CHECK_STATUSES = ['PASSED', 'FAILED', 'PENDING'] as const;

/** Options of `gatehouse evidence attach`: exactly one of junit, lcov, cobertura, sarif, check. */
export interface EvidenceAttachOptions extends ServerFlags {
  change: string;
  junit?: string;
  lcov?: string;
  cobertura?: string;
  sarif?: string;
  /** `name=STATUS`, STATUS one of PASSED, FAILED, PENDING. */
  check?: string;
  /** The scanner's name for --sarif, when the report's driver name is not the one to show. */
  tool?: string;
  /** Who reported it, e.g. `github-actions`. */
  source?: string;
  /** Where the full report is (http or https). */
  reportUrl?: string;
  json?: boolean;
}

/** The kind and payload of AttachEvidenceInput, read from the one report the options name. */
export async function evidencePayload(options: EvidenceAttachOptions): Promise<Record<string, unknown>> {
  const given = (['junit', 'lcov', 'cobertura', 'sarif', 'check'] as const).filter((kind) => options[kind] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --junit, --lcov, --cobertura, --sarif, --check');
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const annotate = async <T>(file: string, parse: (text: string) => T | Promise<T>): Promise<T> => {
    try {
      return await parse(await read(file));
    } catch (error) {
      if (error instanceof UsageError && error.message.startsWith('not a')) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
  };
  if (options.junit !== undefined) return { kind: 'TESTS', tests: await annotate(options.junit, parseJUnit) };
  if (options.lcov !== undefined) return { kind: 'COVERAGE', coverage: { percent: await annotate(options.lcov, parseLcov) } };
  if (options.cobertura !== undefined) return { kind: 'COVERAGE', coverage: { percent: await annotate(options.cobertura, parseCobertura) } };
  if (options.sarif !== undefined) {
    const counts = await annotate(options.sarif, parseSarif);
    return { kind: 'SECURITY_SCAN', securityScan: { ...counts, tool: options.tool ?? counts.tool } };
  }
  return { kind: 'CHECK', check: parseCheckSpec(options.check!) };
}

/** Parses `--check name=STATUS` (status case-insensitive). */
export function parseCheckSpec(spec: string): { name: string; status: (typeof CHECK_STATUSES)[number] } {
  const at = spec.lastIndexOf('=');
  const name = spec.slice(0, at);
  const status = spec.slice(at + 1).toUpperCase();
  if (at <= 0 || !(CHECK_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--check ${spec}: expected name=STATUS, STATUS one of ${CHECK_STATUSES.join(', ')}`);
  }
  return { name, status: status as (typeof CHECK_STATUSES)[number] };
}

interface EvidenceView {
  id: string;
  change: string;
  kind: string;
  tests: { passed: number; failed: number; skipped: number } | null;
  coverage: { percent: number } | null;
  securityScan: { tool: string; critical: number; high: number; medium: number; low: number } | null;
  check: { name: string; status: string } | null;
}

/** Reads the report, attaches it to the change, and prints what the server recorded. */
export async function evidenceAttachAction(options: EvidenceAttachOptions, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, options.json, async () => {
    const payload = await evidencePayload(options);
    const { attachEvidence: evidence } = await graphql<{ attachEvidence: EvidenceView }>(resolveServer(options, env), ATTACH, {
      input: { change: options.change, source: options.source, url: options.reportUrl, ...payload },
    });
    if (options.json) printJson(output, evidence);
    else output.out(`Attached ${evidence.kind} evidence ${evidence.id} to change ${evidence.change}: ${describeEvidence(evidence)}\n`);
    return 0;
  });
}

/** One line saying what a piece of evidence reports. */
export function describeEvidence(evidence: Pick<EvidenceView, 'tests' | 'coverage' | 'securityScan' | 'check'>): string {
  if (evidence.tests) return `${evidence.tests.passed} passed, ${evidence.tests.failed} failed, ${evidence.tests.skipped} skipped`;
  if (evidence.coverage) return `${evidence.coverage.percent}% line coverage`;
  if (evidence.securityScan) {
    const scan = evidence.securityScan;
    return `${scan.tool}: ${scan.critical} critical, ${scan.high} high, ${scan.medium} medium, ${scan.low} low`;
  }
  if (evidence.check) return `${evidence.check.name} ${evidence.check.status}`;
  return 'recorded';
}
