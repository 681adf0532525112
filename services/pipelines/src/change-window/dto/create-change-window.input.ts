import { Field, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { ChangeWindowKind } from '../change-window-kind';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const LOCAL_MESSAGE = 'must be a local date-time without offset, e.g. 2026-12-20T00:00 (read in the environment’s time zone)';

/**
 * CreateChangeWindowInput adds a window to one environment. One-off: `start` and `end`.
 * Recurring: `rrule` and `duration`, with optional `start` (default: the start of today in
 * the environment's time zone) and `end`.
 */
@InputType()
export class CreateChangeWindowInput {
  @Field({ description: 'Application name.' })
  @IsSlug()
  application: string;

  @Field({ description: 'Environment name.' })
  @IsSlug()
  environment: string;

  @Field({ description: 'Slug, unique among the environment’s windows, e.g. `year-end`; policies read it as `window.freeze`.' })
  @IsSlug()
  name: string;

  @Field(() => ChangeWindowKind)
  @IsEnum(ChangeWindowKind)
  kind: ChangeWindowKind;

  @Field(() => String, { nullable: true, description: 'Local date-time, e.g. `2026-12-20T00:00`.' })
  @IsOptional()
  @Matches(LOCAL_DATE_TIME, { message: LOCAL_MESSAGE })
  start?: string | null;

  @Field(() => String, { nullable: true, description: 'Local date-time, after `start`.' })
  @IsOptional()
  @Matches(LOCAL_DATE_TIME, { message: LOCAL_MESSAGE })
  end?: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 5545 RRULE, e.g. `FREQ=WEEKLY;BYDAY=FR;BYHOUR=16`; at most daily.' })
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'must be at most 500 characters' })
  rrule?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 8601 duration of each occurrence, e.g. `PT64H` (exact hours) or `P2DT16H` (calendar days).' })
  @IsOptional()
  @IsString()
  @MaxLength(50, { message: 'must be at most 50 characters' })
  duration?: string | null;

  @Field(() => String, { nullable: true, description: 'Why, for people reading the calendar. Default empty.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: 'must be at most 1000 characters' })
  reason?: string | null;
}
