import { SetMetadata } from '@nestjs/common';
import { Role, TokenScope } from './role';

/** Metadata key under which an operation declares who may call it. */
export const ACCESS_RULE = 'gatehouse:access-rule';

/**
 * AccessRule is an operation's one visible statement of who may call it: `PUBLIC` (anyone,
 * e.g. login), `AUTHENTICATED` (any signed-in caller; the service checks ownership), or a
 * list of roles; and the token scope it needs. An operation without a rule is refused.
 */
export interface AccessRule {
  who: 'PUBLIC' | 'AUTHENTICATED' | readonly Role[];
  scope: TokenScope;
}

/** Declares who may call an operation (a resolver method, or a controller route). */
export function Access(rule: AccessRule): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_RULE, rule);
}

/** Read access for these roles (token scope READ). */
export const ReadAccess = (...roles: Role[]) => Access({ who: roles, scope: TokenScope.READ });
/** A domain change by these roles (token scope WRITE). */
export const WriteAccess = (...roles: Role[]) => Access({ who: roles, scope: TokenScope.WRITE });
/** Administration, for admins only (token scope ADMIN). */
export const AdminAccess = () => Access({ who: [Role.ADMIN], scope: TokenScope.ADMIN });
/** Anyone, signed in or not (login, health). */
export const PublicAccess = () => Access({ who: 'PUBLIC', scope: TokenScope.READ });
/** Any signed-in caller; the operation itself limits what they see or change to their own. */
export const SelfAccess = (scope: TokenScope) => Access({ who: 'AUTHENTICATED', scope });
