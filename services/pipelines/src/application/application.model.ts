import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';
import { Environment, toEnvironmentModel } from '../environment/environment.model';
import { ApplicationTier } from './application-tier';
import type { ApplicationEntity } from './application.entity';

/** Application is a deployable unit owned by a team, with its pipeline of environments. */
@ObjectType()
export class Application {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Unique slug, e.g. `payments-api`.' })
  name: string;

  @Field()
  team: string;

  @Field()
  description: string;

  @Field(() => ApplicationTier, { description: 'Business criticality; policies read it as `application.tier`.' })
  tier: ApplicationTier;

  @Field(() => [String], { description: 'Free-form tags; policies read them as `application.tags`.' })
  tags: string[];

  @Field({ description: 'Archived applications keep their history but accept no new changes.' })
  archived: boolean;

  @Field(() => Date, { nullable: true })
  archivedAt: Date | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => [Environment], { description: 'The pipeline, in promotion order.' })
  environments: Environment[];
}

@ObjectType()
export class ApplicationConnection extends Connection(Application, 'Application') {}

export function toApplicationModel(entity: ApplicationEntity): Application {
  return {
    id: entity.id,
    name: entity.name,
    team: entity.team,
    description: entity.description,
    tier: entity.tier,
    tags: [...entity.tags],
    archived: entity.archivedAt !== null,
    archivedAt: entity.archivedAt,
    createdAt: entity.createdAt,
    environments: [...entity.environments].sort((a, b) => a.position - b.position).map(toEnvironmentModel),
  };
}
