import { Field, InputType } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { IsSlug } from '@gatehouse/shared';

/** ChangeFilter narrows the list of changes. */
@InputType()
export class ChangeFilter {
  @Field(() => String, { nullable: true, description: 'Only changes of this application.' })
  @IsOptional()
  @IsSlug()
  application?: string | null;
}
