import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { TokenScope } from '@gatehouse/shared';
import { USERNAME } from '../../user/dto/user.inputs';

/** CreateApiTokenInput makes a token for a user; admins for anyone, everyone else for themselves. */
@InputType()
export class CreateApiTokenInput {
  @Field({ description: 'Username of the owner.' })
  @Matches(USERNAME, { message: 'must be a username' })
  user: string;

  @Field({ description: 'What it is for, e.g. `github-actions payments-api`.' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  name: string;

  @Field(() => [TokenScope])
  @ArrayMinSize(1, { message: 'must list at least one scope' })
  @ArrayMaxSize(3)
  @IsEnum(TokenScope, { each: true, message: 'must be READ, WRITE or ADMIN' })
  scopes: TokenScope[];

  @Field(() => Date, { nullable: true, description: 'When it stops working; omit for no expiry (not recommended).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be a date-time' })
  expiresAt?: Date | null;
}

/** RevokeApiTokenInput stops a token from working, at once and for good. */
@InputType()
export class RevokeApiTokenInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a token id' })
  id: string;
}
