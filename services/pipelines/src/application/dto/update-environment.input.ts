import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional } from 'class-validator';
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
}
