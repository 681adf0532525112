import { Logger, Module } from '@nestjs/common';
import { CONFIG, type Config } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { AuditEventConnectionResolver, AuditEventResolver } from './audit-event/audit-event.resolver';
import { AuditRecorder } from './audit-event/audit-event.recorder';
import { AuditEventRepository } from './audit-event/audit-event.repository';
import { AuditEventService } from './audit-event/audit-event.service';
import { AUDIT_DATA_SOURCE, AUDIT_SEALER_OPTIONS, AUDIT_SIGNER } from './audit.tokens';
import { AuditChainResolver } from './chain/audit-chain.resolver';
import { AuditChainService } from './chain/audit-chain.service';
import { AuditSealer, type AuditSealerOptions } from './chain/audit-sealer';
import { loadAuditSigner } from './checkpoint/audit-signer';
import { AuditExportController } from './export/audit-export.controller';
import { AuditExportService } from './export/audit-export.service';

/**
 * AuditModule wires the audit service into the API: the recorder other services call inside
 * their transactions, the sealer (started on bootstrap, drained on shutdown), the GraphQL
 * queries and the streaming export route. It uses the app's one TypeORM DataSource.
 */
@Module({
  controllers: [AuditExportController],
  providers: [
    { provide: AUDIT_DATA_SOURCE, useExisting: DataSource },
    {
      provide: AUDIT_SIGNER,
      inject: [CONFIG],
      useFactory: (config: Config) => {
        const log = new Logger('AuditSigner');
        const { signer, source } = loadAuditSigner(config, (message) => log.warn(message));
        log.log(`audit checkpoints are signed by Ed25519 key ${signer.keyId} (${source})`);
        return signer;
      },
    },
    {
      provide: AUDIT_SEALER_OPTIONS,
      inject: [CONFIG],
      useFactory: (config: Config): AuditSealerOptions => ({
        checkpointEveryEvents: config.audit.checkpointEveryEvents,
        checkpointEverySeconds: config.audit.checkpointEverySeconds,
      }),
    },
    AuditRecorder,
    AuditSealer,
    AuditEventRepository,
    AuditEventService,
    AuditChainService,
    AuditExportService,
    AuditEventResolver,
    AuditEventConnectionResolver,
    AuditChainResolver,
  ],
  exports: [AuditRecorder, AuditEventService, AuditChainService],
})
export class AuditModule {}
