import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { DeliveryState, WebhookFormat } from './webhook.model';

/** WebhookRow is a stored webhook. */
export interface WebhookRow {
  id: string;
  application: string;
  environment: string | null;
  url: string;
  secret: string;
  authorization_header: string | null;
  events: string[];
  format: WebhookFormat;
  description: string | null;
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

/** DeliveryRow is a stored delivery. */
export interface DeliveryRow {
  id: string;
  seq: string;
  webhook_id: string;
  event_seq: string;
  event_id: string;
  action: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** AttemptRow is one recorded try of a delivery. */
export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  finished_at: Date;
  status: number | null;
  error: string | null;
}

const WEBHOOK_COLUMNS = 'id, application, environment, url, secret, authorization_header, events, format, description, created_by, created_at, disabled_at';
const DELIVERY_COLUMNS = 'id, seq, webhook_id, event_seq, event_id, action, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at';

/** WebhookRepository is the only place that queries webhooks and their delivery log. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    values: Omit<WebhookRow, 'id' | 'created_at' | 'disabled_at'>,
    manager: EntityManager,
  ): Promise<WebhookRow> {
    const rows: WebhookRow[] = await manager.query(
      `INSERT INTO integrations.webhook (application, environment, url, secret, authorization_header, events, format, description, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${WEBHOOK_COLUMNS}`,
      [values.application, values.environment, values.url, values.secret, values.authorization_header, values.events, values.format, values.description, values.created_by],
    );
    return rows[0]!;
  }

  async list(application: string | null): Promise<WebhookRow[]> {
    return this.dataSource.query(
      `SELECT ${WEBHOOK_COLUMNS} FROM integrations.webhook WHERE ($1::text IS NULL OR application = $1) ORDER BY application, environment NULLS FIRST, created_at`,
      [application],
    );
  }

  async disable(id: string, manager: EntityManager): Promise<WebhookRow | null> {
    const [rows]: [WebhookRow[], number] = await manager.query(
      `UPDATE integrations.webhook SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Newest first, keyset on seq; fetches first + 1 rows. */
  async deliveries(filter: { webhook: string | null; state: DeliveryState | null }, page: PageRequest): Promise<{ rows: DeliveryRow[]; totalCount: number }> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM integrations.delivery
        WHERE ($1::uuid IS NULL OR webhook_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [filter.webhook, filter.state, page.after ?? null, page.first + 1],
    );
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM integrations.delivery WHERE ($1::uuid IS NULL OR webhook_id = $1) AND ($2::text IS NULL OR state = $2)`,
      [filter.webhook, filter.state],
    );
    return { rows, totalCount: count };
  }

  async attemptsOf(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return [];
    return this.dataSource.query(
      'SELECT delivery_id, attempt, started_at, finished_at, status, error FROM integrations.delivery_attempt WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt',
      [deliveryIds],
    );
  }
}
