import { Injectable } from '@nestjs/common';
import { pageRequest, Role, toConnection, type Principal, isUniqueViolation } from '@gatehouse/shared';
import { recordIdentityEvent } from '../identity-audit';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { hashPassword } from '../secrets';
import type { CreateUserInput, RoleChangeInput } from './dto/user.inputs';
import { toUserModel, type User, type UserConnection } from './user.model';
import { UserRepository } from './user.repository';


/** UserService manages people and their roles. */
@Injectable()
export class UserService {
  constructor(private readonly users: UserRepository) {}

  async me(principal: Principal): Promise<User> {
    const row = await this.users.findById(principal.userId);
    if (!row) throw userNotFound(principal.username);
    return toUserModel(row);
  }

  async get(username: string): Promise<User> {
    const row = await this.users.findByUsername(username);
    if (!row) throw userNotFound(username);
    return toUserModel(row);
  }

  async list(first: number | undefined, after: string | undefined): Promise<UserConnection> {
    const request = pageRequest(first, after);
    const { rows, totalCount } = await this.users.page(request);
    return toConnection(rows, request, totalCount, (row) => row.username, toUserModel);
  }

  async create(input: CreateUserInput, principal: Principal, requestId: string | null): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const roles = [...new Set(input.roles ?? [])];
    try {
      return await this.users.transaction(async (manager) => {
        const row = await this.users.insert(
          { username: input.username, displayName: input.displayName, email: input.email ?? null, passwordHash, roles },
          manager,
        );
        await recordIdentityEvent(manager, principal.actor, requestId, 'user.created', { type: 'user', id: row.id }, {
          username: row.username,
          roles,
          localPassword: passwordHash !== null,
        });
        return toUserModel(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new IdentityException(IdentityErrorReason.USERNAME_TAKEN, `A user named "${input.username}" already exists.`, { user: input.username });
      }
      throw error;
    }
  }

  grantRole(input: RoleChangeInput, principal: Principal, requestId: string | null): Promise<User> {
    return this.users.transaction(async (manager) => {
      const row = await this.users.lockByUsername(input.user, manager);
      if (!row) throw userNotFound(input.user);
      if (row.roles.includes(input.role)) {
        throw new IdentityException(IdentityErrorReason.ROLE_ALREADY_GRANTED, `"${input.user}" already has the role ${input.role}.`);
      }
      const roles = [...row.roles, input.role];
      await this.users.setRoles(row.id, roles, manager);
      await recordIdentityEvent(manager, principal.actor, requestId, 'user.role.granted', { type: 'user', id: row.id }, {
        username: row.username,
        role: input.role,
      });
      return toUserModel({ ...row, roles });
    });
  }

  revokeRole(input: RoleChangeInput, principal: Principal, requestId: string | null): Promise<User> {
    return this.users.transaction(async (manager) => {
      // Serialise admin revocations so two admins cannot revoke each other into none at all.
      if (input.role === Role.ADMIN) await manager.query('LOCK TABLE identity.user_account IN SHARE ROW EXCLUSIVE MODE');
      const row = await this.users.lockByUsername(input.user, manager);
      if (!row) throw userNotFound(input.user);
      if (!row.roles.includes(input.role)) {
        throw new IdentityException(IdentityErrorReason.ROLE_NOT_GRANTED, `"${input.user}" does not have the role ${input.role}.`);
      }
      if (input.role === Role.ADMIN && (await this.users.countActiveAdmins(manager)) <= 1) {
        throw new IdentityException(IdentityErrorReason.LAST_ADMIN, `"${input.user}" is the last admin; grant ADMIN to someone else first.`);
      }
      const roles = row.roles.filter((role) => role !== input.role);
      await this.users.setRoles(row.id, roles, manager);
      await recordIdentityEvent(manager, principal.actor, requestId, 'user.role.revoked', { type: 'user', id: row.id }, {
        username: row.username,
        role: input.role,
      });
      return toUserModel({ ...row, roles });
    });
  }
}

export function userNotFound(username: string): IdentityException {
  return new IdentityException(IdentityErrorReason.USER_NOT_FOUND, `No user named "${username}".`, { user: username });
}
