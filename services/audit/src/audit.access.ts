import { PublicAccess, ReadAccess, ALL_ROLES, Role } from '@gatehouse/shared';

/**
 * AuditReadAccess: who may read the audit log, its events, evidence packs and verification
 * results — every signed-in role (read scope). One place to change it for every audit query.
 */
export const AuditReadAccess = (): MethodDecorator & ClassDecorator => ReadAccess(...ALL_ROLES);

/** AuditExportAccess: who may export the whole log — auditors and admins (read scope). */
export const AuditExportAccess = (): MethodDecorator & ClassDecorator => ReadAccess(Role.AUDITOR, Role.ADMIN);

/** AuditKeyAccess: the checkpoint public key is public by nature, so verifiers can fetch it. */
export const AuditKeyAccess = (): MethodDecorator & ClassDecorator => PublicAccess();
