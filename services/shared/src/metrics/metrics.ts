import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A figure read only when Prometheus scrapes (a count in the database, say), set on the registry's gauges. */
export type ScrapeCollector = () => Promise<void> | void;

/**
 * Metrics is the Prometheus registry of one API process. Any service injects it (MetricsModule
 * is global) and feeds its own figures: HTTP requests and latency (the API), decisions by
 * outcome (promotions), outbox backlog and deliveries (webhooks), the audit chain head, backlog
 * and sealing lag (read at scrape time), plus Node's process figures. Labels stay few and
 * bounded: route patterns, outcomes, environments — never ids.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly collectors: ScrapeCollector[] = [];

  readonly requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests served, by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestSeconds = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Promotion decisions made by this process: `decisions.inc({ outcome: 'ALLOW', environment: 'prod' })`. */
  readonly decisions = new Counter({
    name: 'gatehouse_decisions_total',
    help: 'Promotion decisions made, by outcome (ALLOW, REQUIRE_APPROVAL, DENY) and environment.',
    labelNames: ['outcome', 'environment'] as const,
    registers: [this.registry],
  });

  /** Outgoing notifications waiting in the outbox (set by the outbox, usually from a scrape collector). */
  readonly outboxPending = new Gauge({
    name: 'gatehouse_outbox_pending',
    help: 'Outbox messages not delivered yet.',
    registers: [this.registry],
  });

  /** Delivery attempts of outbox messages: `outboxDeliveries.inc({ result: 'delivered' | 'failed' | 'gave_up' })`. */
  readonly outboxDeliveries = new Counter({
    name: 'gatehouse_outbox_deliveries_total',
    help: 'Outbox delivery attempts, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly auditHeadSeq = new Gauge({ name: 'gatehouse_audit_chain_head_seq', help: 'The last sealed audit seq.', registers: [this.registry] });

  readonly auditPending = new Gauge({
    name: 'gatehouse_audit_pending_events',
    help: 'Committed audit events not sealed yet (sealing backlog, in events).',
    registers: [this.registry],
  });

  readonly auditSealingLagSeconds = new Gauge({
    name: 'gatehouse_audit_sealing_lag_seconds',
    help: 'Age of the oldest committed audit event not sealed yet; 0 when nothing is pending.',
    registers: [this.registry],
  });

  readonly auditSealerLeader = new Gauge({
    name: 'gatehouse_audit_sealer_leader',
    help: 'Whether this process holds the sealer lock (1) or stands by (0); the sum over replicas must be 1.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  /** Registers work to run before every scrape, e.g. reading a backlog from the database into a gauge. */
  onScrape(collector: ScrapeCollector): void {
    this.collectors.push(collector);
  }

  /** Runs the scrape collectors, then renders Prometheus' text format. */
  async scrape(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect()));
    return this.registry.metrics();
  }
}

/** MetricsModule gives every module of the app the one Metrics of this process. */
@Global()
@Module({ providers: [{ provide: Metrics, useFactory: () => new Metrics() }], exports: [Metrics] })
export class MetricsModule {}
