import type { MigrationClass } from '@gatehouse/shared';
import { AuditChainEntity, AuditEventEntity } from './audit-event/audit-event.entity';
import { CreateAuditSchema1795704428503 } from './migrations/1795704428503-create-audit-schema';
import { CreateAuditEventChain1795704700000 } from './migrations/1795704700000-create-audit-event-chain';
import { PartitionAuditByMonth1795713700000 } from './migrations/1795713700000-partition-audit-by-month';

export { AuditModule } from './audit.module';
export { AuditException, AuditErrorReason } from './audit.exception';
export { AuditReadAccess, AuditExportAccess, AuditKeyAccess } from './audit.access';
export { AuditActorKind, type AuditActor, type AuditSubject, type AuditEventInput, type RecordedAuditEvent } from './audit-event/audit-event.types';
export { AuditRecorder, recordAuditEvent, recordAuditEvents, recordStandaloneAuditEvent } from './audit-event/audit-event.recorder';
export { AuditEventService, type ChangeAuditTrail } from './audit-event/audit-event.service';
export { AuditEventModel, AuditEventStatus } from './audit-event/audit-event.model';
export { CHAIN_HEAD_SQL } from './audit-event/audit-event.row';
export { AuditSealer, SEALER_LOCK_KEY, type AuditSealerOptions } from './chain/audit-sealer';
export { AuditChainService, type VerifyChainRequest } from './chain/audit-chain.service';
export {
  AuditChainProblem,
  ChainVerifier,
  type ChainBreak,
  type ChainEntry,
  type ChainCheckpoint,
  type ChainVerificationResult,
  type TrustedCheckpoint,
} from './chain/audit-chain.verifier';
export { canonicalBytes, canonicalJson, chainHash, GENESIS_HASH, keyIdOf } from './chain/audit-chain.canonical';
export { AuditSigner, loadAuditSigner, generatePrivateKeyPem } from './checkpoint/audit-signer';
export { verifyAuditExport, type ExportVerificationOptions, type ExportVerificationResult } from './export/audit-export.verifier';
export type { ExportHeader, ExportEventLine, ExportCheckpointLine, ExportEndLine } from './export/audit-export.format';
export { AUDIT_DATA_SOURCE, AUDIT_SEALER_OPTIONS, AUDIT_SIGNER } from './audit.tokens';

/** The audit service's migrations, oldest first. */
export const auditMigrations: MigrationClass[] = [
  CreateAuditSchema1795704428503,
  CreateAuditEventChain1795704700000,
  PartitionAuditByMonth1795713700000,
];

/** The audit service's TypeORM entities. */
export const auditEntities: Function[] = [AuditEventEntity, AuditChainEntity];
