import type { FieldProblem } from '@gatehouse/shared';
import type { AttachEvidenceInput } from './dto/attach-evidence.input';
import { EvidenceKind } from './evidence-kind';
import type { EvidencePayload } from './evidence.model';

/** The input field that carries each kind's payload. */
export const PAYLOAD_FIELD = {
  [EvidenceKind.TESTS]: 'tests',
  [EvidenceKind.COVERAGE]: 'coverage',
  [EvidenceKind.SECURITY_SCAN]: 'securityScan',
  [EvidenceKind.CHECK]: 'check',
} as const satisfies Record<EvidenceKind, keyof AttachEvidenceInput>;

/**
 * The payload of an evidence report, or the problems with it: exactly the field that `kind`
 * names must be present, and no other payload field.
 */
export function evidencePayloadOf(input: AttachEvidenceInput): { payload: EvidencePayload; problems: [] } | { payload: null; problems: FieldProblem[] } {
  const wanted = PAYLOAD_FIELD[input.kind];
  const problems: FieldProblem[] = [];
  for (const [kind, field] of Object.entries(PAYLOAD_FIELD)) {
    const present = input[field] !== undefined && input[field] !== null;
    if (field === wanted && !present) problems.push({ path: `input.${field}`, message: `is required when kind is ${kind}` });
    if (field !== wanted && present) problems.push({ path: `input.${field}`, message: `must be absent when kind is ${input.kind} (it belongs to kind ${kind})` });
  }
  if (problems.length > 0) return { payload: null, problems };
  // Copy the known fields only: the stored payload is exactly the typed shape.
  switch (input.kind) {
    case EvidenceKind.TESTS: {
      const { passed, failed, skipped } = input.tests!;
      return { payload: { passed, failed, skipped }, problems: [] };
    }
    case EvidenceKind.COVERAGE:
      return { payload: { percent: input.coverage!.percent }, problems: [] };
    case EvidenceKind.SECURITY_SCAN: {
      const { critical, high, medium, low, tool } = input.securityScan!;
      return { payload: { critical, high, medium, low, tool }, problems: [] };
    }
    case EvidenceKind.CHECK: {
      const { name, status } = input.check!;
      return { payload: { name, status }, problems: [] };
    }
  }
}
