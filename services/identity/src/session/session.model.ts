import { Field, ObjectType } from '@nestjs/graphql';
import { User } from '../user/user.model';

/** SignedIn is the answer to a successful portal sign-in; the session itself travels in an HTTP-only cookie. */
@ObjectType()
export class SignedIn {
  @Field(() => User)
  user: User;

  @Field({ description: 'Send as the `X-CSRF-Token` header with every mutation made with the session cookie.' })
  csrfToken: string;

  @Field(() => Date)
  expiresAt: Date;
}
