import { Module } from '@nestjs/common';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { EvidenceService } from '../evidence/evidence.service';
import { ChangeRepository } from './change.repository';
import { ChangeResolver } from './change.resolver';
import { ChangeService } from './change.service';

/** ChangeModule wires changes and their evidence. */
@Module({
  providers: [ChangeRepository, ChangeService, EvidenceRepository, EvidenceService, ChangeResolver],
  exports: [ChangeService, EvidenceService],
})
export class ChangeModule {}
