import { registerEnumType } from '@nestjs/graphql';

/**
 * Role is what a person may do. Approving is not a role: it comes from membership of the
 * groups a decision requires.
 */
export enum Role {
  /** Reads everything except the audit trail's exports. */
  VIEWER = 'VIEWER',
  /** Registers changes, requests promotions, reports deployments. */
  DEVELOPER = 'DEVELOPER',
  /** Publishes and activates policies. */
  POLICY_AUTHOR = 'POLICY_AUTHOR',
  /** Reads everything, exports and verifies the audit trail, changes nothing. */
  AUDITOR = 'AUDITOR',
  /** Manages users, groups, tokens and applications. */
  ADMIN = 'ADMIN',
  /** May make break-glass promotions. */
  EMERGENCY = 'EMERGENCY',
}

/** Every role: for operations any signed-in role may read. */
export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** TokenScope bounds what an API token may do, whatever its owner's roles. */
export enum TokenScope {
  /** Queries only. */
  READ = 'READ',
  /** Queries and mutations that change the domain (changes, promotions, policies...). */
  WRITE = 'WRITE',
  /** Administration: users, groups, roles, tokens, applications. */
  ADMIN = 'ADMIN',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What a person may do; approving comes from group membership, not from a role.',
  valuesMap: {
    VIEWER: { description: 'Reads everything except audit exports.' },
    DEVELOPER: { description: 'Registers changes, requests promotions, reports deployments.' },
    POLICY_AUTHOR: { description: 'Publishes and activates policies.' },
    AUDITOR: { description: 'Reads everything, exports and verifies the audit trail, changes nothing.' },
    ADMIN: { description: 'Manages users, groups, tokens and applications.' },
    EMERGENCY: { description: 'May make break-glass promotions.' },
  },
});
registerEnumType(TokenScope, { name: 'TokenScope', description: 'What an API token may do, whatever its owner may.' });
