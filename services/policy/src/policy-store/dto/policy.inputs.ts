import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsDate, IsDefined, IsInt, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { JSONScalar } from '../json.scalar';

/** PublishPolicyVersionInput publishes one policy.yaml as an immutable version. */
@InputType()
export class PublishPolicyVersionInput {
  @Field({ description: 'The policy.yaml text (YAML or JSON); its `name` and `version` say what is published.' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(512 * 1024, { message: 'must be at most 512 KiB' })
  document: string;

  @Field({ nullable: true, description: 'Why this version, like a commit message.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

/** ActivationEnvironmentInput names an environment and says whether it is regulated. */
@InputType()
export class ActivationEnvironmentInput {
  @Field({ description: 'Environment name, e.g. `prod`; the activation applies to this environment of every application.' })
  @IsSlug()
  name: string;

  @Field({ description: 'The environment is regulated: only a policy with appliesTo.regulated (never defaulting to ALLOW) may govern it.' })
  @IsBoolean()
  regulated: boolean;
}

/** ActivatePolicyVersionInput makes one version govern some environments. */
@InputType()
export class ActivatePolicyVersionInput {
  @Field()
  @IsSlug()
  name: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  version: number;

  @Field(() => [ActivationEnvironmentInput])
  @ArrayMinSize(1, { message: 'must name at least one environment' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ActivationEnvironmentInput)
  environments: ActivationEnvironmentInput[];
}

/** EvaluatePolicyInput decides on one input document without storing anything (a dry run). */
@InputType()
export class EvaluatePolicyInput {
  @Field()
  @IsSlug()
  name: string;

  @Field(() => Int, { nullable: true, description: 'Default: the latest version.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @Field(() => JSONScalar, { description: 'The input document (see policies/README.md).' })
  @IsDefined()
  input: unknown;
}

/** PolicyCandidateInput is what a simulation replays: a published version, or an unpublished document. */
@InputType()
export class PolicyCandidateInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @Field({ nullable: true, description: 'A policy.yaml text (YAML or JSON), not published.' })
  @IsOptional()
  @IsString()
  @MaxLength(512 * 1024)
  document?: string;
}

/** SimulatePolicyInput replays a candidate over the stored inputs of a policy's past decisions. */
@InputType()
export class SimulatePolicyInput {
  @Field({ description: 'The policy whose past decisions are replayed.' })
  @IsSlug()
  name: string;

  @Field(() => PolicyCandidateInput, { description: 'Exactly one of version or document.' })
  @ValidateNested()
  @Type(() => PolicyCandidateInput)
  candidate: PolicyCandidateInput;

  @Field({ nullable: true, description: 'Only decisions for this environment.' })
  @IsOptional()
  @IsSlug()
  environment?: string;

  @Field(() => Date, { nullable: true, description: 'Decided at or after.' })
  @IsOptional()
  @IsDate()
  since?: Date;

  @Field(() => Date, { nullable: true, description: 'Decided before.' })
  @IsOptional()
  @IsDate()
  until?: Date;
}
