import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PipelinesModule } from '@gatehouse/pipelines';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeliveryDispatcher } from './delivery/delivery.dispatcher';
import { DeliveryLoop } from './delivery/delivery.loop';
import { DeliveryWorker } from './delivery/delivery.worker';
import { DeploymentReporter } from './incoming/deployment.reporter';
import { IncomingWebhookController } from './incoming/incoming.controller';
import { IncomingService } from './incoming/incoming.service';
import { IntegrationRepository } from './integration/integration.repository';
import { IntegrationResolver } from './integration/integration.resolver';
import { IntegrationService } from './integration/integration.service';
import { loadIntegrationsConfig } from './integrations.config';
import { INTEGRATIONS_CONFIG } from './integrations.tokens';
import { WebhookRepository } from './webhook/webhook.repository';
import { WebhookResolver } from './webhook/webhook.resolver';
import { WebhookService } from './webhook/webhook.service';

/** CloudEvents' structured-mode media types, parsed as JSON with the raw bytes kept. */
const CLOUDEVENTS_TYPES = ['application/cloudevents+json'];

/**
 * IntegrationsModule: incoming webhooks (CDEvents, GitHub) mapped onto changes, evidence and
 * deployments, and outgoing webhooks delivered from the sealed audit chain as an outbox.
 */
@Module({
  imports: [PipelinesModule],
  controllers: [IncomingWebhookController],
  providers: [
    { provide: INTEGRATIONS_CONFIG, useFactory: () => loadIntegrationsConfig() },
    IntegrationRepository,
    IntegrationService,
    IntegrationResolver,
    IncomingService,
    DeploymentReporter,
    WebhookRepository,
    WebhookService,
    WebhookResolver,
    DeliveryDispatcher,
    DeliveryWorker,
    DeliveryLoop,
  ],
  exports: [DeliveryDispatcher, DeliveryWorker, DeliveryLoop],
})
export class IntegrationsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || fastify.hasContentTypeParser(CLOUDEVENTS_TYPES[0]!)) return;
    fastify.addContentTypeParser(CLOUDEVENTS_TYPES, { parseAs: 'buffer' }, (request: FastifyRequest & { rawBody?: Buffer }, body: Buffer, done) => {
      request.rawBody = body;
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch (error) {
        done(Object.assign(new Error(`The body is not JSON: ${(error as Error).message}`), { statusCode: 400 }), undefined);
      }
    });
  }
}
