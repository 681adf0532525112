import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, type PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChangeContent, Commit } from './change.model';

/** ChangeRow is a stored change joined with its application's name. */
export interface ChangeRow {
  id: string;
  seq: string;
  application: string;
  version: string;
  content_hash: string;
  artifact_digest: string;
  title: string;
  ticket: string | null;
  labels: string[];
  changed_paths: string[];
  lines_added: number;
  lines_removed: number;
  registered_by: string;
  created_at: Date;
}

/** ApplicationRef is what registering a change needs to know of its application. */
export interface ApplicationRef {
  id: string;
  name: string;
  archivedAt: Date | null;
}

const SELECT_CHANGE = `
  SELECT c.id, c.seq, a.name AS application, c.version, c.content_hash, c.artifact_digest, c.title, c.ticket,
         c.labels, c.changed_paths, c.lines_added, c.lines_removed, c.registered_by, c.created_at
    FROM pipelines.change c JOIN pipelines.application a ON a.id = c.application_id`;

/**
 * The commits of the change whose id is the SQL expression `changeId`, in registered order, as
 * one JSON array of {sha, author, message}: a subquery for a caller that reads a change together
 * with other things in one statement (a promotion request).
 */
export function commitsJsonOf(changeId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('sha', m.sha, 'author', m.author, 'message', m.message) ORDER BY m.position), '[]'::json)
             FROM pipelines.change_commit m WHERE m.change_id = ${changeId})`;
}

/** ChangeRepository is the only place that queries changes and their commits. */
@Injectable()
export class ChangeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; everything an action writes (audit included) goes through it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Reads the application and holds a share lock on it, so it cannot be archived under a registration. */
  async findApplicationForShare(name: string, manager: EntityManager): Promise<ApplicationRef | null> {
    const rows: { id: string; name: string; archived_at: Date | null }[] = await manager.query(
      'SELECT id, name, archived_at FROM pipelines.application WHERE name = $1 FOR SHARE',
      [name],
    );
    const row = rows[0];
    return row ? { id: row.id, name: row.name, archivedAt: row.archived_at } : null;
  }

  async findApplicationId(name: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM pipelines.application WHERE name = $1', [name]);
    return rows[0]?.id ?? null;
  }

  /**
   * Inserts the change unless its (application, version) exists; returns its id, or null when
   * another registration holds the version (a concurrent one is waited for, then seen).
   */
  async insert(
    applicationId: string,
    version: string,
    contentHash: string,
    content: ChangeContent,
    registeredBy: string,
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO pipelines.change (application_id, version, content_hash, artifact_digest, title, ticket, labels, changed_paths,
                                     lines_added, lines_removed, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (application_id, version) DO NOTHING
       RETURNING id`,
      [
        applicationId,
        version,
        contentHash,
        content.artifactDigest,
        content.title,
        content.ticket,
        content.labels,
        content.changedPaths,
        content.linesAdded,
        content.linesRemoved,
        registeredBy,
      ],
    );
    const id = rows[0]?.id ?? null;
    if (id !== null) {
      await manager.query(
        `INSERT INTO pipelines.change_commit (change_id, position, sha, author, message)
         SELECT $1, ordinality - 1, sha, author, message
           FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS c(sha, author, message, ordinality)`,
        [id, content.commits.map((c) => c.sha), content.commits.map((c) => c.author), content.commits.map((c) => c.message)],
      );
    }
    return id;
  }

  async findByVersion(applicationId: string, version: string, manager: EntityManager): Promise<ChangeRow | null> {
    const rows: ChangeRow[] = await manager.query(`${SELECT_CHANGE} WHERE c.application_id = $1 AND c.version = $2`, [applicationId, version]);
    return rows[0] ?? null;
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ChangeRow | null> {
    const rows = await preparedQuery<ChangeRow>(manager, `${SELECT_CHANGE} WHERE c.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The commits of each change, in registered order. */
  async commitsOf(changeIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, Commit[]>> {
    const byChange = new Map<string, Commit[]>(changeIds.map((id) => [id, []]));
    if (changeIds.length === 0) return byChange;
    const rows = await preparedQuery<{ change_id: string; sha: string; author: string; message: string }>(
      manager,
      'SELECT change_id, sha, author, message FROM pipelines.change_commit WHERE change_id = ANY($1::uuid[]) ORDER BY change_id, position',
      [changeIds],
    );
    for (const row of rows) byChange.get(row.change_id)!.push({ sha: row.sha, author: row.author, message: row.message });
    return byChange;
  }

  /** One page, newest first by `seq` (the cursor key). */
  async page(applicationId: string | null, request: PageRequest): Promise<{ rows: ChangeRow[]; totalCount: number }> {
    const params: unknown[] = [applicationId];
    const [{ count }] = (await this.dataSource.query(
      'SELECT count(*)::int AS count FROM pipelines.change WHERE $1::uuid IS NULL OR application_id = $1',
      params,
    )) as { count: number }[];
    const rows: ChangeRow[] = await this.dataSource.query(
      `${SELECT_CHANGE}
        WHERE ($1::uuid IS NULL OR c.application_id = $1) AND ($2::bigint IS NULL OR c.seq < $2)
        ORDER BY c.seq DESC LIMIT $3`,
      [applicationId, request.after ?? null, request.first + 1],
    );
    return { rows, totalCount: count! };
  }
}
