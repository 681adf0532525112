import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type Config } from '@gatehouse/shared';
import * as client from 'openid-client';
import { OidcErrorReason, OidcException } from './oidc.exception';

/** Claims of a signed-in person: the validated ID token's, completed by the UserInfo endpoint's. */
export type OidcClaims = Record<string, unknown> & { iss: string; sub: string };

/** What the authorization request needs and the callback will check. */
export interface OidcAuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

const DISCOVERY_TIMEOUT_SECONDS = 5;
/** After a failed discovery, a sign-in attempt retries it at most this often. */
const REDISCOVER_AFTER_MS = 30_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OidcIssuerClient speaks to the configured identity provider through openid-client:
 * discovery at start (a failure is logged and leaves local login working; sign-in answers 503
 * with the reason and retries discovery now and then), authorization requests with PKCE
 * (S256), state and nonce, and the code exchange, whose ID token openid-client checks
 * (signature, issuer, audience, expiry, nonce) before any claim is believed.
 */
@Injectable()
export class OidcIssuerClient implements OnModuleInit {
  private readonly logger = new Logger(OidcIssuerClient.name);
  private configuration: client.Configuration | null = null;
  private failure: string | null = null;
  private failedAt = 0;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  async onModuleInit(): Promise<void> {
    if (this.config.oidc) await this.discover();
  }

  /** The URL the identity provider sends people back to. */
  get redirectUri(): string {
    return `${this.config.publicUrl ?? `http://${this.config.host}:${this.config.port}`}/auth/oidc/callback`;
  }

  /** The provider's configuration, discovering it again if the last attempt failed long enough ago. */
  private async ready(): Promise<client.Configuration> {
    if (!this.config.oidc) throw new OidcException(OidcErrorReason.OIDC_NOT_CONFIGURED, 'Single sign-on is not configured (GATEHOUSE_OIDC_ISSUER is unset).');
    if (!this.configuration && Date.now() - this.failedAt >= REDISCOVER_AFTER_MS) await this.discover();
    if (!this.configuration) throw new OidcException(OidcErrorReason.OIDC_UNAVAILABLE, `Single sign-on is unavailable: ${this.failure}`);
    return this.configuration;
  }

  private async discover(): Promise<void> {
    const oidc = this.config.oidc!;
    const issuer = new URL(oidc.issuer);
    // Plain HTTP only for an identity provider on this machine (development, tests); openid-client refuses it otherwise.
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    try {
      this.configuration = await client.discovery(
        issuer,
        oidc.clientId,
        undefined,
        oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None(),
        { timeout: DISCOVERY_TIMEOUT_SECONDS, execute: insecure ? [client.allowInsecureRequests] : [] },
      );
      this.failure = null;
      this.logger.log(`OIDC issuer ${oidc.issuer} discovered; single sign-on is on`);
    } catch (error) {
      this.failedAt = Date.now();
      this.failure = `the issuer ${oidc.issuer} could not be discovered (${describe(error)}); local password sign-in still works`;
      this.logger.error(`Single sign-on is unavailable: ${this.failure}`);
    }
  }

  /** A new authorization request: code flow, PKCE S256, fresh state and nonce. */
  async authorizationRequest(): Promise<OidcAuthorizationRequest> {
    const configuration = await this.ready();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: this.scopes(configuration).join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /** `openid profile email`, plus a scope named like the groups claim when the provider offers one (Okta, oidc-provider). */
  private scopes(configuration: client.Configuration): string[] {
    const offered = configuration.serverMetadata().scopes_supported ?? [];
    const groups = this.config.oidc!.groupsClaim;
    return ['openid', 'profile', 'email', ...(offered.includes(groups) ? [groups] : [])];
  }

  /** Exchanges the callback's code and returns the person's checked claims. */
  async exchange(callbackQuery: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<OidcClaims> {
    const configuration = await this.ready();
    const callbackUrl = new URL(`${this.redirectUri}${callbackQuery ? `?${callbackQuery}` : ''}`);
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Many providers put profile and group claims only in UserInfo; its `sub` must be the ID token's.
      const userInfo = configuration.serverMetadata().userinfo_endpoint
        ? await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub)
        : {};
      return { ...userInfo, ...idToken } as OidcClaims;
    } catch (error) {
      throw new OidcException(OidcErrorReason.OIDC_TOKEN_INVALID, `The identity provider's answer could not be verified: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
