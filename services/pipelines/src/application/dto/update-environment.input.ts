import { Field, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsIanaTimeZone, IsSlug } from '@gatehouse/shared';
import { EnvironmentTier } from '../../environment/environment-tier';

/** UpdateEnvironmentInput changes the attributes of one environment; omitted fields stay as they are. */
@InputType()
export class UpdateEnvironmentInput {
  @Field({ description: 'Application name.' })
  @IsSlug()
  application: string;

  @Field({ description: 'Environment name within the application.' })
  @IsSlug()
  environment: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  regulated?: boolean;

  @Field(() => EnvironmentTier, { nullable: true })
  @IsOptional()
  @IsEnum(EnvironmentTier)
  tier?: EnvironmentTier;

  @Field({ nullable: true })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @Field(() => Int, { nullable: true, description: 'Hours a promotion may wait for approvals before it expires, 1 to 720.' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of hours' })
  @Min(1, { message: 'must be at least 1 hour' })
  @Max(720, { message: 'must be at most 720 hours (30 days)' })
  approvalTimeoutHours?: number;
}
