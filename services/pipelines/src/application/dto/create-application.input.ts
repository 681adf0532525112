import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsEnum, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsIanaTimeZone, IsSlug } from '@gatehouse/shared';
import { ApplicationTier } from '../application-tier';
import { EnvironmentTier } from '../../environment/environment-tier';

/** EnvironmentInput describes one stage of a new application's pipeline. */
@InputType()
export class EnvironmentInput {
  @Field({ description: 'Slug, unique within the application, e.g. `prod`.' })
  @IsSlug()
  name: string;

  // Optional fields are nullable with the default applied in the service: graphql-jit does not
  // apply input-field defaults to variables, and a script should be able to omit them either way.
  @Field(() => Boolean, { nullable: true, description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  regulated?: boolean | null;

  @Field(() => EnvironmentTier)
  @IsEnum(EnvironmentTier)
  tier: EnvironmentTier;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. `Europe/London`. Default UTC.' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string | null;

  @Field(() => Int, { nullable: true, description: 'Hours a promotion may wait for approvals before it expires, 1 to 720. Default 24.' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of hours' })
  @Min(1, { message: 'must be at least 1 hour' })
  @Max(720, { message: 'must be at most 720 hours (30 days)' })
  approvalTimeoutHours?: number | null;
}

/** CreateApplicationInput registers an application with its environments in promotion order. */
@InputType()
export class CreateApplicationInput {
  @Field({ description: 'Slug, unique across Gatehouse, e.g. `payments-api`.' })
  @IsSlug()
  name: string;

  @Field({ description: 'The owning team, e.g. `payments-platform`.' })
  @IsSlug()
  team: string;

  @Field(() => String, { nullable: true, description: 'Default empty.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  description?: string | null;

  @Field(() => ApplicationTier, { nullable: true, description: 'Business criticality. Default STANDARD.' })
  @IsOptional()
  @IsEnum(ApplicationTier)
  tier?: ApplicationTier | null;

  @Field(() => [String], { nullable: true, description: 'Free-form tags (slugs), at most 20. Default none.' })
  @IsOptional()
  @ArrayMaxSize(20, { message: 'must list at most 20 tags' })
  @Matches(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { each: true, message: 'each tag must be lowercase letters, digits and inner hyphens' })
  @MaxLength(63, { each: true, message: 'each tag must be at most 63 characters' })
  tags?: string[] | null;

  @Field(() => [EnvironmentInput], { description: 'In promotion order: the first is where every change starts.' })
  @ArrayMinSize(1, { message: 'must list at least one environment' })
  @ArrayMaxSize(20, { message: 'must list at most 20 environments' })
  @ValidateNested({ each: true })
  @Type(() => EnvironmentInput)
  environments: EnvironmentInput[];
}
