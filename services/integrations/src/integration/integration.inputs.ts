import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsUUID } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { IntegrationKind } from './integration.model';

/** CreateIntegrationInput registers a sender of events for one application. */
@InputType()
export class CreateIntegrationInput {
  @Field({ description: 'Unique slug, e.g. `payments-api-github`.' })
  @IsSlug()
  name: string;

  @Field(() => IntegrationKind)
  @IsEnum(IntegrationKind)
  kind: IntegrationKind;

  @Field({ description: 'Application name.' })
  @IsSlug()
  application: string;
}

/** DisableIntegrationInput stops an integration: its credential is refused from then on. */
@InputType()
export class DisableIntegrationInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an integration id (a UUID)' })
  id: string;
}
