import type { MigrationClass } from '@gatehouse/shared';
import { ApplicationEntity } from './application/application.entity';
import { EnvironmentEntity } from './environment/environment.entity';
import { CreateApplications1795704500000 } from './migrations/1795704500000-create-applications';

export { PipelinesModule } from './pipelines.module';
export { DemoSeeder } from './demo/demo-seeder';
export { DEMO_APPLICATIONS } from './demo/demo-data';
export { EnvironmentTier } from './environment/environment-tier';

/** The pipelines service's migrations, oldest first. */
export const pipelinesMigrations: MigrationClass[] = [CreateApplications1795704500000];

/** The pipelines service's TypeORM entities. */
export const pipelinesEntities: Function[] = [ApplicationEntity, EnvironmentEntity];
