import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';

/** Group is a set of people that a policy names as approvers (e.g. `payments-leads`). */
@ObjectType()
export class Group {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  description: string;

  @Field(() => [String], { description: 'Usernames of the members.' })
  members: string[];

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType()
export class GroupConnection extends Connection(Group, 'Group') {}

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  created_at: Date;
  members: string[] | null;
}

export function toGroupModel(row: GroupRow): Group {
  return { id: row.id, name: row.name, description: row.description, members: row.members ?? [], createdAt: row.created_at };
}
