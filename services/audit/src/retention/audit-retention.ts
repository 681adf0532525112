import { AUDIT_MIN_RETENTION_MONTHS, postgresErrorCode } from '@gatehouse/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { recordAuditEvent } from '../audit-event/audit-event.recorder';
import { AuditActorKind } from '../audit-event/audit-event.types';
import { CHAIN_OF_EVENT } from '../audit-event/audit-event.row';
import type { AuditChainService } from '../chain/audit-chain.service';
import { addMonths, monthKey, monthStart, parseMonthKey } from '../chain/audit-month';
import { monthSealProblem } from '../checkpoint/audit-month-seal';


/** SQLSTATE of a deadlock PostgreSQL broke by cancelling this transaction. */
const DEADLOCK_DETECTED = '40P01';
/** Attempts of a prune that lost a deadlock before it gives up. */
const PRUNE_ATTEMPTS = 3;
/** PruneRequest: how many whole months to keep, who runs the prune and why. */
export interface PruneRequest {
  retentionMonths: number;
  /** The person running the prune, recorded in the anchor and the `audit.pruned` event. */
  operator: string;
  /** The change ticket that authorises it, if any. */
  ticket?: string;
  /** Report what would be removed, remove nothing. */
  dryRun?: boolean;
}

/** PruneResult says what a prune removed (or would remove) and where verification now starts. */
export interface PruneResult {
  dryRun: boolean;
  /** The first month kept (`YYYY-MM`): every month before it is removed. */
  keptFrom: string;
  /** Months removed, oldest first (`YYYY-MM`); empty when nothing was old enough. */
  months: string[];
  partitions: string[];
  /** The last removed seq: verification now starts at cutSeq + 1, from the month seal's hash. */
  cutSeq: number | null;
  cutHash: string | null;
  sealMonth: string | null;
  eventsRemoved: number;
  anchorId: string | null;
}

// Any fixed number: two prunes never run at once.
const PRUNE_LOCK_KEY = 7_306_114_202;
const PARTITION = /^(event|chain)_y(\d{4})m(\d{2})$/;

/**
 * AuditRetention removes audit months older than the retention period, whole months only, by
 * dropping their partitions (row deletes stay refused by the triggers). It cuts only at a
 * month seal (the signed chain head at a month's end), and only when everything it removes was
 * sealed at or below that seal and verifies. In the same transaction it writes the retention
 * anchor (verification of what is kept starts from it) and the `audit.pruned` event.
 *
 * It must run as the role that owns the audit tables (dropping a partition is DDL): an
 * operator's explicit act (`npm run audit:prune`), never something the API does by itself.
 */
export class AuditRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: AuditChainService,
  ) {}

  async prune(request: PruneRequest): Promise<PruneResult> {
    if (!Number.isInteger(request.retentionMonths) || request.retentionMonths < AUDIT_MIN_RETENTION_MONTHS) {
      throw new AuditException(
        AuditErrorReason.RETENTION_TOO_SHORT,
        `Audit events are kept at least ${AUDIT_MIN_RETENTION_MONTHS} whole months; a prune keeping ${request.retentionMonths} is refused.`,
        { fields: [{ path: 'retentionMonths', message: `must be a whole number of months, at least ${AUDIT_MIN_RETENTION_MONTHS}` }] },
      );
    }
    const operator = request.operator?.trim();
    if (!operator || operator.length > 200) {
      throw new AuditException(AuditErrorReason.INVALID_EVENT, 'A prune names the person running it (operator, 1–200 characters).', {
        fields: [{ path: 'operator', message: 'is required, at most 200 characters' }],
      });
    }
    if (request.ticket !== undefined && (request.ticket.trim() === '' || request.ticket.length > 200)) {
      throw new AuditException(AuditErrorReason.INVALID_EVENT, 'ticket must be 1–200 characters when given.', { fields: [{ path: 'ticket', message: 'must be 1–200 characters' }] });
    }

    // Taking the audit tables exclusively can deadlock with a reader that holds one month's
    // partition and waits for its parent (or the other way round): PostgreSQL then cancels one
    // of the two. The prune is one transaction, so nothing of it remains; it starts over.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pruneOnce({ ...request, operator });
      } catch (error) {
        if (postgresErrorCode(error) !== DEADLOCK_DETECTED || attempt >= PRUNE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  private async pruneOnce(request: PruneRequest): Promise<PruneResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await this.pruneIn(runner.manager, request);
      if (request.dryRun || result.months.length === 0) await runner.rollbackTransaction();
      else await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async pruneIn(manager: EntityManager, request: PruneRequest): Promise<PruneResult> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK_KEY]);
    const [{ now }] = await manager.query('SELECT now() AS now');
    const keptFrom = addMonths(monthStart(new Date(now)), -request.retentionMonths);
    const partitions: { relname: string }[] = await manager.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent IN ('audit.event'::regclass, 'audit.chain'::regclass) ORDER BY c.relname`,
    );
    const old = partitions
      .map((p) => ({ name: p.relname, match: PARTITION.exec(p.relname) }))
      .filter((p): p is { name: string; match: RegExpExecArray } => p.match !== null)
      .map((p) => ({ name: p.name, table: p.match[1]!, month: parseMonthKey(`${p.match[2]}-${p.match[3]}`)! }))
      .filter((p) => p.month < keptFrom)
      .sort((a, b) => a.month.getTime() - b.month.getTime() || a.table.localeCompare(b.table));
    const months = [...new Set(old.map((p) => monthKey(p.month)))];
    const empty: PruneResult = {
      dryRun: request.dryRun === true,
      keptFrom: monthKey(keptFrom),
      months: [],
      partitions: [],
      cutSeq: null,
      cutHash: null,
      sealMonth: null,
      eventsRemoved: 0,
      anchorId: null,
    };
    if (months.length === 0) return empty;
    const refuse = (message: string, details: Record<string, unknown> = {}) =>
      new AuditException(AuditErrorReason.PRUNE_REFUSED, `Nothing was removed: ${message}`, { keptFrom: monthKey(keptFrom), months, ...details });

    // Cut at the seal of the last month removed: the signed chain head at that month's end.
    const sealMonth = months[months.length - 1]!;
    const [seal] = await manager.query(
      `SELECT last_seq, hash, key_id, payload, signature FROM audit.month_seal WHERE month = $1::date`,
      [`${sealMonth}-01`],
    );
    if (!seal) {
      throw refuse(`${sealMonth} has no month seal yet (the sealer seals a month once it has ended and its last events are sealed; is a sealer running?).`);
    }
    const cutSeq = Number(seal.last_seq);
    const keys: { key_id: string; public_key_pem: string }[] = await manager.query('SELECT key_id, public_key_pem FROM audit.signing_key');
    const sealProblem = monthSealProblem(
      { month: sealMonth, lastSeq: cutSeq, hash: seal.hash, keyId: seal.key_id, payloadBytes: seal.payload, signature: seal.signature },
      new Map(keys.map((k) => [k.key_id, k.public_key_pem])),
      { now: new Date(now), minimumMonths: AUDIT_MIN_RETENTION_MONTHS },
    );
    if (sealProblem) throw refuse(`the month seal of ${sealMonth} cannot anchor verification: ${sealProblem.message}.`);

    const [previous] = await manager.query('SELECT cut_seq FROM audit.retention_anchor ORDER BY cut_seq DESC LIMIT 1');
    const previousCut = previous ? Number(previous.cut_seq) : 0;
    const [unsealed] = await manager.query(
      `SELECT count(*)::bigint AS n FROM audit.event e
        WHERE e.recorded_at < $1 AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE ${CHAIN_OF_EVENT} AND c.seq <= $2)`,
      [keptFrom, cutSeq],
    );
    if (Number(unsealed.n) > 0) {
      throw refuse(`${unsealed.n} event(s) recorded before ${monthKey(keptFrom)} are not sealed at or below seq ${cutSeq}; removing them would lose events no chain vouches for.`, {
        unsealed: Number(unsealed.n),
      });
    }
    const [chainRows] = await manager.query(
      `SELECT count(*)::bigint AS removed, count(*) FILTER (WHERE seq > $2)::bigint AS beyond,
              (SELECT EXISTS (SELECT 1 FROM audit.chain WHERE seq = $2 + 1)) AS has_next
         FROM audit.chain WHERE event_recorded_at < $1`,
      [keptFrom, cutSeq],
    );
    if (Number(chainRows.beyond) > 0) throw refuse(`chain rows of months before ${monthKey(keptFrom)} lie beyond the month seal at seq ${cutSeq}.`);
    if (cutSeq > previousCut && !chainRows.has_next) {
      throw refuse(`no event is sealed after seq ${cutSeq} yet; the kept chain must start with a sealed event (try again once newer events are sealed).`);
    }

    if (cutSeq > previousCut) {
      // Never destroy evidence of tampering: what is removed, and the link to what is kept, must verify.
      const check = await this.chain.verify({ fromSeq: previousCut + 1, toSeq: cutSeq + 1, checkColumns: false });
      if (!check.valid) {
        throw refuse(`the events to remove do not verify (seq ${check.firstBroken?.seq}: ${check.firstBroken?.problem}, ${check.firstBroken?.message}); keep them as evidence.`, {
          firstBroken: check.firstBroken,
        });
      }
    }

    const result: PruneResult = {
      ...empty,
      months,
      partitions: old.map((p) => p.name),
      cutSeq: cutSeq > previousCut ? cutSeq : null,
      cutHash: cutSeq > previousCut ? seal.hash.toString('hex') : null,
      sealMonth: cutSeq > previousCut ? sealMonth : null,
      eventsRemoved: Number(chainRows.removed),
    };
    if (request.dryRun) return result;

    // From here on nobody writes the audit log until this commits (a moment: the checks are
    // done). Both parents at once, before any partition, so that no writer holding a partition
    // waits on this transaction while it waits on them.
    await manager.query('LOCK TABLE audit.event, audit.chain IN ACCESS EXCLUSIVE MODE');
    const [late] = await manager.query(
      `SELECT count(*)::bigint AS n FROM audit.event e
        WHERE e.recorded_at < $1 AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE ${CHAIN_OF_EVENT} AND c.seq <= $2)`,
      [keptFrom, cutSeq],
    );
    if (Number(late.n) > 0) throw refuse(`${late.n} event(s) were recorded before ${monthKey(keptFrom)} while the prune ran; they are not sealed.`);

    if (cutSeq > previousCut) {
      const [anchor] = await manager.query(
        `INSERT INTO audit.retention_anchor (kept_from, cut_seq, cut_hash, seal_month, retention_months, events_removed, partitions, operator, ticket)
         VALUES ($1::date, $2, $3, $4::date, $5, $6, $7, $8, $9) RETURNING id`,
        [`${monthKey(keptFrom)}-01`, cutSeq, seal.hash, `${sealMonth}-01`, request.retentionMonths, result.eventsRemoved, result.partitions, request.operator, request.ticket ?? null],
      );
      result.anchorId = String(anchor.id);
    }
    await recordAuditEvent(manager, {
      action: 'audit.pruned',
      actor: { kind: AuditActorKind.SYSTEM, id: 'audit-retention', displayName: request.operator },
      subject: { type: 'audit-log', id: 'retention' },
      data: {
        keptFrom: result.keptFrom,
        months: result.months,
        partitions: result.partitions,
        cutSeq: result.cutSeq,
        cutHash: result.cutHash,
        sealMonth: result.sealMonth,
        eventsRemoved: result.eventsRemoved,
        retentionMonths: request.retentionMonths,
        anchorId: result.anchorId,
        ticket: request.ticket ?? null,
      },
    });
    // Chain partitions first, so that no chain row is ever left without its event.
    for (const table of ['chain', 'event']) {
      for (const partition of old.filter((p) => p.table === table)) {
        await manager.query(`ALTER TABLE audit.${table} DETACH PARTITION audit.${partition.name}`);
        await manager.query(`DROP TABLE audit.${partition.name}`);
      }
    }
    return result;
  }
}
