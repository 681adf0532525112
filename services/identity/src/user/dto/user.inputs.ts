import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '@gatehouse/shared';

export const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const USERNAME_MESSAGE = 'must be 1-63 lowercase letters, digits, dots, hyphens or underscores, starting with a letter or digit';

/** CreateUserInput registers a person; a password is needed only for local portal sign-in. */
@InputType()
export class CreateUserInput {
  @Field()
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  username: string;

  @Field()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  displayName: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'For local sign-in; at least 12 characters. Omit for token-only or SSO users.' })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  password?: string | null;

  @Field(() => [Role], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(6)
  @IsEnum(Role, { each: true, message: 'must be a role' })
  roles?: Role[] | null;
}

/** RoleChangeInput grants or revokes one role of one user. */
@InputType()
export class RoleChangeInput {
  @Field({ description: 'Username.' })
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  user: string;

  @Field(() => Role)
  @IsEnum(Role, { message: 'must be a role' })
  role: Role;
}

/** LoginInput signs a person in to the portal with a local password. */
@InputType()
export class LoginInput {
  @Field()
  @IsString()
  @MaxLength(63)
  username: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password: string;
}
