import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, type Role, type TokenScope } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiTokenRow } from './api-token.model';

/** TokenOwnerRow is a token with what authentication needs of its owner. */
export interface TokenOwnerRow {
  id: string;
  name: string;
  token_hash: Buffer;
  scopes: TokenScope[];
  expires_at: Date | null;
  revoked_at: Date | null;
  user_id: string;
  username: string;
  display_name: string;
  roles: Role[];
  disabled_at: Date | null;
}

const SELECT_TOKEN = `SELECT t.*, u.username FROM identity.api_token t JOIN identity.user_account u ON u.id = t.user_id`;

/** ApiTokenRepository is the only place that reads and writes API tokens. */
@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findByPrefix(prefix: string): Promise<ApiTokenRow | null> {
    const rows: ApiTokenRow[] = await this.dataSource.query(`${SELECT_TOKEN} WHERE t.lookup_prefix = $1`, [prefix]);
    return rows[0] ?? null;
  }

  /** The token and its owner, for authenticating one request. */
  async findForAuthentication(prefix: string): Promise<TokenOwnerRow | null> {
    const rows = await preparedQuery<TokenOwnerRow>(
      this.dataSource,
      `SELECT t.id, t.name, t.token_hash, t.scopes, t.expires_at, t.revoked_at,
              u.id AS user_id, u.username, u.display_name, u.roles, u.disabled_at
       FROM identity.api_token t JOIN identity.user_account u ON u.id = t.user_id
       WHERE t.lookup_prefix = $1`,
      [prefix],
    );
    return rows[0] ?? null;
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ApiTokenRow | null> {
    const rows: ApiTokenRow[] = await manager.query(`${SELECT_TOKEN} WHERE t.id = $1`, [id]);
    return rows[0] ?? null;
  }

  list(userId: string | null): Promise<ApiTokenRow[]> {
    return this.dataSource.query(`${SELECT_TOKEN} WHERE ($1::uuid IS NULL OR t.user_id = $1) ORDER BY t.created_at DESC LIMIT 500`, [userId]);
  }

  async insert(
    token: { userId: string; name: string; prefix: string; hash: Buffer; scopes: TokenScope[]; expiresAt: Date | null; createdBy: string | null },
    manager: EntityManager,
  ): Promise<string> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO identity.api_token (user_id, name, lookup_prefix, token_hash, scopes, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [token.userId, token.name, token.prefix, token.hash, token.scopes, token.expiresAt, token.createdBy],
    );
    return row!.id;
  }

  async revoke(id: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.api_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  }

  /** Records use at most once a minute: a write per request would cost more than it tells. */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      "UPDATE identity.api_token SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
      [id],
    );
  }
}
