import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

/** DeleteChangeWindowInput takes a window out of force; it stays readable in the audit trail. */
@InputType()
export class DeleteChangeWindowInput {
  @Field(() => ID, { description: 'Change window id.' })
  @IsUUID('all', { message: 'must be a change window id (a UUID)' })
  id: string;
}
