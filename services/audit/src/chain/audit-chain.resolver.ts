import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuditKeyAccess, AuditReadAccess } from '../audit.access';
import { AuditChainVerificationModel, AuditPublicKeyModel } from './audit-chain.model';
import { AuditChainService } from './audit-chain.service';
import { VerifyAuditChainInput } from './dto/verify-audit-chain.input';

/** AuditChainResolver verifies the chain and publishes the checkpoint key. */
@AuditReadAccess()
@Resolver()
export class AuditChainResolver {
  constructor(private readonly chain: AuditChainService) {}

  @Query(() => AuditChainVerificationModel, { description: 'Verifies the hash chain and its checkpoints; names the first broken seq.' })
  verifyAuditChain(@Args('input', { type: () => VerifyAuditChainInput, nullable: true }) input?: VerifyAuditChainInput) {
    return this.chain.verify({
      fromSeq: input?.fromSeq,
      toSeq: input?.toSeq,
      checkColumns: input?.checkColumns,
      trusted: input?.trustedCheckpoints?.map((t) => ({ seq: t.seq, hash: Buffer.from(t.hash, 'hex') })),
    });
  }

  @AuditKeyAccess()
  @Query(() => AuditPublicKeyModel, { description: 'The Ed25519 key that signs audit checkpoints.' })
  auditPublicKey() {
    return this.chain.publicKey();
  }
}
