import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, type Config, type Principal } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { recordStandaloneAuditEvent } from '@gatehouse/audit';
import { recordIdentityEvent } from '../identity-audit';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { DUMMY_PASSWORD_HASH, randomSecret, sha256, verifyPassword } from '../secrets';
import { toUserModel, type User, type UserRow } from '../user/user.model';
import { UserRepository } from '../user/user.repository';
import type { LoginInput } from '../user/dto/user.inputs';
import { SessionRepository } from './session.repository';

/** Where a sign-in came from, for the session row and the audit trail. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** How a person proved who they are when a session was opened. */
export type LoginMethod = 'password' | 'oidc';

/** OpenedSession is a new portal session: its secret goes in the cookie, its CSRF token to the portal. */
export interface OpenedSession {
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  user: User;
}

/**
 * SessionService opens portal sessions (after a local password or an OIDC sign-in, through
 * one method) and ends them.
 */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
  ) {}

  async login(input: LoginInput, client: ClientInfo): Promise<OpenedSession> {
    const user = await this.users.findByUsername(input.username.toLowerCase());
    // Hash even for an unknown user, so timing does not tell which usernames exist.
    const valid = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!user || !user.password_hash || !valid || user.disabled_at) {
      await this.recordLoginFailure(client, {
        method: 'password',
        username: input.username,
        userId: user?.id ?? null,
        reason: !user ? 'unknown user' : user.disabled_at ? 'disabled' : 'wrong password',
      });
      throw new IdentityException(IdentityErrorReason.INVALID_CREDENTIALS, 'Wrong username or password.');
    }
    return this.dataSource.transaction((manager) => this.open(manager, user, client, { method: 'password' }));
  }

  /**
   * Opens a portal session for a user who has just proven who they are, by whatever method,
   * inside the caller's transaction: the session row, the last-login time and the `user.login`
   * event commit together or not at all. The caller has already refused disabled users.
   */
  async open(manager: EntityManager, user: UserRow, client: ClientInfo, login: { method: LoginMethod; data?: Record<string, unknown> }): Promise<OpenedSession> {
    const secret = randomSecret();
    const csrfToken = randomSecret();
    const expiresAt = new Date(Date.now() + this.config.sessionHours * 3600_000);
    const sessionId = await this.sessions.insert(
      { userId: user.id, secretHash: sha256(secret), csrfToken, expiresAt, ip: client.ip, userAgent: client.userAgent },
      manager,
    );
    await this.users.touchLogin(user.id, manager);
    await recordIdentityEvent(
      manager,
      { kind: 'USER', id: user.id, displayName: user.display_name, ip: client.ip, userAgent: client.userAgent },
      client.requestId,
      'user.login',
      { type: 'user', id: user.id },
      { ...login.data, username: user.username, sessionId, expiresAt: expiresAt.toISOString(), method: login.method },
    );
    return { secret, csrfToken, expiresAt, user: toUserModel(user) };
  }

  /**
   * Records a refused sign-in (`user.login.failed`) on its own: the refusal is the whole action.
   * Refusals come in floods (password guessing), so they are group-committed with concurrent
   * ones; the call still returns only once its event is durable.
   */
  async recordLoginFailure(
    client: ClientInfo,
    attempt: { method: LoginMethod; username: string | null; userId: string | null; reason: string; data?: Record<string, unknown> },
  ): Promise<void> {
    const username = attempt.username?.slice(0, 63) ?? null;
    await recordStandaloneAuditEvent(this.dataSource, {
      action: 'user.login.failed',
      actor: { kind: 'USER', id: attempt.userId ?? 'unknown', displayName: username ?? 'unknown', ip: client.ip, userAgent: client.userAgent },
      requestId: client.requestId,
      subject: { type: 'user', id: attempt.userId ?? 'unknown' },
      data: { ...attempt.data, username, reason: attempt.reason, method: attempt.method },
    });
  }

  async logout(principal: Principal, requestId: string | null): Promise<boolean> {
    if (principal.via !== 'SESSION' || !principal.sessionId) return false;
    await this.dataSource.transaction(async (manager) => {
      await this.sessions.revoke(principal.sessionId!, manager);
      await recordIdentityEvent(manager, principal.actor, requestId, 'user.logout', { type: 'user', id: principal.userId }, { sessionId: principal.sessionId });
    });
    return true;
  }
}
