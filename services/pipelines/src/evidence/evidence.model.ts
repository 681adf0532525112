import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';
import { CheckStatus, EvidenceKind } from './evidence-kind';

/** TestsEvidence is one test run's result counts. */
@ObjectType()
export class TestsEvidence {
  @Field(() => Int)
  passed: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int)
  skipped: number;
}

/** CoverageEvidence is line coverage in percent. */
@ObjectType()
export class CoverageEvidence {
  @Field(() => Float)
  percent: number;
}

/** SecurityScanEvidence is the open findings of one scan, by severity. */
@ObjectType()
export class SecurityScanEvidence {
  @Field(() => Int)
  critical: number;

  @Field(() => Int)
  high: number;

  @Field(() => Int)
  medium: number;

  @Field(() => Int)
  low: number;

  @Field()
  tool: string;
}

/** CheckEvidence is the status of one named check. */
@ObjectType()
export class CheckEvidence {
  @Field()
  name: string;

  @Field(() => CheckStatus)
  status: CheckStatus;
}

/**
 * Evidence is one immutable report about a change (a test run, coverage, a security scan, a
 * named check). A newer report of the same kind (for checks, of the same name) supersedes it;
 * the old one stays in the history.
 */
@ObjectType()
export class Evidence {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Change id.' })
  change: string;

  @Field(() => EvidenceKind)
  kind: EvidenceKind;

  @Field(() => TestsEvidence, { nullable: true })
  tests: TestsEvidence | null;

  @Field(() => CoverageEvidence, { nullable: true })
  coverage: CoverageEvidence | null;

  @Field(() => SecurityScanEvidence, { nullable: true })
  securityScan: SecurityScanEvidence | null;

  @Field(() => CheckEvidence, { nullable: true })
  check: CheckEvidence | null;

  @Field(() => String, { nullable: true })
  source: string | null;

  @Field(() => String, { nullable: true })
  url: string | null;

  @Field({ description: 'User id of whoever attached it.' })
  attachedBy: string;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType()
export class EvidenceConnection extends Connection(Evidence, 'Evidence') {}

/** EvidencePayload is the stored payload of one kind, as one JSON object. */
export type EvidencePayload = TestsEvidence | CoverageEvidence | SecurityScanEvidence | CheckEvidence;

/** EvidenceRow is a stored evidence row as the repository reads it. */
export interface EvidenceRow {
  id: string;
  seq: string;
  change_id: string;
  kind: EvidenceKind;
  payload: EvidencePayload;
  source: string | null;
  url: string | null;
  attached_by: string;
  created_at: Date;
}

export function toEvidenceModel(row: EvidenceRow): Evidence {
  const payload = row.payload as unknown;
  return {
    id: row.id,
    change: row.change_id,
    kind: row.kind,
    tests: row.kind === EvidenceKind.TESTS ? (payload as TestsEvidence) : null,
    coverage: row.kind === EvidenceKind.COVERAGE ? (payload as CoverageEvidence) : null,
    securityScan: row.kind === EvidenceKind.SECURITY_SCAN ? (payload as SecurityScanEvidence) : null,
    check: row.kind === EvidenceKind.CHECK ? (payload as CheckEvidence) : null,
    source: row.source,
    url: row.url,
    attachedBy: row.attached_by,
    createdAt: row.created_at,
  };
}
