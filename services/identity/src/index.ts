import type { MigrationClass } from '@gatehouse/shared';
import { CreateIdentity1795705000000 } from './migrations/1795705000000-create-identity';

export { IdentityModule } from './identity.module';
export { IdentityBootstrap, DEMO_USERS, DEMO_PASSWORD } from './bootstrap/identity-bootstrap';
export { GroupService } from './group/group.service';
export { groupNamesOf } from './group/group.repository';
export { UserService } from './user/user.service';
export { SESSION_COOKIE } from './access/authenticator';
export { IdentityException, IdentityErrorReason } from './identity.exception';

/** The identity service's migrations, oldest first. */
export const identityMigrations: MigrationClass[] = [CreateIdentity1795705000000];

/** The identity service's TypeORM entities (its repositories use SQL through TypeORM's manager). */
export const identityEntities: Function[] = [];
