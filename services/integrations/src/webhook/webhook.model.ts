import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';

/** WebhookFormat is the body an outgoing webhook sends. */
export enum WebhookFormat {
  /** Gatehouse's own JSON: the audit event (action, subject, application, environment, data). */
  GATEHOUSE = 'GATEHOUSE',
  /** A CDEvent in CloudEvents structured mode, for events that have one (e.g. deployment.succeeded → service.deployed). */
  CDEVENTS = 'CDEVENTS',
  /** GitHub `repository_dispatch`: `{ event_type: "gatehouse.<action>", client_payload: <the GATEHOUSE body> }`, to start a workflow. */
  GITHUB_DISPATCH = 'GITHUB_DISPATCH',
  /** Argo CD `POST /api/v1/applications/<name>/sync` with an empty sync request, to start a sync. */
  ARGOCD_SYNC = 'ARGOCD_SYNC',
}
registerEnumType(WebhookFormat, { name: 'WebhookFormat' });

/** The audit actions a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  'promotion.requested',
  'decision.made',
  'promotion.approved',
  'promotion.denied',
  'promotion.rejected',
  'promotion.expired',
  'promotion.cancelled',
  'promotion.emergency',
  'approval.granted',
  'approval.rejected',
  'deployment.started',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.rolled_back',
] as const;

/** What a webhook fires on when none is given: an approval (to start the deployer) and every decision. */
export const DEFAULT_WEBHOOK_EVENTS = ['promotion.approved', 'decision.made'];

/** Webhook is an outgoing HTTP call Gatehouse makes when something happens to an application in an environment. */
@ObjectType()
export class Webhook {
  @Field(() => ID)
  id: string;

  @Field()
  application: string;

  @Field(() => String, { nullable: true, description: 'Environment name; null means every environment of the application.' })
  environment: string | null;

  @Field()
  url: string;

  @Field(() => [String], { description: 'The audit actions it fires on.' })
  events: string[];

  @Field(() => WebhookFormat)
  format: WebhookFormat;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field({ description: 'Whether an Authorization header is sent (its value is never shown).' })
  sendsAuthorization: boolean;

  @Field()
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  disabledAt: Date | null;
}

/** CreatedWebhook is a new webhook and the secret its deliveries are signed with, shown this once. */
@ObjectType()
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field({ description: 'HMAC-SHA256 key of the Gatehouse-Signature header. Shown once.' })
  secret: string;
}

/** DeliveryState is where a delivery stands. */
export enum DeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(DeliveryState, { name: 'WebhookDeliveryState', description: 'PENDING (not yet answered with 2xx, retried with backoff), DELIVERED, or FAILED (given up).' });

/** WebhookDeliveryAttempt is one try to send a delivery. */
@ObjectType()
export class WebhookDeliveryAttempt {
  @Field(() => Int)
  attempt: number;

  @Field(() => Date)
  startedAt: Date;

  @Field(() => Date)
  finishedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status answered, or null when none came (refused, timed out).' })
  status: number | null;

  @Field(() => String, { nullable: true })
  error: string | null;
}

/** WebhookDelivery is one event sent (or to be sent) to one webhook; its id is the `Gatehouse-Delivery` header. */
@ObjectType()
export class WebhookDelivery {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  webhook: string;

  @Field({ description: 'The audit action it reports.' })
  event: string;

  @Field(() => Int, { description: 'Sequence number of the audit event in the chain.' })
  eventSeq: number;

  @Field(() => ID, { description: 'The audit event id.' })
  eventId: string;

  @Field(() => DeliveryState)
  state: DeliveryState;

  @Field(() => Int)
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'When the next try is due (PENDING only).' })
  nextAttemptAt: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatus: number | null;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;

  @Field(() => [WebhookDeliveryAttempt], { description: 'Every try, oldest first.' })
  attemptLog: WebhookDeliveryAttempt[];
}

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'WebhookDelivery') {}
