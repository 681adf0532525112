import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { JSONScalar } from '@gatehouse/policy';
import { IsSlug } from '@gatehouse/shared';
import { DeploymentStatus, PromotionState } from '../promotion-state';

const UUID_MESSAGE = 'must be an id returned by Gatehouse (a UUID)';

/** RequestPromotionInput asks for one change to move into one environment. */
@InputType()
export class RequestPromotionInput {
  @Field(() => ID, { description: 'Change id.' })
  @IsUUID('all', { message: UUID_MESSAGE })
  change: string;

  @Field({ description: 'Target environment: the first of the pipeline, or the one after an environment where the change is deployed.' })
  @IsSlug()
  environment: string;

  @Field(() => String, { nullable: true, description: 'Why, for the approvers and the audit trail.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: 'Repeating a request with the same key returns the first promotion instead of a new one (scoped to the caller).' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be 1 to 200 printable ASCII characters without spaces' })
  idempotencyKey?: string | null;
}

/** VoteInput approves or rejects a pending promotion. */
@InputType()
export class ApprovePromotionInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  promotion: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  comment?: string | null;
}

@InputType()
export class RejectPromotionInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  promotion: string;

  @Field({ description: 'Required: say why, for the requester and the audit trail.' })
  @IsString()
  @Matches(/\S/, { message: 'must say why the promotion is rejected' })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  comment: string;
}

@InputType()
export class CancelPromotionInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  promotion: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  reason?: string | null;
}

/** EmergencyPromoteInput is a break-glass promotion: it proceeds without waiting for approvals. */
@InputType()
export class EmergencyPromoteInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  change: string;

  @Field()
  @IsSlug()
  environment: string;

  @Field({ description: 'Why this cannot wait for approvals: at least 20 characters.' })
  @IsString()
  @MinLength(20, { message: 'must explain the emergency in at least 20 characters' })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  justification: string;

  @Field({ description: 'Incident or change ticket, e.g. INC-4711.' })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9]*-\d+$/, { message: 'must be a ticket reference such as INC-4711' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  ticket: string;
}

@InputType()
export class ReportDeploymentInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  promotion: string;

  @Field(() => DeploymentStatus)
  @IsEnum(DeploymentStatus)
  status: DeploymentStatus;

  @Field(() => String, { nullable: true, description: 'Link to the deployment run or the running service.' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }, { message: 'must be an http(s) URL' })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  url?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Free-form JSON object from the deployer (at most 16 KiB).' })
  @IsOptional()
  details?: unknown;
}

@InputType()
export class CompleteEmergencyReviewInput {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  promotion: string;

  @Field({ description: 'The review\'s finding.' })
  @IsString()
  @Matches(/\S/, { message: 'must say what the review found' })
  @MaxLength(4000, { message: 'must be at most 4000 characters' })
  comment: string;
}

@InputType()
export class PromotionFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsSlug()
  application?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsSlug()
  environment?: string | null;

  @Field(() => [PromotionState], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(11)
  @IsEnum(PromotionState, { each: true })
  states?: PromotionState[] | null;

  @Field(() => Date, { nullable: true, description: 'Requested at or after.' })
  @IsOptional()
  @IsDate()
  since?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Only break-glass promotions (true) or only ordinary ones (false).' })
  @IsOptional()
  emergency?: boolean | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: UUID_MESSAGE })
  change?: string | null;
}
