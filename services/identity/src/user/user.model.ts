import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection, Role } from '@gatehouse/shared';

/** User is a person who signs in to the portal or owns API tokens. */
@ObjectType()
export class User {
  @Field(() => ID)
  id: string;

  @Field()
  username: string;

  @Field()
  displayName: string;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => [Role])
  roles: Role[];

  @Field(() => [String], { description: 'Names of the groups this person belongs to (what policies name as approvers).' })
  groups: string[];

  @Field()
  disabled: boolean;

  @Field(() => Date, { nullable: true })
  lastLoginAt: Date | null;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType()
export class UserConnection extends Connection(User, 'User') {}

/** UserRow is a user as stored. */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  roles: Role[];
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  groups?: string[] | null;
}

export function toUserModel(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    roles: [...row.roles].sort(),
    groups: [...(row.groups ?? [])].sort(),
    disabled: row.disabled_at !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}
