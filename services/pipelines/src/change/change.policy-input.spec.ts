import { CheckStatus, EvidenceKind } from '../evidence/evidence-kind';
import type { Evidence } from '../evidence/evidence.model';
import type { Change } from './change.model';
import { changeRisk, toPolicyInput } from './change.policy-input';

function aChange(overrides: Partial<Change> = {}): Change {
  return {
    id: '6f1c2a9e-0000-4000-8000-000000000001',
    application: 'payments-api',
    version: '1.4.2',
    sha: 'c0ffee1',
    commits: [
      { sha: 'c0ffee1', author: 'alice', message: 'head' },
      { sha: 'decade1', author: 'bob', message: 'middle' },
      { sha: 'facade1', author: 'alice', message: 'first' },
    ],
    artifactDigest: `sha256:${'b'.repeat(64)}`,
    title: 'Ledger export',
    ticket: null,
    labels: ['api'],
    changedPaths: ['payments/ledger.ts'],
    linesAdded: 40,
    linesRemoved: 9,
    contentHash: 'f'.repeat(64),
    registeredBy: 'ci-user',
    createdAt: new Date('2026-11-26T10:00:00Z'),
    ...overrides,
  };
}

let seq = 0;
function anEvidence(kind: EvidenceKind, payload: Partial<Pick<Evidence, 'tests' | 'coverage' | 'securityScan' | 'check'>>): Evidence {
  seq++;
  return {
    id: `e-${seq}`,
    change: 'c',
    kind,
    tests: null,
    coverage: null,
    securityScan: null,
    check: null,
    source: null,
    url: null,
    attachedBy: 'ci',
    createdAt: new Date(Date.UTC(2026, 10, 26, 10, 0, seq)),
    ...payload,
  };
}

describe(toPolicyInput.name, () => {
  it('maps the change onto change.* with the head sha, distinct authors and the diff size', () => {
    const { change } = toPolicyInput(aChange(), []);
    expect(change).toEqual({
      id: '6f1c2a9e-0000-4000-8000-000000000001',
      sha: 'c0ffee1',
      artifactDigest: `sha256:${'b'.repeat(64)}`,
      title: 'Ledger export',
      ticket: null,
      labels: ['api'],
      paths: ['payments/ledger.ts'],
      diffSize: 49,
      risk: changeRisk(aChange()),
      authors: ['alice', 'bob'],
      emergency: false,
    });
  });

  it('lets the promotion mark an emergency', () => {
    expect(toPolicyInput(aChange(), [], { emergency: true }).change.emergency).toBe(true);
  });

  it('says tests did not pass, with zero counts and no coverage, when nothing was reported', () => {
    expect(toPolicyInput(aChange(), []).evidence).toEqual({
      tests: { passed: false, total: 0, failed: 0, coverage: null },
      vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0 },
      checks: {},
    });
  });

  it('maps test counts to passed/total/failed and coverage to tests.coverage', () => {
    const evidence = [
      anEvidence(EvidenceKind.TESTS, { tests: { passed: 120, failed: 0, skipped: 3 } }),
      anEvidence(EvidenceKind.COVERAGE, { coverage: { percent: 81.5 } }),
    ];
    expect(toPolicyInput(aChange(), evidence).evidence.tests).toEqual({ passed: true, total: 123, failed: 0, coverage: 81.5 });
  });

  it('says tests did not pass when any failed', () => {
    const evidence = [anEvidence(EvidenceKind.TESTS, { tests: { passed: 120, failed: 1, skipped: 0 } })];
    expect(toPolicyInput(aChange(), evidence).evidence.tests).toMatchObject({ passed: false, total: 121, failed: 1 });
  });

  it('maps a security scan onto vulnerabilities and checks onto their policy statuses', () => {
    const evidence = [
      anEvidence(EvidenceKind.SECURITY_SCAN, { securityScan: { critical: 1, high: 2, medium: 3, low: 4, tool: 'trivy' } }),
      anEvidence(EvidenceKind.CHECK, { check: { name: 'sast', status: CheckStatus.PASSED } }),
      anEvidence(EvidenceKind.CHECK, { check: { name: 'license-scan', status: CheckStatus.FAILED } }),
      anEvidence(EvidenceKind.CHECK, { check: { name: 'e2e', status: CheckStatus.PENDING } }),
    ];
    const { evidence: mapped } = toPolicyInput(aChange(), evidence);
    expect(mapped.vulnerabilities).toEqual({ critical: 1, high: 2, medium: 3, low: 4 });
    expect(mapped.checks).toEqual({ sast: 'success', 'license-scan': 'failure', e2e: 'pending' });
  });

  it('reads the newest report of a kind when given more than one', () => {
    const evidence = [
      anEvidence(EvidenceKind.TESTS, { tests: { passed: 1, failed: 5, skipped: 0 } }),
      anEvidence(EvidenceKind.TESTS, { tests: { passed: 6, failed: 0, skipped: 0 } }),
    ];
    expect(toPolicyInput(aChange(), evidence).evidence.tests).toMatchObject({ passed: true, total: 6 });
  });
});

describe(changeRisk.name, () => {
  it('is 0 for an empty change and grows with size, breadth and risky labels, never above 10', () => {
    expect(changeRisk({ linesAdded: 0, linesRemoved: 0, changedPaths: [], labels: [] })).toBe(0);
    const small = changeRisk({ linesAdded: 5, linesRemoved: 4, changedPaths: ['a'], labels: [] });
    const large = changeRisk({ linesAdded: 5000, linesRemoved: 4999, changedPaths: Array.from({ length: 99 }, (_, i) => `p${i}`), labels: [] });
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(7);
    expect(changeRisk({ linesAdded: 5, linesRemoved: 4, changedPaths: ['a'], labels: ['database-migration'] })).toBeCloseTo(small + 2, 5);
    expect(changeRisk({ linesAdded: 1e9, linesRemoved: 0, changedPaths: Array.from({ length: 1000 }, (_, i) => `p${i}`), labels: ['hotfix', 'database-migration', 'breaking-change'] })).toBe(10);
  });
});
