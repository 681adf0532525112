import { Controller, Get, Header } from '@nestjs/common';
import { AuditChainService } from '@gatehouse/audit';
import { ALL_ROLES, ReadAccess } from '@gatehouse/shared';
import { Metrics } from './metrics';

/** MetricsController serves Prometheus' text format; any signed-in role may scrape it (give Prometheus a VIEWER token). */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly chain: AuditChainService,
  ) {}

  @Get('metrics')
  @ReadAccess(...ALL_ROLES)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    const state = await this.chain.state();
    this.metrics.auditHeadSeq.set(state.headSeq);
    this.metrics.auditPending.set(state.pendingCount);
    return this.metrics.registry.metrics();
  }
}
