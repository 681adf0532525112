import { auditMigrations } from '@gatehouse/audit';
import { identityEntities, identityMigrations } from '@gatehouse/identity';
import { integrationsEntities, integrationsMigrations } from '@gatehouse/integrations';
import { pipelinesMigrations } from '@gatehouse/pipelines';
import { policyMigrations } from '@gatehouse/policy';
import type { MigrationClass } from '@gatehouse/shared';
import { auditEntities } from '@gatehouse/audit';
import { pipelinesEntities } from '@gatehouse/pipelines';
import { policyEntities } from '@gatehouse/policy';

/** Every service's migrations, in timestamp order (the class name ends with the unix-ms timestamp). */
export const allMigrations: MigrationClass[] = [...identityMigrations, ...pipelinesMigrations, ...policyMigrations, ...auditMigrations, ...integrationsMigrations].sort(
  (a, b) => timestampOf(a) - timestampOf(b),
);

/** Every service's TypeORM entities. */
export const allEntities: Function[] = [...identityEntities, ...pipelinesEntities, ...policyEntities, ...auditEntities, ...integrationsEntities];

function timestampOf(migration: MigrationClass): number {
  const match = /(\d{13})$/.exec(migration.name);
  if (!match) throw new Error(`Migration ${migration.name} must end with its unix-ms timestamp`);
  return Number(match[1]);
}
