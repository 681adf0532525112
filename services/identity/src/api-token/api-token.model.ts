import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TokenScope } from '@gatehouse/shared';

/** ApiToken is a credential for scripts and CI; its secret is shown once, at creation, and stored only as a hash. */
@ObjectType()
export class ApiToken {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'Username of the owner.' })
  user: string;

  @Field({ description: 'The public start of the token, to recognise it.' })
  prefix: string;

  @Field(() => [TokenScope])
  scopes: TokenScope[];

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date)
  createdAt: Date;
}

/** CreatedApiToken carries the secret token: the only time it is ever shown. */
@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'Send as `Authorization: Bearer <token>`. Shown once; Gatehouse keeps only its hash.' })
  token: string;

  @Field(() => ApiToken)
  apiToken: ApiToken;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  username: string;
  name: string;
  lookup_prefix: string;
  token_hash: Buffer;
  scopes: TokenScope[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export function toApiTokenModel(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    user: row.username,
    prefix: row.lookup_prefix,
    scopes: row.scopes,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}
