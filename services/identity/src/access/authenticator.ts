import { Injectable } from '@nestjs/common';
import { TokenScope, type Principal, type RequestWithPrincipal } from '@gatehouse/shared';
import { ApiTokenRepository } from '../api-token/api-token.repository';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { lookupPrefixOf, sameHash, sha256 } from '../secrets';
import { SessionRepository } from '../session/session.repository';
import { UserRepository } from '../user/user.repository';

/** The cookie that carries a portal session. */
export const SESSION_COOKIE = 'gatehouse_session';

const invalidCredential = (what: string) =>
  new IdentityException(IdentityErrorReason.NOT_AUTHENTICATED, `${what}; sign in again or use a valid API token.`);

/**
 * Authenticator finds out who sent a request: an API token (`Authorization: Bearer`) or a
 * portal session cookie. A credential that is presented but wrong is refused outright, never
 * treated as anonymous; no credential at all is anonymous (null).
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
  ) {}

  async authenticate(request: RequestWithPrincipal): Promise<Principal | null> {
    if (request.principal !== undefined) return request.principal;
    const principal = await this.identify(request);
    request.principal = principal;
    return principal;
  }

  // When this process last recorded each token's use: the database is written at most once a
  // minute per token, and then awaited, so "last used" is true when the answer arrives.
  private readonly touchedAt = new Map<string, number>();

  private async touch(tokenId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.touchedAt.get(tokenId) ?? 0) < 60_000) return;
    this.touchedAt.set(tokenId, now);
    if (this.touchedAt.size > 10_000) this.touchedAt.clear();
    await this.tokens.touch(tokenId).catch(() => this.touchedAt.delete(tokenId));
  }

  /** The CSRF token bound to a session principal, to compare with the request's header. */
  csrfTokenOf(request: RequestWithPrincipal): string | undefined {
    return (request as RequestWithPrincipal & { csrfToken?: string }).csrfToken;
  }

  private async identify(request: RequestWithPrincipal): Promise<Principal | null> {
    const authorization = request.headers.authorization;
    const ip = request.ip ?? null;
    const userAgent = typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'].slice(0, 300) : null;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S{32,512})$/i.exec(String(authorization).trim());
      if (!match) throw invalidCredential('The Authorization header must be `Bearer <token>` with a Gatehouse API token');
      const token = match[1]!;
      const row = await this.tokens.findForAuthentication(lookupPrefixOf(token));
      if (!row || !sameHash(row.token_hash, sha256(token))) throw invalidCredential('This API token is not valid');
      if (row.revoked_at) throw invalidCredential(`This API token was revoked at ${row.revoked_at.toISOString()}`);
      if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
        throw new IdentityException(IdentityErrorReason.TOKEN_EXPIRED, `This API token expired at ${row.expires_at.toISOString()}; create a new one.`);
      }
      if (row.disabled_at) throw invalidCredential('The owner of this API token is disabled');
      await this.touch(row.id);
      return {
        userId: row.user_id,
        username: row.username,
        displayName: row.display_name,
        roles: row.roles,
        via: 'TOKEN',
        scopes: row.scopes,
        tokenId: row.id,
        actor: { kind: 'TOKEN', id: row.id, displayName: `${row.username} (token ${row.name})`, ip, userAgent },
      };
    }

    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return null;
    const session = await this.sessions.findBySecretHash(sha256(cookie));
    if (!session || session.revoked_at) throw invalidCredential('This session has ended');
    if (session.expires_at.getTime() <= Date.now()) {
      throw new IdentityException(IdentityErrorReason.SESSION_EXPIRED, 'Your session has expired; sign in again.');
    }
    const user = await this.users.findById(session.user_id);
    if (!user || user.disabled_at) throw invalidCredential('This account is disabled');
    (request as RequestWithPrincipal & { csrfToken?: string }).csrfToken = session.csrf_token;
    return {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      roles: user.roles,
      via: 'SESSION',
      scopes: [TokenScope.READ, TokenScope.WRITE, TokenScope.ADMIN],
      sessionId: session.id,
      actor: { kind: 'USER', id: user.id, displayName: user.display_name, ip, userAgent },
    };
  }
}
