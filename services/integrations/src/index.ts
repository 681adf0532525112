import type { MigrationClass } from '@gatehouse/shared';
import { CreateIntegrations1795720000000 } from './migrations/1795720000000-create-integrations';

export { IntegrationsModule } from './integrations.module';
export { loadIntegrationsConfig, type IntegrationsConfig } from './integrations.config';
export { IntegrationKind } from './integration/integration.model';
export { WebhookFormat, WEBHOOK_EVENTS, DEFAULT_WEBHOOK_EVENTS } from './webhook/webhook.model';
export { DeliveryDispatcher } from './delivery/delivery.dispatcher';
export { DeliveryWorker, retryDelayMs } from './delivery/delivery.worker';
export { DeliveryLoop } from './delivery/delivery.loop';
export { DELIVERY_HEADERS, signDelivery, verifyDelivery } from './delivery/delivery.signature';
export { CDEventValidator, parseCDEventType } from './cdevents/cdevents.validator';

/** The integrations service's migrations, oldest first. */
export const integrationsMigrations: MigrationClass[] = [CreateIntegrations1795720000000];

/** The integrations service's TypeORM entities (its repositories use SQL through TypeORM's manager). */
export const integrationsEntities: Function[] = [];
