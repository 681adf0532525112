import { Args, Field, ID, Int, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuditReadAccess } from '../audit.access';
import type { AuditEventFilter } from './audit-event.repository';
import { AuditEventConnection, AuditEventModel } from './audit-event.model';
import { AuditEventService } from './audit-event.service';
import { AuditEventsArgs } from './dto/audit-events.args';

/** ChangeEvidenceModel is the evidence pack of one change: for now, its audit trail with chain positions. */
@ObjectType('ChangeEvidence')
export class ChangeEvidenceModel {
  @Field(() => ID)
  changeId: string;

  @Field(() => [AuditEventModel], { description: 'Events about the change (subject, or data.changeId), oldest first.' })
  events: AuditEventModel[];

  @Field(() => Int, { description: 'The chain head when the pack was made; verify up to it.' })
  headSeq: number;

  @Field(() => Int)
  pendingCount: number;
}

/** AuditEventResolver serves the audit log: lists, one event, a change's evidence pack. */
@AuditReadAccess()
@Resolver(() => AuditEventModel)
export class AuditEventResolver {
  constructor(private readonly events: AuditEventService) {}

  @Query(() => AuditEventConnection, { description: 'Audit events, newest first.' })
  auditEvents(@Args() args: AuditEventsArgs) {
    return this.events.list(args.filter ?? {}, args.first, args.after);
  }

  @Query(() => AuditEventModel, { description: 'One sealed event by its chain position, with its links.' })
  auditEvent(@Args('seq', { type: () => Int }) seq: number) {
    return this.events.getBySeq(seq);
  }

  @Query(() => ChangeEvidenceModel, { description: 'Everything the audit log holds about one change.' })
  changeEvidence(@Args('change', { type: () => ID }) change: string) {
    return this.events.aboutChange(change);
  }
}

/** AuditEventConnectionResolver counts the matches only when a client asks for totalCount. */
@AuditReadAccess()
@Resolver(() => AuditEventConnection)
export class AuditEventConnectionResolver {
  constructor(private readonly events: AuditEventService) {}

  @ResolveField(() => Int)
  totalCount(@Parent() connection: AuditEventConnection & { filter?: AuditEventFilter }) {
    return this.events.count(connection.filter ?? {});
  }
}
