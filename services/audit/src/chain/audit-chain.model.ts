import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { RetentionAnchorRow } from '../audit-event/audit-event.repository';
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

/** AuditRetentionAnchorModel says which events retention removed and which signed month seal verification starts from. */
@ObjectType('AuditRetentionAnchor')
export class AuditRetentionAnchorModel {
  @Field(() => Int, { description: 'The last removed seq; the kept chain starts at cutSeq + 1.' })
  cutSeq: number;

  @Field({ description: 'Hex chain hash at cutSeq: the prevHash of the first kept event.' })
  cutHash: string;

  @Field({ description: 'The month (YYYY-MM, UTC) whose signed month seal the cut is at.' })
  sealMonth: string;

  @Field({ description: 'Key id that signed the month seal.' })
  sealKeyId: string;

  @Field({ description: 'The first month kept (YYYY-MM): events recorded before it were removed.' })
  keptFrom: string;

  @Field(() => GraphQLISODateTime)
  prunedAt: Date;

  @Field(() => Int)
  retentionMonths: number;

  @Field({ description: 'Who ran the prune.' })
  operator: string;

  @Field(() => String, { nullable: true })
  ticket: string | null;
}

/** AuditChainVerificationModel is the result of checking a range of the chain. */
@ObjectType('AuditChainVerification')
export class AuditChainVerificationModel {
  @Field()
  valid: boolean;

  @Field(() => Int, { description: 'First sealed seq kept in the log (1, or the first after the retention cut), or 0 when nothing is sealed.' })
  sealedFrom: number;

  @Field(() => Int, { description: 'The first seq that was not removed by retention: 1 when nothing was ever pruned.' })
  prunedBefore: number;

  @Field(() => AuditRetentionAnchorModel, {
    nullable: true,
    description: 'When events were pruned: the retention anchor verification started from (a signed month seal, checked as part of the verification).',
  })
  retentionAnchor: AuditRetentionAnchorModel | null;

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
  anchor?: RetentionAnchorRow,
): AuditChainVerificationModel {
  const prunedBefore = anchor ? Number(anchor.cut_seq) + 1 : 1;
  const { anchoredBy: _anchoredBy, ...rest } = result;
  return {
    ...rest,
    sealedFrom: state.headSeq >= prunedBefore ? prunedBefore : 0,
    sealedTo: state.headSeq,
    pendingCount: state.pendingCount,
    prunedBefore,
    retentionAnchor: anchor
      ? {
          cutSeq: Number(anchor.cut_seq),
          cutHash: anchor.cut_hash.toString('hex'),
          sealMonth: anchor.seal_month,
          sealKeyId: anchor.seal_key_id,
          keptFrom: anchor.kept_from,
          prunedAt: anchor.pruned_at,
          retentionMonths: anchor.retention_months,
          operator: anchor.operator,
          ticket: anchor.ticket,
        }
      : null,
  };
}
