import type { AttachEvidenceInput } from './dto/attach-evidence.input';
import { CheckStatus, EvidenceKind } from './evidence-kind';
import { evidencePayloadOf } from './evidence.payload';

const change = '6f1c2a9e-0000-4000-8000-000000000001';

describe(evidencePayloadOf.name, () => {
  it('takes exactly the typed payload of the kind', () => {
    const input = { change, kind: EvidenceKind.TESTS, tests: { passed: 3, failed: 0, skipped: 1, extra: 'x' } } as unknown as AttachEvidenceInput;
    expect(evidencePayloadOf(input)).toEqual({ payload: { passed: 3, failed: 0, skipped: 1 }, problems: [] });
    expect(evidencePayloadOf({ change, kind: EvidenceKind.CHECK, check: { name: 'sast', status: CheckStatus.PASSED } }).payload).toEqual({
      name: 'sast',
      status: 'PASSED',
    });
  });

  it('requires the payload the kind names', () => {
    expect(evidencePayloadOf({ change, kind: EvidenceKind.COVERAGE, tests: null }).problems).toEqual([
      { path: 'input.coverage', message: 'is required when kind is COVERAGE' },
    ]);
  });

  it('refuses a payload of another kind, naming each', () => {
    const { problems } = evidencePayloadOf({
      change,
      kind: EvidenceKind.SECURITY_SCAN,
      securityScan: { critical: 0, high: 0, medium: 0, low: 0, tool: 'trivy' },
      coverage: { percent: 50 },
      check: { name: 'sast', status: CheckStatus.FAILED },
    });
    expect(problems.map((p) => p.path)).toEqual(['input.coverage', 'input.check']);
  });
});
