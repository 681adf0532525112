import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';
import { USERNAME } from '../../user/dto/user.inputs';

/** CreateGroupInput creates an (empty) group of people. */
@InputType()
export class CreateGroupInput {
  @Field({ description: 'Slug, e.g. `payments-leads`.' })
  @IsSlug()
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

/** GroupMemberInput adds or removes one user of one group. */
@InputType()
export class GroupMemberInput {
  @Field({ description: 'Group name.' })
  @IsSlug()
  group: string;

  @Field({ description: 'Username.' })
  @Matches(USERNAME, { message: 'must be a username' })
  user: string;
}
