import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PageRequest, Role } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserRow } from './user.model';

const SELECT_USER = `
  SELECT u.*, COALESCE(array_agg(g.name ORDER BY g.name) FILTER (WHERE g.name IS NOT NULL), '{}') AS groups
  FROM identity.user_account u
  LEFT JOIN identity.group_member m ON m.user_id = u.id
  LEFT JOIN identity.user_group g ON g.id = m.group_id`;

/** UserRepository is the only place that reads and writes users. */
@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findByUsername(username: string, manager: EntityManager = this.dataSource.manager): Promise<UserRow | null> {
    const rows: UserRow[] = await manager.query(`${SELECT_USER} WHERE u.username = $1 GROUP BY u.id`, [username]);
    return rows[0] ?? null;
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserRow | null> {
    const rows: UserRow[] = await manager.query(`${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ?? null;
  }

  /** Locks the user row for the transaction, so concurrent role changes serialise. */
  async lockByUsername(username: string, manager: EntityManager): Promise<UserRow | null> {
    const locked: { id: string }[] = await manager.query('SELECT id FROM identity.user_account WHERE username = $1 FOR UPDATE', [username]);
    return locked[0] ? this.findById(locked[0].id, manager) : null;
  }

  async page(request: PageRequest): Promise<{ rows: UserRow[]; totalCount: number }> {
    const rows: UserRow[] = await this.dataSource.query(
      `${SELECT_USER} WHERE ($1::text IS NULL OR u.username > $1) GROUP BY u.id ORDER BY u.username LIMIT $2`,
      [request.after ?? null, request.first + 1],
    );
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM identity.user_account');
    return { rows, totalCount: count };
  }

  async insert(
    user: { username: string; displayName: string; email: string | null; passwordHash: string | null; roles: Role[] },
    manager: EntityManager,
  ): Promise<UserRow> {
    const [row]: UserRow[] = await manager.query(
      `INSERT INTO identity.user_account (username, display_name, email, password_hash, roles)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [user.username, user.displayName, user.email, user.passwordHash, user.roles],
    );
    return { ...row!, groups: [] };
  }

  async setRoles(id: string, roles: Role[], manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.user_account SET roles = $2 WHERE id = $1', [id, roles]);
  }

  async countActiveAdmins(manager: EntityManager): Promise<number> {
    const [{ count }] = await manager.query(
      "SELECT count(*)::int AS count FROM identity.user_account WHERE 'ADMIN' = ANY(roles) AND disabled_at IS NULL",
    );
    return count;
  }

  async count(): Promise<number> {
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM identity.user_account');
    return count;
  }

  async touchLogin(id: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.user_account SET last_login_at = now() WHERE id = $1', [id]);
  }
}
