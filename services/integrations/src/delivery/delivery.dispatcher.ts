import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChangeService } from '@gatehouse/pipelines';
import { DataSource, type EntityManager } from 'typeorm';
import { WebhookFormat } from '../webhook/webhook.model';
import type { WebhookRow } from '../webhook/webhook.repository';
import { argoCdSyncBody, cdeventBody, gatehouseBody, githubDispatchBody, type SealedEvent } from './delivery.payload';

const BATCH = 500;

interface EventRow {
  seq: string;
  id: string;
  action: string;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  actor_display_name: string | null;
  subject_type: string;
  subject_id: string;
  application: string | null;
  environment: string | null;
  data: Record<string, unknown>;
  request_id: string | null;
}

/**
 * DeliveryDispatcher turns sealed audit events into deliveries: the audit log is the outbox.
 * An action and its audit event commit together or not at all, and the sealer numbers only
 * committed events (gap-free `seq`), so reading the chain after a stored cursor sees every
 * committed action exactly once and never one that rolled back. One transaction inserts the
 * deliveries of a batch and moves the cursor; a crash in between leaves both as they were.
 * Any number of replicas run it: the cursor row is taken with FOR UPDATE SKIP LOCKED, so one
 * dispatches at a time and the others skip the round.
 */
@Injectable()
export class DeliveryDispatcher {
  private readonly log = new Logger('DeliveryDispatcher');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: ChangeService,
  ) {}

  /** Dispatches one batch; returns how many events it read (0: nothing new, or another replica holds the cursor). */
  async dispatchBatch(): Promise<number> {
    // A read-only look first: locking the cursor gives the transaction an id, and a running
    // transaction id holds back the audit sealer's horizon (server-wide), so idle rounds must not take one.
    const [peek]: { last_seq: string; head: string | null }[] = await this.dataSource.query(
      'SELECT last_seq, (SELECT max(seq) FROM audit.chain) AS head FROM integrations.dispatch_cursor WHERE id = 1',
    );
    if (!peek || peek.head === null || BigInt(peek.head) <= BigInt(peek.last_seq)) return 0;
    return this.dataSource.transaction(async (manager) => {
      const cursor: { last_seq: string }[] = await manager.query('SELECT last_seq FROM integrations.dispatch_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED');
      if (!cursor.length) return 0;
      const events = await this.sealedAfter(cursor[0]!.last_seq, manager);
      if (!events.length) return 0;
      const applications = [...new Set(events.map((event) => event.application).filter((name): name is string => name !== null))];
      const webhooks: WebhookRow[] = applications.length
        ? await manager.query(
            `SELECT id, application, environment, url, secret, authorization_header, events, format, description, created_by, created_at, disabled_at
               FROM integrations.webhook WHERE disabled_at IS NULL AND application = ANY($1::text[])`,
            [applications],
          )
        : [];
      const deliveries: { id: string; webhook: string; seq: string; eventId: string; action: string; body: string; contentType: string }[] = [];
      for (const event of events) {
        for (const webhook of webhooks) {
          if (webhook.application !== event.application || !webhook.events.includes(event.action)) continue;
          if (webhook.environment !== null && webhook.environment !== event.environment) continue;
          const id = randomUUID();
          const delivery = { id, webhook: webhook.id, seq: event.seq, eventId: event.id, action: event.action };
          switch (webhook.format) {
            case WebhookFormat.CDEVENTS: {
              const body = cdeventBody(id, event, await this.artifactDigestOf(event));
              if (body) deliveries.push({ ...delivery, body, contentType: 'application/cloudevents+json' });
              break;
            }
            case WebhookFormat.GITHUB_DISPATCH:
              deliveries.push({ ...delivery, body: githubDispatchBody(id, event), contentType: 'application/json' });
              break;
            case WebhookFormat.ARGOCD_SYNC:
              deliveries.push({ ...delivery, body: argoCdSyncBody(), contentType: 'application/json' });
              break;
            case WebhookFormat.GATEHOUSE:
              deliveries.push({ ...delivery, body: gatehouseBody(id, event), contentType: 'application/json' });
              break;
          }
        }
      }
      if (deliveries.length) {
        const column = <K extends keyof (typeof deliveries)[number]>(key: K) => deliveries.map((delivery) => delivery[key]);
        await manager.query(
          `INSERT INTO integrations.delivery (id, webhook_id, event_seq, event_id, action, body, content_type)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[])
           ON CONFLICT (webhook_id, event_seq) DO NOTHING`,
          [column('id'), column('webhook'), column('seq'), column('eventId'), column('action'), column('body'), column('contentType')],
        );
      }
      await manager.query('UPDATE integrations.dispatch_cursor SET last_seq = $1 WHERE id = 1', [events.at(-1)!.seq]);
      if (deliveries.length) this.log.debug(`dispatched ${deliveries.length} deliveries for ${events.length} events`);
      return events.length;
    });
  }

  private async sealedAfter(lastSeq: string, manager: EntityManager): Promise<SealedEvent[]> {
    // The audit service's tables, read-only and by sequence: the chain is the outbox.
    const rows: EventRow[] = await manager.query(
      `SELECT c.seq, e.id, e.action, e.occurred_at, e.actor_kind, e.actor_id, e.actor_display_name, e.subject_type, e.subject_id,
              e.application, e.environment, e.data, e.request_id
         FROM audit.chain c JOIN audit.event e ON e.pk = c.event_pk AND e.recorded_at = c.event_recorded_at
        WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [lastSeq, BATCH],
    );
    return rows.map((row) => ({
      seq: String(row.seq),
      id: row.id,
      action: row.action,
      occurredAt: row.occurred_at,
      actor: { kind: row.actor_kind, id: row.actor_id, displayName: row.actor_display_name },
      subject: { type: row.subject_type, id: row.subject_id },
      application: row.application,
      environment: row.environment,
      data: row.data,
      requestId: row.request_id,
    }));
  }

  private async artifactDigestOf(event: SealedEvent): Promise<string | null> {
    const change = event.data.change ?? event.data.changeId;
    if (typeof change !== 'string') return null;
    try {
      return (await this.changes.get(change)).artifactDigest;
    } catch (error) {
      this.log.warn(`no artifact for ${event.action} seq ${event.seq}: ${(error as Error).message}`);
      return null;
    }
  }
}
