import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why an identity operation was refused. */
export enum IdentityErrorReason {
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  SESSION_EXPIRED = 'SESSION_EXPIRED',
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  SCOPE_REQUIRED = 'SCOPE_REQUIRED',
  CSRF_TOKEN_MISSING = 'CSRF_TOKEN_MISSING',
  ACCESS_RULE_MISSING = 'ACCESS_RULE_MISSING',
  NOT_OWNER = 'NOT_OWNER',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  GROUP_NOT_FOUND = 'GROUP_NOT_FOUND',
  TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND',
  USERNAME_TAKEN = 'USERNAME_TAKEN',
  GROUP_NAME_TAKEN = 'GROUP_NAME_TAKEN',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  NOT_A_MEMBER = 'NOT_A_MEMBER',
  ROLE_ALREADY_GRANTED = 'ROLE_ALREADY_GRANTED',
  ROLE_NOT_GRANTED = 'ROLE_NOT_GRANTED',
  LAST_ADMIN = 'LAST_ADMIN',
  TOKEN_REVOKED = 'TOKEN_REVOKED',
  SCOPE_ESCALATION = 'SCOPE_ESCALATION',
}

const CODES: Record<IdentityErrorReason, ErrorCode> = {
  [IdentityErrorReason.NOT_AUTHENTICATED]: ErrorCode.UNAUTHENTICATED,
  [IdentityErrorReason.INVALID_CREDENTIALS]: ErrorCode.UNAUTHENTICATED,
  [IdentityErrorReason.TOKEN_EXPIRED]: ErrorCode.UNAUTHENTICATED,
  [IdentityErrorReason.SESSION_EXPIRED]: ErrorCode.UNAUTHENTICATED,
  [IdentityErrorReason.ROLE_REQUIRED]: ErrorCode.FORBIDDEN,
  [IdentityErrorReason.SCOPE_REQUIRED]: ErrorCode.FORBIDDEN,
  [IdentityErrorReason.CSRF_TOKEN_MISSING]: ErrorCode.FORBIDDEN,
  [IdentityErrorReason.ACCESS_RULE_MISSING]: ErrorCode.FORBIDDEN,
  [IdentityErrorReason.NOT_OWNER]: ErrorCode.FORBIDDEN,
  [IdentityErrorReason.USER_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IdentityErrorReason.GROUP_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IdentityErrorReason.TOKEN_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IdentityErrorReason.USERNAME_TAKEN]: ErrorCode.CONFLICT,
  [IdentityErrorReason.GROUP_NAME_TAKEN]: ErrorCode.CONFLICT,
  [IdentityErrorReason.ALREADY_MEMBER]: ErrorCode.CONFLICT,
  [IdentityErrorReason.NOT_A_MEMBER]: ErrorCode.CONFLICT,
  [IdentityErrorReason.ROLE_ALREADY_GRANTED]: ErrorCode.CONFLICT,
  [IdentityErrorReason.ROLE_NOT_GRANTED]: ErrorCode.CONFLICT,
  [IdentityErrorReason.LAST_ADMIN]: ErrorCode.CONFLICT,
  [IdentityErrorReason.TOKEN_REVOKED]: ErrorCode.CONFLICT,
  [IdentityErrorReason.SCOPE_ESCALATION]: ErrorCode.FORBIDDEN,
};

/** IdentityException is every refusal of authentication, authorization and identity management. */
export class IdentityException extends DomainException<IdentityErrorReason> {
  constructor(reason: IdentityErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}

export const unauthenticated = (message = 'Authentication required: send `Authorization: Bearer <token>` or sign in to the portal.') =>
  new IdentityException(IdentityErrorReason.NOT_AUTHENTICATED, message);
