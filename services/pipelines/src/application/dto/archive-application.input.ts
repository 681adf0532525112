import { Field, InputType } from '@nestjs/graphql';
import { IsSlug } from '@gatehouse/shared';

/** ArchiveApplicationInput retires an application: its history stays, new changes are refused. */
@InputType()
export class ArchiveApplicationInput {
  @Field({ description: 'Application name.' })
  @IsSlug()
  name: string;
}
