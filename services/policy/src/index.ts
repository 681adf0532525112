import type { MigrationClass } from '@gatehouse/shared';
import { CreatePolicySchema1795704428503 } from './migrations/1795704428503-create-policy-schema';

export { PolicyModule } from './policy.module';

/** The policy service's migrations, oldest first. */
export const policyMigrations: MigrationClass[] = [CreatePolicySchema1795704428503];

/** The policy service's TypeORM entities. */
export const policyEntities: Function[] = [];
