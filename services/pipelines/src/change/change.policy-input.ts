import { CheckStatus, EvidenceKind } from '../evidence/evidence-kind';
import type { Evidence } from '../evidence/evidence.model';
import type { Change } from './change.model';

/** The check statuses policies read, as `policies/input.schema.json` spells them. */
export type PolicyCheckStatus = 'success' | 'failure' | 'pending' | 'skipped';

/**
 * ChangePolicyInput is the `change` and `evidence` parts of a policy input document
 * (`policies/input.schema.json`); the promotion adds application, source, target, window,
 * requester and history.
 */
export interface ChangePolicyInput {
  change: {
    id: string;
    sha: string;
    artifactDigest: string | null;
    title: string;
    ticket: string | null;
    labels: string[];
    paths: string[];
    diffSize: number;
    risk: number;
    authors: string[];
    emergency: boolean;
  };
  evidence: {
    tests: { passed: boolean; total: number; failed: number; coverage: number | null };
    vulnerabilities: { critical: number; high: number; medium: number; low: number };
    checks: Record<string, PolicyCheckStatus>;
  };
}

const CHECK_STATUS: Record<CheckStatus, PolicyCheckStatus> = {
  [CheckStatus.PASSED]: 'success',
  [CheckStatus.FAILED]: 'failure',
  [CheckStatus.PENDING]: 'pending',
};

/** Labels that raise a change's risk score, and by how much. */
export const RISKY_LABELS: Readonly<Record<string, number>> = { 'database-migration': 2, 'breaking-change': 2, hotfix: 1 };

/**
 * The risk score (0 trivial to 10 critical) policies read as `change.risk`: up to 5 for the
 * diff size (1.25 per decade of lines changed), up to 2 for the breadth (one per decade of
 * paths touched), plus RISKY_LABELS; rounded to one decimal.
 */
export function changeRisk(change: Pick<Change, 'linesAdded' | 'linesRemoved' | 'changedPaths' | 'labels'>): number {
  const size = Math.min(5, 1.25 * Math.log10(1 + change.linesAdded + change.linesRemoved));
  const breadth = Math.min(2, Math.log10(1 + change.changedPaths.length));
  const labels = change.labels.reduce((sum, label) => sum + (RISKY_LABELS[label] ?? 0), 0);
  return Math.round(Math.min(10, size + breadth + labels) * 10) / 10;
}

/**
 * Maps a change and its current evidence (newest of each kind, of each name for checks) onto
 * the policy input's `change.*` and `evidence.*`. Without a test report `tests.passed` is
 * false (nothing passed that was not run); without a scan the vulnerability counts are 0;
 * `change.emergency` is the promotion's to set.
 */
export function toPolicyInput(change: Change, currentEvidence: Evidence[], options: { emergency?: boolean } = {}): ChangePolicyInput {
  const latest = <K extends EvidenceKind>(kind: K) =>
    currentEvidence.filter((e) => e.kind === kind).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  const tests = latest(EvidenceKind.TESTS)?.tests ?? null;
  const coverage = latest(EvidenceKind.COVERAGE)?.coverage ?? null;
  const scan = latest(EvidenceKind.SECURITY_SCAN)?.securityScan ?? null;
  const checks: Record<string, PolicyCheckStatus> = {};
  for (const evidence of currentEvidence) {
    if (evidence.kind === EvidenceKind.CHECK && evidence.check && !(evidence.check.name in checks)) {
      checks[evidence.check.name] = CHECK_STATUS[evidence.check.status];
    }
  }
  return {
    change: {
      id: change.id,
      sha: change.sha,
      artifactDigest: change.artifactDigest,
      title: change.title,
      ticket: change.ticket,
      labels: [...change.labels],
      paths: [...change.changedPaths],
      diffSize: change.linesAdded + change.linesRemoved,
      risk: changeRisk(change),
      authors: [...new Set(change.commits.map((commit) => commit.author))],
      emergency: options.emergency ?? false,
    },
    evidence: {
      tests: {
        passed: tests !== null && tests.failed === 0,
        total: tests ? tests.passed + tests.failed + tests.skipped : 0,
        failed: tests?.failed ?? 0,
        coverage: coverage?.percent ?? null,
      },
      vulnerabilities: { critical: scan?.critical ?? 0, high: scan?.high ?? 0, medium: scan?.medium ?? 0, low: scan?.low ?? 0 },
      checks,
    },
  };
}
