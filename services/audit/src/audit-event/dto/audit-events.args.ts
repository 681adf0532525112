import { ArgsType, Field, GraphQLISODateTime, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

/** The largest page of audit events one request may ask for. */
export const MAX_AUDIT_PAGE = 500;

/** AuditEventFilterInput narrows the audit log; fields combine with AND, list entries with OR. */
@InputType()
export class AuditEventFilterInput {
  @Field(() => [String], { nullable: true, description: 'Actor ids.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  actors?: string[];

  @Field(() => [String], { nullable: true, description: 'Exact action names, e.g. promotion.requested.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  actions?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subjectType?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  subjectId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  application?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  environment?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'occurredAt at or after.' })
  @IsOptional()
  @IsDate()
  since?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'occurredAt before.' })
  @IsOptional()
  @IsDate()
  until?: Date;

  @Field({ nullable: true, description: 'Substring of the action, subject id, actor or data.' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  text?: string;
}

/** AuditEventsArgs are the arguments of `auditEvents`. */
@ArgsType()
export class AuditEventsArgs {
  @Field(() => AuditEventFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEventFilterInput)
  filter?: AuditEventFilterInput;

  @Field(() => Int, { nullable: true, description: `At most ${MAX_AUDIT_PAGE}; default 20.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  after?: string;
}
