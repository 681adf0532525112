import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, type Config, type Principal } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { recordIdentityEvent } from '../identity-audit';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { DUMMY_PASSWORD_HASH, randomSecret, sha256, verifyPassword } from '../secrets';
import { toUserModel, type User } from '../user/user.model';
import { UserRepository } from '../user/user.repository';
import type { LoginInput } from '../user/dto/user.inputs';
import { SessionRepository } from './session.repository';

/** Where a sign-in came from, for the session row and the audit trail. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** SessionService signs people in to the portal with a local password, and out again. */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
  ) {}

  async login(input: LoginInput, client: ClientInfo): Promise<{ secret: string; csrfToken: string; expiresAt: Date; user: User }> {
    const user = await this.users.findByUsername(input.username.toLowerCase());
    // Hash even for an unknown user, so timing does not tell which usernames exist.
    const valid = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!user || !user.password_hash || !valid || user.disabled_at) {
      await this.dataSource.transaction((manager) =>
        recordIdentityEvent(
          manager,
          { kind: 'USER', id: user?.id ?? 'unknown', displayName: input.username.slice(0, 63), ip: client.ip, userAgent: client.userAgent },
          client.requestId,
          'user.login.failed',
          { type: 'user', id: user?.id ?? 'unknown' },
          { username: input.username.slice(0, 63), reason: !user ? 'unknown user' : user.disabled_at ? 'disabled' : 'wrong password' },
        ),
      );
      throw new IdentityException(IdentityErrorReason.INVALID_CREDENTIALS, 'Wrong username or password.');
    }
    const secret = randomSecret();
    const csrfToken = randomSecret();
    const expiresAt = new Date(Date.now() + this.config.sessionHours * 3600_000);
    await this.dataSource.transaction(async (manager) => {
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
        { username: user.username, sessionId, expiresAt: expiresAt.toISOString() },
      );
    });
    return { secret, csrfToken, expiresAt, user: toUserModel(user) };
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
