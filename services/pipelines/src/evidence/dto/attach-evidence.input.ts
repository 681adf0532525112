import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsNumber, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { CheckStatus, EvidenceKind } from '../evidence-kind';

const MAX_COUNT = 1_000_000_000;

/** TestsEvidenceInput is one test run's result counts. */
@InputType()
export class TestsEvidenceInput {
  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  passed: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  failed: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  skipped: number;
}

/** CoverageEvidenceInput is line coverage in percent. */
@InputType()
export class CoverageEvidenceInput {
  @Field(() => Float, { description: '0 to 100.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0, { message: 'must be between 0 and 100' })
  @Max(100, { message: 'must be between 0 and 100' })
  percent: number;
}

/** SecurityScanEvidenceInput is the open findings of one scan, by severity. */
@InputType()
export class SecurityScanEvidenceInput {
  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  critical: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  high: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  medium: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(MAX_COUNT, { message: `must be at most ${MAX_COUNT}` })
  low: number;

  @Field({ description: 'The scanner, e.g. `trivy`.' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  tool: string;
}

/** CheckEvidenceInput is the status of one named check (policies read it as `evidence.checks.<name>`). */
@InputType()
export class CheckEvidenceInput {
  @Field({ description: 'Slug, e.g. `sast` or `license-scan`.' })
  @IsSlug()
  name: string;

  @Field(() => CheckStatus)
  @IsEnum(CheckStatus)
  status: CheckStatus;
}

/**
 * AttachEvidenceInput reports one piece of evidence about a change. Exactly the payload named
 * by `kind` must be given (`tests` for TESTS, `coverage` for COVERAGE, `securityScan` for
 * SECURITY_SCAN, `check` for CHECK).
 */
@InputType()
export class AttachEvidenceInput {
  @Field(() => ID, { description: 'Change id.' })
  @IsUUID('all', { message: 'must be a change id (a UUID)' })
  change: string;

  @Field(() => EvidenceKind)
  @IsEnum(EvidenceKind)
  kind: EvidenceKind;

  @Field(() => TestsEvidenceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TestsEvidenceInput)
  tests?: TestsEvidenceInput | null;

  @Field(() => CoverageEvidenceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CoverageEvidenceInput)
  coverage?: CoverageEvidenceInput | null;

  @Field(() => SecurityScanEvidenceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SecurityScanEvidenceInput)
  securityScan?: SecurityScanEvidenceInput | null;

  @Field(() => CheckEvidenceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CheckEvidenceInput)
  check?: CheckEvidenceInput | null;

  @Field(() => String, { nullable: true, description: 'Who reported it, e.g. `github-actions`.' })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the full report is (http or https).' })
  @IsOptional()
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http or https URL' })
  url?: string | null;
}
