import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why a single sign-on was refused. */
export enum OidcErrorReason {
  /** GATEHOUSE_OIDC_ISSUER is not set. */
  OIDC_NOT_CONFIGURED = 'OIDC_NOT_CONFIGURED',
  /** Configured, but the issuer's discovery document could not be fetched or read. */
  OIDC_UNAVAILABLE = 'OIDC_UNAVAILABLE',
  /** `returnTo` is not a path on this site. */
  OIDC_RETURN_TO_INVALID = 'OIDC_RETURN_TO_INVALID',
  /** The callback came without the flow cookie set at /auth/oidc/login (another browser, cookies off, already used). */
  OIDC_FLOW_MISSING = 'OIDC_FLOW_MISSING',
  /** The flow cookie is older than its ten minutes. */
  OIDC_FLOW_EXPIRED = 'OIDC_FLOW_EXPIRED',
  /** The callback's `state` is not the one this browser was sent with. */
  OIDC_STATE_MISMATCH = 'OIDC_STATE_MISMATCH',
  /** The identity provider answered with an `error` (the person cancelled, or was refused). */
  OIDC_PROVIDER_REFUSED = 'OIDC_PROVIDER_REFUSED',
  /** The code exchange or the ID token check failed (issuer, audience, nonce, signature, PKCE). */
  OIDC_TOKEN_INVALID = 'OIDC_TOKEN_INVALID',
  /** The Gatehouse account linked to this identity is disabled. */
  OIDC_ACCOUNT_DISABLED = 'OIDC_ACCOUNT_DISABLED',
}

/** The HTTP status of each reason; a reason left out fails the type check. */
export const OIDC_STATUS: Record<OidcErrorReason, number> = {
  [OidcErrorReason.OIDC_NOT_CONFIGURED]: 404,
  [OidcErrorReason.OIDC_UNAVAILABLE]: 503,
  [OidcErrorReason.OIDC_RETURN_TO_INVALID]: 400,
  [OidcErrorReason.OIDC_FLOW_MISSING]: 400,
  [OidcErrorReason.OIDC_FLOW_EXPIRED]: 400,
  [OidcErrorReason.OIDC_STATE_MISMATCH]: 400,
  [OidcErrorReason.OIDC_PROVIDER_REFUSED]: 401,
  [OidcErrorReason.OIDC_TOKEN_INVALID]: 401,
  [OidcErrorReason.OIDC_ACCOUNT_DISABLED]: 403,
};

const CODES: Record<OidcErrorReason, ErrorCode> = {
  [OidcErrorReason.OIDC_NOT_CONFIGURED]: ErrorCode.NOT_FOUND,
  [OidcErrorReason.OIDC_UNAVAILABLE]: ErrorCode.INTERNAL,
  [OidcErrorReason.OIDC_RETURN_TO_INVALID]: ErrorCode.BAD_REQUEST,
  [OidcErrorReason.OIDC_FLOW_MISSING]: ErrorCode.BAD_REQUEST,
  [OidcErrorReason.OIDC_FLOW_EXPIRED]: ErrorCode.BAD_REQUEST,
  [OidcErrorReason.OIDC_STATE_MISMATCH]: ErrorCode.BAD_REQUEST,
  [OidcErrorReason.OIDC_PROVIDER_REFUSED]: ErrorCode.UNAUTHENTICATED,
  [OidcErrorReason.OIDC_TOKEN_INVALID]: ErrorCode.UNAUTHENTICATED,
  [OidcErrorReason.OIDC_ACCOUNT_DISABLED]: ErrorCode.FORBIDDEN,
};

/** OidcException is every refusal of a single sign-on; the controller answers it as JSON with OIDC_STATUS. */
export class OidcException extends DomainException<OidcErrorReason> {
  constructor(reason: OidcErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
