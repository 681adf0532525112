import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { EnvironmentEntity } from './environment.entity';
import { EnvironmentTier } from './environment-tier';

/** Environment is one stage of an application's pipeline (e.g. dev, staging, prod). */
@ObjectType()
export class Environment {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Int, { description: 'Promotion order: 0 is the first environment a change enters.' })
  position: number;

  @Field({ description: 'Regulated environments are held to stricter policies (a policy default may not be allow).' })
  regulated: boolean;

  @Field(() => EnvironmentTier)
  tier: EnvironmentTier;

  @Field({ description: 'IANA time zone in which change windows of this environment are read.' })
  timezone: string;

  @Field(() => Int, { description: 'Hours a promotion into this environment may wait for its approvals before it expires (default 24).' })
  approvalTimeoutHours: number;
}

export function toEnvironmentModel(entity: EnvironmentEntity): Environment {
  return {
    id: entity.id,
    name: entity.name,
    position: entity.position,
    regulated: entity.regulated,
    tier: entity.tier,
    timezone: entity.timezone,
    approvalTimeoutHours: entity.approvalTimeoutHours,
  };
}
