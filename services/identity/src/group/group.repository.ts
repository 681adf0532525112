import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, type PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { GroupRow } from './group.model';

const SELECT_GROUP = `
  SELECT g.*, COALESCE(array_agg(u.username ORDER BY u.username) FILTER (WHERE u.username IS NOT NULL), '{}') AS members
  FROM identity.user_group g
  LEFT JOIN identity.group_member m ON m.group_id = g.id
  LEFT JOIN identity.user_account u ON u.id = m.user_id`;

/**
 * The names of the groups of the user whose id is the SQL expression `userId`, sorted (what
 * groupsOf() reads), as one text[]: a subquery for a caller that reads them with other things
 * in one statement.
 */
export function groupNamesOf(userId: string): string {
  return `(SELECT coalesce(array_agg(g.name ORDER BY g.name), '{}'::text[])
             FROM identity.group_member m JOIN identity.user_group g ON g.id = m.group_id WHERE m.user_id = ${userId})`;
}

/** GroupRepository is the only place that reads and writes groups and memberships. */
@Injectable()
export class GroupRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findByName(name: string, manager: EntityManager = this.dataSource.manager): Promise<GroupRow | null> {
    const rows: GroupRow[] = await manager.query(`${SELECT_GROUP} WHERE g.name = $1 GROUP BY g.id`, [name]);
    return rows[0] ?? null;
  }

  async page(request: PageRequest): Promise<{ rows: GroupRow[]; totalCount: number }> {
    const rows: GroupRow[] = await this.dataSource.query(
      `${SELECT_GROUP} WHERE ($1::text IS NULL OR g.name > $1) GROUP BY g.id ORDER BY g.name LIMIT $2`,
      [request.after ?? null, request.first + 1],
    );
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM identity.user_group');
    return { rows, totalCount: count };
  }

  async insert(name: string, description: string, manager: EntityManager): Promise<GroupRow> {
    const [row]: GroupRow[] = await manager.query(
      'INSERT INTO identity.user_group (name, description) VALUES ($1, $2) RETURNING *',
      [name, description],
    );
    return { ...row!, members: [] };
  }

  /** Adds a member; false when they already were one. */
  async addMember(groupId: string, userId: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      'INSERT INTO identity.group_member (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id',
      [groupId, userId],
    );
    return rows.length === 1;
  }

  /** Removes a member; false when they were not one. */
  async removeMember(groupId: string, userId: string, manager: EntityManager): Promise<boolean> {
    // As a SELECT over the DELETE, so the driver returns rows rather than [rows, count].
    const [{ removed }]: { removed: number }[] = await manager.query(
      'WITH gone AS (DELETE FROM identity.group_member WHERE group_id = $1 AND user_id = $2 RETURNING user_id) SELECT count(*)::int AS removed FROM gone',
      [groupId, userId],
    );
    return removed === 1;
  }

  /** Names of the groups a user belongs to now. */
  async groupsOf(userId: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await preparedQuery<{ name: string }>(
      manager,
      'SELECT g.name FROM identity.group_member m JOIN identity.user_group g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.name',
      [userId],
    );
    return rows.map((r) => r.name);
  }
}
