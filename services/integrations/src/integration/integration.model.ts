import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

/** IntegrationKind says how an integration sends events and proves who it is. */
export enum IntegrationKind {
  /** CDEvents over HTTP (`POST /webhooks/cdevents`), with `Authorization: Bearer <token>`. */
  CDEVENTS = 'CDEVENTS',
  /** GitHub webhooks (`POST /webhooks/github`), signed with a shared secret (`X-Hub-Signature-256`). */
  GITHUB = 'GITHUB',
}
registerEnumType(IntegrationKind, { name: 'IntegrationKind' });

/** Integration is a system that sends Gatehouse events about one application: a CD tool or a GitHub repository. */
@ObjectType()
export class Integration {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Unique name, e.g. `payments-api-github`; events are recorded as acting on behalf of `integration:<name>`.' })
  name: string;

  @Field(() => IntegrationKind)
  kind: IntegrationKind;

  @Field({ description: 'The application its events are about.' })
  application: string;

  @Field({ description: 'Where it sends events, relative to the API URL.' })
  endpoint: string;

  @Field({ description: 'User id of the admin who created it.' })
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  disabledAt: Date | null;
}

/** CreatedIntegration is a new integration and its credential, shown this once. */
@ObjectType()
export class CreatedIntegration {
  @Field(() => Integration)
  integration: Integration;

  @Field({ description: 'The bearer token (CDEVENTS) or the webhook secret (GITHUB). Shown once: store it in the sender now.' })
  credential: string;
}

/** IntegrationRow is a stored integration. */
export interface IntegrationRow {
  id: string;
  name: string;
  kind: IntegrationKind;
  application: string;
  secret: string | null;
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

export function toIntegrationModel(row: IntegrationRow): Integration {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    application: row.application,
    endpoint: row.kind === IntegrationKind.CDEVENTS ? '/webhooks/cdevents' : '/webhooks/github',
    createdBy: row.created_by,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
