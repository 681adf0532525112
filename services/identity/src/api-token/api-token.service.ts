import { Injectable } from '@nestjs/common';
import { Role, TokenScope, ValidationException, type Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import { recordIdentityEvent } from '../identity-audit';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { generateApiToken, lookupPrefixOf, sha256 } from '../secrets';
import { UserRepository } from '../user/user.repository';
import { userNotFound } from '../user/user.service';
import { toApiTokenModel, type ApiToken, type CreatedApiToken } from './api-token.model';
import { ApiTokenRepository } from './api-token.repository';
import type { CreateApiTokenInput, RevokeApiTokenInput } from './dto/api-token.inputs';

/** ApiTokenService issues, lists and revokes API tokens. */
@Injectable()
export class ApiTokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly users: UserRepository,
  ) {}

  async create(input: CreateApiTokenInput, principal: Principal, requestId: string | null): Promise<CreatedApiToken> {
    const isAdmin = principal.roles.includes(Role.ADMIN) && principal.scopes.includes(TokenScope.ADMIN);
    if (!isAdmin && input.user !== principal.username) {
      throw new IdentityException(IdentityErrorReason.NOT_OWNER, 'Only an admin may create a token for someone else.');
    }
    const scopes = [...new Set(input.scopes)].sort();
    const beyond = scopes.filter((scope) => !principal.scopes.includes(scope));
    if (beyond.length > 0) {
      throw new IdentityException(IdentityErrorReason.SCOPE_ESCALATION, `A token cannot create a token with more scope than itself: it lacks ${beyond.join(', ')}.`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ValidationException([{ path: 'input.expiresAt', message: 'must be in the future' }]);
    }
    return this.tokens.transaction(async (manager) => {
      const owner = await this.users.findByUsername(input.user, manager);
      if (!owner) throw userNotFound(input.user);
      return this.issue(manager, { userId: owner.id, name: input.name, scopes, expiresAt: input.expiresAt ?? null }, principal, requestId);
    });
  }

  /** Stores a new token (random, or the given value for bootstrap) and records `token.created`. */
  async issue(
    manager: EntityManager,
    token: { userId: string; name: string; scopes: TokenScope[]; expiresAt: Date | null; value?: string },
    principal: Principal,
    requestId: string | null,
  ): Promise<CreatedApiToken> {
    const value = token.value ?? generateApiToken();
    const id = await this.tokens.insert(
      { userId: token.userId, name: token.name, prefix: lookupPrefixOf(value), hash: sha256(value), scopes: token.scopes, expiresAt: token.expiresAt, createdBy: principal.via === 'SYSTEM' ? null : principal.userId },
      manager,
    );
    const row = (await this.tokens.findById(id, manager))!;
    await recordIdentityEvent(manager, principal.actor, requestId, 'token.created', { type: 'api-token', id }, {
      owner: row.username,
      name: row.name,
      prefix: row.lookup_prefix,
      scopes: row.scopes,
      expiresAt: row.expires_at?.toISOString() ?? null,
    });
    return { token: value, apiToken: toApiTokenModel(row) };
  }

  async list(user: string | null | undefined, principal: Principal): Promise<ApiToken[]> {
    const isAdmin = principal.roles.includes(Role.ADMIN);
    const username = user ?? (isAdmin ? null : principal.username);
    if (!isAdmin && username !== principal.username) {
      throw new IdentityException(IdentityErrorReason.NOT_OWNER, 'Only an admin may list the tokens of someone else.');
    }
    let userId: string | null = null;
    if (username) {
      const owner = await this.users.findByUsername(username);
      if (!owner) throw userNotFound(username);
      userId = owner.id;
    }
    return (await this.tokens.list(userId)).map(toApiTokenModel);
  }

  revoke(input: RevokeApiTokenInput, principal: Principal, requestId: string | null): Promise<ApiToken> {
    return this.tokens.transaction(async (manager) => {
      const row = await this.tokens.findById(input.id, manager);
      const isAdmin = principal.roles.includes(Role.ADMIN) && principal.scopes.includes(TokenScope.ADMIN);
      // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
      if (!row || (!isAdmin && row.user_id !== principal.userId)) {
        throw new IdentityException(IdentityErrorReason.TOKEN_NOT_FOUND, `No token with id ${input.id} that you may revoke.`);
      }
      if (row.revoked_at) {
        throw new IdentityException(IdentityErrorReason.TOKEN_REVOKED, `Token ${row.lookup_prefix}… was already revoked at ${row.revoked_at.toISOString()}.`);
      }
      await this.tokens.revoke(row.id, manager);
      await recordIdentityEvent(manager, principal.actor, requestId, 'token.revoked', { type: 'api-token', id: row.id }, {
        owner: row.username,
        name: row.name,
        prefix: row.lookup_prefix,
      });
      return toApiTokenModel((await this.tokens.findById(row.id, manager))!);
    });
  }
}
