import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ChangeWindowKind } from './change-window-kind';
import type { ChangeWindowRow } from './change-window.repository';

/**
 * ChangeWindow is a freeze (no changes inside) or allowed hours of one environment: one-off
 * from `start` to `end`, or recurring by `rrule` from `start` for `duration` each time; all
 * local times of the environment's time zone.
 */
@ObjectType()
export class ChangeWindow {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Application name.' })
  application: string;

  @Field({ description: 'Environment name.' })
  environment: string;

  @Field({ description: 'The environment’s IANA time zone, in which the window is read.' })
  timezone: string;

  @Field()
  name: string;

  @Field(() => ChangeWindowKind)
  kind: ChangeWindowKind;

  @Field({ description: 'Local date-time: the start of a one-off window, or the first moment a recurring one applies (its DTSTART).' })
  start: string;

  @Field(() => String, { nullable: true, description: 'Local date-time: the end of a one-off window; for a recurring one, no occurrence starts at or after it.' })
  end: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 5545 RRULE of a recurring window.' })
  rrule: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 8601 duration of each occurrence of a recurring window.' })
  duration: string | null;

  @Field()
  recurring: boolean;

  @Field()
  reason: string;

  @Field({ description: 'User id of whoever created it.' })
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;
}

/** ChangeWindowStatus is what an environment's windows say at one instant (policies read `window.*`). */
@ObjectType()
export class ChangeWindowStatus {
  @Field(() => Date)
  at: Date;

  @Field({ description: 'Inside a freeze, or outside every ALLOW window when the environment has any.' })
  frozen: boolean;

  @Field(() => String, { nullable: true, description: 'The freeze in force, `outside-allowed-hours`, or null.' })
  name: string | null;

  @Field({ description: 'Inside an ALLOW window, or the environment has none.' })
  allowed: boolean;

  @Field({ description: 'HH:MM in the environment’s time zone.' })
  localTime: string;

  @Field({ description: '`mon` … `sun` in the environment’s time zone.' })
  dayOfWeek: string;
}

export function toChangeWindowModel(row: ChangeWindowRow): ChangeWindow {
  return {
    id: row.id,
    application: row.application,
    environment: row.environment,
    timezone: row.timezone,
    name: row.name,
    kind: row.kind,
    start: row.start,
    end: row.end,
    rrule: row.rrule,
    duration: row.duration,
    recurring: row.rrule !== null,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
