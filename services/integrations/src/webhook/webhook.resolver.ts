import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAccess, CurrentPrincipal, ReadAccess, RequestId, Role, type Principal } from '@gatehouse/shared';
import { CreateWebhookInput, DisableWebhookInput, WebhookDeliveryFilter } from './webhook.inputs';
import { CreatedWebhook, Webhook, WebhookDeliveryConnection } from './webhook.model';
import { WebhookService } from './webhook.service';

/**
 * WebhookResolver: admins configure outgoing webhooks per application and environment;
 * admins and auditors read them and their delivery log (the URLs say where decisions go).
 */
@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @ReadAccess(Role.ADMIN, Role.AUDITOR)
  @Query(() => [Webhook], { description: 'Outgoing webhooks, of one application or all.' })
  webhooks(@Args('application', { type: () => String, nullable: true }) application?: string | null): Promise<Webhook[]> {
    return this.service.list(application);
  }

  @ReadAccess(Role.ADMIN, Role.AUDITOR)
  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log, newest first, with every attempt.' })
  webhookDeliveries(
    @Args('filter', { type: () => WebhookDeliveryFilter, nullable: true }) filter?: WebhookDeliveryFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<WebhookDeliveryConnection> {
    return this.service.deliveries(filter, first, after);
  }

  @AdminAccess()
  @Mutation(() => CreatedWebhook, { description: 'Sends a signed POST to a URL when something happens to an application (in an environment); the secret is shown once.' })
  createWebhook(@Args('input') input: CreateWebhookInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<CreatedWebhook> {
    return this.service.create(input, principal, requestId);
  }

  @AdminAccess()
  @Mutation(() => Webhook, { description: 'Stops a webhook; its pending deliveries are not sent.' })
  disableWebhook(@Args('input') input: DisableWebhookInput, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Webhook> {
    return this.service.disable(input, principal, requestId);
  }
}
