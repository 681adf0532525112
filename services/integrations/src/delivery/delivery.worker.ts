import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { INTEGRATIONS_CONFIG } from '../integrations.tokens';
import type { IntegrationsConfig } from '../integrations.config';
import { DELIVERY_HEADERS, signDelivery } from './delivery.signature';

const CLAIM = 100;

interface ClaimedDelivery {
  id: string;
  attempts: number;
  action: string;
  body: string;
  content_type: string;
  url: string;
  secret: string;
  authorization_header: string | null;
  format: string;
  disabled_at: Date | null;
}

/** What one try of one delivery came to. */
interface Outcome {
  delivery: ClaimedDelivery;
  startedAt: Date;
  finishedAt: Date;
  status: number | null;
  error: string | null;
  state: 'DELIVERED' | 'FAILED' | 'PENDING';
}

/** The wait before attempt n + 1 after n failures: doubling from the base, capped, with jitter in [½, 1]. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

/**
 * DeliveryWorker sends due deliveries. It claims a few with a lease (a short transaction:
 * no row lock is held while the receiver answers), POSTs each with its signature headers,
 * then records the attempt and the outcome. A process that dies after sending and before
 * recording leaves the lease to expire, and the delivery is sent again with the same
 * `Gatehouse-Delivery` id: delivery is at least once, and receivers de-duplicate on that id.
 */
@Injectable()
export class DeliveryWorker {
  private readonly log = new Logger('DeliveryWorker');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(INTEGRATIONS_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  /** Sends one round of due deliveries; returns how many it tried. */
  async deliverDue(): Promise<number> {
    const leaseMs = this.config.timeoutMs + 5000;
    // An UPDATE … RETURNING answers [rows, affected count] through TypeORM.
    const [claimed]: [ClaimedDelivery[], number] = await this.dataSource.query(
      `UPDATE integrations.delivery d
          SET lease_until = now() + make_interval(secs => $1::double precision / 1000), attempts = d.attempts + 1
         FROM integrations.webhook w
        WHERE w.id = d.webhook_id AND d.id IN (
              SELECT id FROM integrations.delivery
               WHERE state = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
               ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.attempts, d.action, d.body, d.content_type, w.url, w.secret, w.authorization_header, w.format, w.disabled_at`,
      [leaseMs, CLAIM],
    );
    const outcomes = await Promise.all(claimed.map((delivery) => this.send(delivery)));
    if (outcomes.length) await this.record(outcomes);
    return claimed.length;
  }

  private async send(delivery: ClaimedDelivery): Promise<Outcome> {
    const startedAt = new Date();
    if (delivery.disabled_at) return { delivery, startedAt, finishedAt: new Date(), status: null, error: 'webhook disabled: not sent', state: 'FAILED' };
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': delivery.content_type,
          'user-agent': 'Gatehouse-Webhook/1',
          ...(delivery.authorization_header ? { authorization: delivery.authorization_header } : {}),
          ...(delivery.format === 'GITHUB_DISPATCH' ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } : {}),
          [DELIVERY_HEADERS.id]: delivery.id,
          [DELIVERY_HEADERS.event]: delivery.action,
          [DELIVERY_HEADERS.timestamp]: String(timestamp),
          [DELIVERY_HEADERS.signature]: signDelivery(delivery.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `answered HTTP ${status}`;
    } catch (cause) {
      const reason = (cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message;
      error = (cause as Error).name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : `not reachable: ${reason}`;
    }
    const state = error === null ? 'DELIVERED' : delivery.attempts >= this.config.maxAttempts ? 'FAILED' : 'PENDING';
    return { delivery, startedAt, finishedAt: new Date(), status, error, state };
  }

  /** Records a round's attempts and outcomes in one transaction. */
  private async record(outcomes: Outcome[]): Promise<void> {
    const retries = outcomes.map((outcome) => retryDelayMs(outcome.delivery.attempts, this.config.retryBaseMs, this.config.maxRetryDelayMs));
    const column = <T>(pick: (outcome: Outcome) => T) => outcomes.map(pick);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO integrations.delivery_attempt (delivery_id, attempt, started_at, finished_at, status, error)
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::text[])`,
          [column((o) => o.delivery.id), column((o) => o.delivery.attempts), column((o) => o.startedAt), column((o) => o.finishedAt), column((o) => o.status), column((o) => o.error)],
        );
        await manager.query(
          `UPDATE integrations.delivery d
              SET state = o.state, last_status = o.status, last_error = o.error, lease_until = NULL,
                  delivered_at = CASE WHEN o.state = 'DELIVERED' THEN o.finished_at END,
                  next_attempt_at = CASE WHEN o.state = 'PENDING' THEN now() + make_interval(secs => o.retry_ms / 1000) ELSE d.next_attempt_at END
             FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::double precision[]) AS o (id, state, status, error, finished_at, retry_ms)
            WHERE d.id = o.id`,
          [column((o) => o.delivery.id), column((o) => o.state), column((o) => o.status), column((o) => o.error), column((o) => o.finishedAt), retries],
        );
      });
    } catch (cause) {
      // The leases run out and the deliveries are tried again: at least once, same delivery ids.
      this.log.error(`could not record ${outcomes.length} delivery attempts: ${(cause as Error).message}`);
    }
    outcomes.forEach((outcome, index) => {
      if (outcome.state === 'DELIVERED') return;
      const { delivery } = outcome;
      this.log.warn(`delivery ${delivery.id} (${delivery.action}) attempt ${delivery.attempts}: ${outcome.error}; ${outcome.state === 'FAILED' ? 'given up' : `retry in ${retries[index]} ms`}`);
    });
  }
}
