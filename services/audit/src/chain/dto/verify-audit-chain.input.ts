import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsInt, IsOptional, Matches, Min, ValidateNested } from 'class-validator';

/** TrustedCheckpointInput is a chain head kept outside the database, e.g. from an earlier export. */
@InputType()
export class TrustedCheckpointInput {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  seq: number;

  @Field({ description: 'Hex SHA-256 chain hash at seq.' })
  @Matches(/^[0-9a-f]{64}$/)
  hash: string;
}

/** VerifyAuditChainInput selects the range to verify; both ends default to the whole chain. */
@InputType()
export class VerifyAuditChainInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  fromSeq?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  toSeq?: number;

  @Field({ nullable: true, description: 'Also compare each row with its sealed bytes (default true).' })
  @IsOptional()
  @IsBoolean()
  checkColumns?: boolean;

  @Field(() => [TrustedCheckpointInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TrustedCheckpointInput)
  trustedCheckpoints?: TrustedCheckpointInput[];
}
