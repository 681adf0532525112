import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { DeliveryState, WEBHOOK_EVENTS, WebhookFormat } from './webhook.model';

/** CreateWebhookInput subscribes a URL to what happens to an application (in one environment, or all). */
@InputType()
export class CreateWebhookInput {
  @Field({ description: 'Application name.' })
  @IsSlug()
  application: string;

  @Field(() => String, { nullable: true, description: 'Environment name; omit for every environment.' })
  @IsOptional()
  @IsSlug()
  environment?: string | null;

  @Field({ description: 'http or https URL that receives a POST, e.g. a GitHub repository_dispatch relay or an Argo CD sync hook.' })
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http or https URL' })
  url: string;

  @Field(() => [String], { nullable: true, description: `Audit actions to fire on (default ${'promotion.approved, decision.made'}): ${WEBHOOK_EVENTS.join(', ')}.` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one event' })
  @ArrayMaxSize(WEBHOOK_EVENTS.length, { message: `must list at most ${WEBHOOK_EVENTS.length} events` })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `must each be one of ${WEBHOOK_EVENTS.join(', ')}` })
  events?: string[] | null;

  @Field(() => WebhookFormat, { nullable: true, description: 'Default GATEHOUSE.' })
  @IsOptional()
  @IsEnum(WebhookFormat)
  format?: WebhookFormat | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'must be at most 500 characters' })
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Authorization header to send, e.g. `Bearer <GitHub token>` for GITHUB_DISPATCH or `Bearer <Argo CD token>` for ARGOCD_SYNC. Stored, never shown again.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9-]* [\x21-\x7e]{1,4000}$/, { message: 'must be a scheme and a credential, e.g. "Bearer <token>"' })
  authorization?: string | null;
}

/** DisableWebhookInput stops a webhook; deliveries not yet sent are not sent. */
@InputType()
export class DisableWebhookInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a webhook id (a UUID)' })
  id: string;
}

/** WebhookDeliveryFilter narrows the delivery log. */
@InputType()
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a webhook id (a UUID)' })
  webhook?: string | null;

  @Field(() => DeliveryState, { nullable: true })
  @IsOptional()
  @IsEnum(DeliveryState)
  state?: DeliveryState | null;
}
