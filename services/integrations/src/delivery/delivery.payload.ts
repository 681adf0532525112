/** SealedEvent is an audit event as the dispatcher reads it from the sealed chain. */
export interface SealedEvent {
  seq: string;
  id: string;
  action: string;
  occurredAt: Date;
  actor: { kind: string; id: string; displayName: string | null };
  subject: { type: string; id: string };
  application: string | null;
  environment: string | null;
  data: Record<string, unknown>;
  requestId: string | null;
}

/** The CDEvents spec version whose event types Gatehouse emits (see src/cdevents/schemas/README.md). */
export const EMITTED_CDEVENTS_SPEC = '0.2.0';

/** Which audit actions have a CDEvent, and which. */
export const CDEVENT_OF_ACTION: Record<string, string> = {
  'deployment.succeeded': 'dev.cdevents.service.deployed.0.1.1',
  'deployment.rolled_back': 'dev.cdevents.service.rolledback.0.1.1',
};

/** The body of a GATEHOUSE-format delivery: the audit event, plus the delivery id to de-duplicate on. */
export function gatehouseBody(deliveryId: string, event: SealedEvent): string {
  return JSON.stringify({
    delivery: deliveryId,
    event: event.action,
    eventId: event.id,
    seq: Number(event.seq),
    occurredAt: event.occurredAt.toISOString(),
    application: event.application,
    environment: event.environment,
    subject: event.subject,
    actor: event.actor,
    data: event.data,
  });
}

/** A GitHub `repository_dispatch` request: it starts the workflows listening for `gatehouse.<action>`. */
export function githubDispatchBody(deliveryId: string, event: SealedEvent): string {
  return JSON.stringify({ event_type: `gatehouse.${event.action}`, client_payload: JSON.parse(gatehouseBody(deliveryId, event)) });
}

/** An Argo CD sync request (`POST /api/v1/applications/<name>/sync`): sync to the application's target revision. */
export function argoCdSyncBody(): string {
  return JSON.stringify({ prune: false, dryRun: false });
}

/**
 * A CDEvent in CloudEvents structured mode (`application/cloudevents+json`), or null when the
 * action has none. `artifactDigest` is the deployed change's digest (`sha256:…`): the CDEvent
 * names the artifact as a package URL, `pkg:oci/<application>@sha256%3A…`.
 */
export function cdeventBody(deliveryId: string, event: SealedEvent, artifactDigest: string | null): string | null {
  const type = CDEVENT_OF_ACTION[event.action];
  if (!type || !event.application || !event.environment || !artifactDigest) return null;
  const source = `/gatehouse/${event.application}`;
  const timestamp = event.occurredAt.toISOString();
  const cdevent = {
    context: { version: EMITTED_CDEVENTS_SPEC, id: deliveryId, source, type, timestamp },
    subject: {
      id: event.application,
      source,
      type: 'service',
      content: { environment: { id: event.environment }, artifactId: `pkg:oci/${event.application}@${encodeURIComponent(artifactDigest)}` },
    },
    customData: { gatehouse: { event: event.action, eventId: event.id, seq: Number(event.seq), ...event.data } },
    customDataContentType: 'application/json',
  };
  return JSON.stringify({ specversion: '1.0', id: deliveryId, source, type, time: timestamp, datacontenttype: 'application/json', data: cdevent });
}
