import { Controller, Get, Header } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditChainService, AuditSealer, CHAIN_HEAD_SQL } from '@gatehouse/audit';
import { ALL_ROLES, Metrics, ReadAccess } from '@gatehouse/shared';
import { DataSource } from 'typeorm';

/**
 * Age of the oldest committed audit event after the sealer's cursor. It walks the (tx, pk)
 * index over the pending tail only, so it stays cheap however long the chain is. Read here
 * rather than through the audit service because it is an operations figure, not domain data.
 */
const SEALING_LAG_SQL = `
  SELECT coalesce(extract(epoch FROM now() - min(e.occurred_at)), 0)::float8 AS lag
    FROM audit.event e
   WHERE (e.tx, e.pk) > (SELECT coalesce(max(h.tx::xid8), '0'::xid8), coalesce(max(h.pk), 0) FROM (${CHAIN_HEAD_SQL}) h)`;

/** MetricsController serves Prometheus' text format; any signed-in role may scrape it (give Prometheus a VIEWER token). */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly chain: AuditChainService,
    private readonly modules: ModuleRef,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('metrics')
  @ReadAccess(...ALL_ROLES)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    const [state, [lag]] = await Promise.all([this.chain.state(), this.dataSource.query(SEALING_LAG_SQL) as Promise<{ lag: number }[]>]);
    this.metrics.auditHeadSeq.set(state.headSeq);
    this.metrics.auditPending.set(state.pendingCount);
    this.metrics.auditSealingLagSeconds.set(state.pendingCount > 0 ? Math.max(0, Number(lag?.lag ?? 0)) : 0);
    this.metrics.auditSealerLeader.set(this.modules.get(AuditSealer, { strict: false }).isLeader ? 1 : 0);
    return this.metrics.scrape();
  }
}
