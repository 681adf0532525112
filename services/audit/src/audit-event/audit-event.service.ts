import { Injectable } from '@nestjs/common';
import { pageRequest, toConnection } from '@gatehouse/shared';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { AuditEventRepository, type AuditEventFilter } from './audit-event.repository';
import { toAuditEventModel, type AuditEventConnection, type AuditEventModel } from './audit-event.model';
import { MAX_AUDIT_PAGE } from './dto/audit-events.args';

/** Most events one evidence pack carries. */
export const MAX_EVIDENCE_EVENTS = 10_000;

/** ChangeAuditTrail is every audit event about one change, with their chain positions. */
export interface ChangeAuditTrail {
  changeId: string;
  events: AuditEventModel[];
  headSeq: number;
  pendingCount: number;
}

/** AuditEventService reads the audit log. */
@Injectable()
export class AuditEventService {
  constructor(private readonly events: AuditEventRepository) {}

  /** Newest first; `totalCount` is computed only when asked for (see the connection resolver). */
  async list(filter: AuditEventFilter, first?: number | null, after?: string | null): Promise<AuditEventConnection & { filter: AuditEventFilter }> {
    const page = pageRequest(first, after, MAX_AUDIT_PAGE);
    if (page.after !== undefined && !/^\d+$/.test(page.after)) {
      throw new AuditException(AuditErrorReason.INVALID_FILTER, 'after is not a cursor returned by auditEvents', { fields: [{ path: 'after', message: 'is not a cursor returned by this list' }] });
    }
    if (filter.since && filter.until && filter.until <= filter.since) {
      throw new AuditException(AuditErrorReason.INVALID_FILTER, 'until must be after since', { fields: [{ path: 'filter.until', message: 'must be after since' }] });
    }
    const [rows, headSeq] = await Promise.all([this.events.list(filter, page.after, page.first + 1), this.events.headSeq()]);
    const connection = toConnection(rows, page, -1, (row) => row.pk, (row) => toAuditEventModel(row, headSeq));
    return { ...connection, filter };
  }

  async count(filter: AuditEventFilter): Promise<number> {
    return this.events.count(filter);
  }

  async getBySeq(seq: number): Promise<AuditEventModel> {
    const [row, headSeq] = await Promise.all([this.events.findBySeq(seq), this.events.headSeq()]);
    if (!row) throw new AuditException(AuditErrorReason.EVENT_NOT_FOUND, `No sealed audit event has seq ${seq}.`, { seq });
    return toAuditEventModel(row, headSeq);
  }

  /**
   * The audit trail of one change: events whose subject is `change:<id>` or whose data names it
   * as `changeId`, oldest first, with their chain positions. The promotion, decision, approval
   * and deployment records join this when those services exist.
   */
  async aboutChange(changeId: string): Promise<ChangeAuditTrail> {
    const [rows, state] = await Promise.all([this.events.findAboutChange(changeId, MAX_EVIDENCE_EVENTS), this.events.chainState()]);
    return { changeId, events: rows.map((row) => toAuditEventModel(row, state.headSeq)), ...state };
  }
}
