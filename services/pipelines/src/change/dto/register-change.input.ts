import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsSlug } from '@gatehouse/shared';

/** The most commits and changed paths one change may list. */
export const CHANGE_LIMITS = { commits: 1000, changedPaths: 10000, labels: 50, version: 128 } as const;

/** CommitInput is one commit a change was built from. */
@InputType()
export class CommitInput {
  @Field({ description: 'Commit SHA, 7 to 64 lowercase hex characters.' })
  @Matches(/^[0-9a-f]{7,64}$/, { message: 'must be 7 to 64 lowercase hex characters' })
  sha: string;

  @Field({ description: 'Author of the commit (the user id Gatehouse knows them by, e.g. their username).' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  author: string;

  @Field()
  @IsString()
  @MaxLength(10000, { message: 'must be at most 10000 characters' })
  message: string;
}

/**
 * RegisterChangeInput describes one immutable version of an application. Registering the same
 * content again returns the existing change; the same version with other content is refused.
 */
@InputType()
export class RegisterChangeInput {
  @Field({ description: 'Application name.' })
  @IsSlug()
  application: string;

  @Field({ description: 'The version, unique within the application, e.g. `1.4.2` or a build number.' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(CHANGE_LIMITS.version, { message: `must be at most ${CHANGE_LIMITS.version} characters` })
  version: string;

  @Field(() => [CommitInput], { description: 'The commits of the change, the head (the one it was built from) first.' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one commit' })
  @ArrayMaxSize(CHANGE_LIMITS.commits, { message: `must list at most ${CHANGE_LIMITS.commits} commits` })
  @ValidateNested({ each: true })
  @Type(() => CommitInput)
  commits: CommitInput[];

  @Field({ description: 'Digest of the built artifact, `sha256:` and 64 lowercase hex characters.' })
  @Matches(/^sha256:[0-9a-f]{64}$/, { message: 'must be sha256: followed by 64 lowercase hex characters' })
  artifactDigest: string;

  @Field()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(500, { message: 'must be at most 500 characters' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Change ticket, e.g. `CHG-1234`.' })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  ticket?: string | null;

  @Field(() => [String], { nullable: true, description: 'Free-form labels (a set: order and repeats do not matter). Default none.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHANGE_LIMITS.labels, { message: `must list at most ${CHANGE_LIMITS.labels} labels` })
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'must not contain an empty label' })
  @MaxLength(100, { each: true, message: 'must not contain a label over 100 characters' })
  labels?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Repository paths the change touches (a set). Default none.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHANGE_LIMITS.changedPaths, { message: `must list at most ${CHANGE_LIMITS.changedPaths} paths` })
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'must not contain an empty path' })
  @MaxLength(1024, { each: true, message: 'must not contain a path over 1024 characters' })
  changedPaths?: string[] | null;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(1_000_000_000, { message: 'must be at most 1000000000' })
  linesAdded: number;

  @Field(() => Int)
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  @Max(1_000_000_000, { message: 'must be at most 1000000000' })
  linesRemoved: number;
}
