import type { MigrationClass } from '@gatehouse/shared';
import { CreateAuditSchema1795704428503 } from './migrations/1795704428503-create-audit-schema';

export { AuditModule } from './audit.module';

/** The audit service's migrations, oldest first. */
export const auditMigrations: MigrationClass[] = [CreateAuditSchema1795704428503];

/** The audit service's TypeORM entities. */
export const auditEntities: Function[] = [];
