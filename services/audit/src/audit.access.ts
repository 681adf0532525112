import { ALL_ROLES, ReadAccess } from '@gatehouse/shared';

/**
 * AuditReadAccess marks everything that reads the audit log: any signed-in role may read and
 * verify it (approvers see the events behind a promotion). Changing it is impossible by design.
 */
export function AuditReadAccess(): ClassDecorator & MethodDecorator {
  return ReadAccess(...ALL_ROLES);
}
