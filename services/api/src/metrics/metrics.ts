import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metrics is the Prometheus registry of one API process: HTTP requests by route and status,
 * their latency, the audit chain's head and sealing backlog, plus Node's process figures.
 */
export class Metrics {
  readonly registry = new Registry();

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

  readonly auditHeadSeq = new Gauge({ name: 'gatehouse_audit_chain_head_seq', help: 'The last sealed audit seq.', registers: [this.registry] });

  readonly auditPending = new Gauge({
    name: 'gatehouse_audit_pending_events',
    help: 'Committed audit events not sealed yet (sealing lag, in events).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }
}
