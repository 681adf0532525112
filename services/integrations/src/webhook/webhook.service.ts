import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { recordAuditEvent } from '@gatehouse/audit';
import { ChangeService, ChangeWindowService } from '@gatehouse/pipelines';
import { ValidationException, pageRequest, toConnection, type Principal } from '@gatehouse/shared';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import type { CreateWebhookInput, DisableWebhookInput, WebhookDeliveryFilter } from './webhook.inputs';
import { CreatedWebhook, DEFAULT_WEBHOOK_EVENTS, Webhook, WebhookDeliveryConnection, WebhookFormat, type WebhookDeliveryAttempt } from './webhook.model';
import { WebhookRepository, type AttemptRow, type DeliveryRow, type WebhookRow } from './webhook.repository';

/** WebhookService manages outgoing webhooks and reads their delivery log. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly changes: ChangeService,
    private readonly windows: ChangeWindowService,
  ) {}

  async create(input: CreateWebhookInput, principal: Principal, requestId: string | null): Promise<CreatedWebhook> {
    // The application (and environment) must exist: NOT_FOUND otherwise, before anything is written.
    if (input.environment) await this.windows.list(input.application, input.environment);
    else await this.changes.list({ application: input.application }, 1, null);
    const secret = randomBytes(32).toString('hex');
    const events = [...new Set(input.events ?? DEFAULT_WEBHOOK_EVENTS)].sort();
    return this.webhooks.transaction(async (manager) => {
      const row = await this.webhooks.insert(
        {
          application: input.application,
          environment: input.environment ?? null,
          url: input.url,
          secret,
          authorization_header: input.authorization ?? null,
          events,
          format: input.format ?? WebhookFormat.GATEHOUSE,
          description: input.description ?? null,
          created_by: principal.userId,
        },
        manager,
      );
      await recordAuditEvent(manager, {
        action: 'webhook.created',
        actor: principal.actor,
        requestId,
        subject: { type: 'webhook', id: row.id },
        application: row.application,
        environment: row.environment,
        data: { url: row.url, events: row.events, format: row.format, sendsAuthorization: row.authorization_header !== null },
      });
      return { webhook: toWebhookModel(row), secret };
    });
  }

  async list(application: string | null | undefined): Promise<Webhook[]> {
    return (await this.webhooks.list(application ?? null)).map(toWebhookModel);
  }

  async disable(input: DisableWebhookInput, principal: Principal, requestId: string | null): Promise<Webhook> {
    return this.webhooks.transaction(async (manager) => {
      const row = await this.webhooks.disable(input.id, manager);
      if (!row) throw new IntegrationException(IntegrationErrorReason.WEBHOOK_NOT_FOUND, `No webhook with id "${input.id}".`, { id: input.id });
      await recordAuditEvent(manager, {
        action: 'webhook.disabled',
        actor: principal.actor,
        requestId,
        subject: { type: 'webhook', id: row.id },
        application: row.application,
        environment: row.environment,
        data: { url: row.url },
      });
      return toWebhookModel(row);
    });
  }

  async deliveries(filter: WebhookDeliveryFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<WebhookDeliveryConnection> {
    const request = pageRequest(first, after);
    if (request.after !== undefined && !/^\d{1,18}$/.test(request.after)) {
      throw new ValidationException([{ path: 'after', message: 'is not a cursor returned by this list' }]);
    }
    const { rows, totalCount } = await this.webhooks.deliveries({ webhook: filter?.webhook ?? null, state: filter?.state ?? null }, request);
    const attempts = await this.webhooks.attemptsOf(rows.slice(0, request.first).map((row) => row.id));
    const byDelivery = new Map<string, WebhookDeliveryAttempt[]>();
    for (const attempt of attempts) {
      const list = byDelivery.get(attempt.delivery_id) ?? [];
      list.push(toAttemptModel(attempt));
      byDelivery.set(attempt.delivery_id, list);
    }
    return toConnection(rows, request, totalCount, (row) => row.seq, (row) => toDeliveryModel(row, byDelivery.get(row.id) ?? []));
  }
}

function toWebhookModel(row: WebhookRow): Webhook {
  return {
    id: row.id,
    application: row.application,
    environment: row.environment,
    url: row.url,
    events: row.events,
    format: row.format,
    description: row.description,
    sendsAuthorization: row.authorization_header !== null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

function toAttemptModel(row: AttemptRow): WebhookDeliveryAttempt {
  return { attempt: row.attempt, startedAt: row.started_at, finishedAt: row.finished_at, status: row.status, error: row.error };
}

function toDeliveryModel(row: DeliveryRow, attemptLog: WebhookDeliveryAttempt[]) {
  return {
    id: row.id,
    webhook: row.webhook_id,
    event: row.action,
    eventSeq: Number(row.event_seq),
    eventId: row.event_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'PENDING' ? row.next_attempt_at : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attemptLog,
  };
}
