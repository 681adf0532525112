import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AuditChainProblem, type ChainVerificationResult } from './audit-chain.verifier';

registerEnumType(AuditChainProblem, { name: 'AuditChainProblem', description: 'What broke at the first broken position of the audit chain.' });

/** AuditChainBreakModel names the first broken seq and what broke there. */
@ObjectType('AuditChainBreak')
export class AuditChainBreakModel {
  @Field(() => Int)
  seq: number;

  @Field(() => AuditChainProblem)
  problem: AuditChainProblem;

  @Field()
  message: string;
}

/** AuditCheckpointSummaryModel is the newest valid checkpoint a verification saw. */
@ObjectType('AuditCheckpointSummary')
export class AuditCheckpointSummaryModel {
  @Field(() => Int)
  seq: number;

  @Field()
  time: string;

  @Field()
  keyId: string;
}

/** AuditChainVerificationModel is the result of checking a range of the chain. */
@ObjectType('AuditChainVerification')
export class AuditChainVerificationModel {
  @Field()
  valid: boolean;

  @Field(() => Int, { description: 'First sealed seq in the log (1), or 0 when nothing is sealed.' })
  sealedFrom: number;

  @Field(() => Int, { description: 'The chain head: the last sealed seq.' })
  sealedTo: number;

  @Field(() => Int, { description: 'Events committed but not sealed yet.' })
  pendingCount: number;

  @Field(() => Int, { nullable: true })
  checkedFrom: number | null;

  @Field(() => Int, { nullable: true })
  checkedTo: number | null;

  @Field(() => Int)
  eventsChecked: number;

  @Field(() => Int)
  checkpointsChecked: number;

  @Field(() => AuditCheckpointSummaryModel, { nullable: true })
  lastCheckpoint: AuditCheckpointSummaryModel | null;

  @Field(() => Int, { description: 'Checked events after the last checkpoint (chained, not yet signed).' })
  unsignedTail: number;

  @Field(() => [String])
  keyIds: string[];

  @Field(() => AuditChainBreakModel, { nullable: true })
  firstBroken: AuditChainBreakModel | null;
}

/** AuditSigningKeyModel is a public key that signs (or signed) checkpoints. */
@ObjectType('AuditSigningKey')
export class AuditSigningKeyModel {
  @Field({ description: 'SHA-256 fingerprint (hex, 32 chars) of the DER public key.' })
  keyId: string;

  @Field()
  algorithm: string;

  @Field({ description: 'SPKI PEM.' })
  publicKeyPem: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  firstUsedAt: Date | null;
}

/** AuditPublicKeyModel is the key this deployment signs checkpoints with, and every key it signed with before. */
@ObjectType('AuditPublicKey')
export class AuditPublicKeyModel extends AuditSigningKeyModel {
  @Field(() => [AuditSigningKeyModel])
  knownKeys: AuditSigningKeyModel[];
}

export function toVerificationModel(
  result: ChainVerificationResult,
  state: { headSeq: number; pendingCount: number },
): AuditChainVerificationModel {
  return {
    ...result,
    sealedFrom: state.headSeq > 0 ? 1 : 0,
    sealedTo: state.headSeq,
    pendingCount: state.pendingCount,
  };
}
