import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, type PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { EvidenceKind } from './evidence-kind';
import type { EvidencePayload, EvidenceRow } from './evidence.model';

const COLUMNS = 'id, seq, change_id, kind, payload, source, url, attached_by, created_at';

/**
 * The current evidence of the change whose id is the SQL expression `changeId` (what current()
 * reads), as one JSON array: a subquery for a caller that reads it with other things in one
 * statement. evidenceRowsOfJson turns the array back into rows.
 */
export function currentEvidenceJsonOf(changeId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', x.id, 'seq', x.seq::text, 'change_id', x.change_id, 'kind', x.kind, 'payload', x.payload,
                                                     'source', x.source, 'url', x.url, 'attached_by', x.attached_by, 'created_at', x.created_at)
                                   ORDER BY x.kind, x.check_name NULLS FIRST), '[]'::json)
             FROM (SELECT DISTINCT ON (kind, coalesce(check_name, '')) ${COLUMNS}, check_name
                     FROM pipelines.evidence WHERE change_id = ${changeId}
                    ORDER BY kind, coalesce(check_name, ''), seq DESC) x)`;
}

/** Rows from currentEvidenceJsonOf's array: as current() returns them. */
export function evidenceRowsOfJson(rows: (Omit<EvidenceRow, 'created_at'> & { created_at: string })[]): EvidenceRow[] {
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at) }));
}

/** EvidenceRepository is the only place that queries evidence; rows are only ever inserted. */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    evidence: { changeId: string; kind: EvidenceKind; checkName: string | null; payload: EvidencePayload; source: string | null; url: string | null; attachedBy: string },
    manager: EntityManager,
  ): Promise<EvidenceRow> {
    const rows: EvidenceRow[] = await manager.query(
      `INSERT INTO pipelines.evidence (change_id, kind, check_name, payload, source, url, attached_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [evidence.changeId, evidence.kind, evidence.checkName, JSON.stringify(evidence.payload), evidence.source, evidence.url, evidence.attachedBy],
    );
    return rows[0]!;
  }

  /** The newest evidence of each kind (of each check name, for checks), by kind then check name. */
  current(changeId: string, manager: EntityManager = this.dataSource.manager): Promise<EvidenceRow[]> {
    return preparedQuery<EvidenceRow>(
      manager,
      `SELECT ${COLUMNS} FROM (
         SELECT DISTINCT ON (kind, coalesce(check_name, '')) ${COLUMNS}, check_name
           FROM pipelines.evidence WHERE change_id = $1
          ORDER BY kind, coalesce(check_name, ''), seq DESC
       ) latest ORDER BY kind, check_name NULLS FIRST`,
      [changeId],
    );
  }

  /** The current evidence of many changes in one query (for lists of changes). */
  currentOfMany(changeIds: readonly string[]): Promise<EvidenceRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM (
         SELECT DISTINCT ON (change_id, kind, coalesce(check_name, '')) ${COLUMNS}, check_name
           FROM pipelines.evidence WHERE change_id = ANY($1::uuid[])
          ORDER BY change_id, kind, coalesce(check_name, ''), seq DESC
       ) latest ORDER BY change_id, kind, check_name NULLS FIRST`,
      [changeIds],
    );
  }

  /** One page of every piece of evidence of the change, newest first by `seq` (the cursor key). */
  async page(changeId: string, request: PageRequest): Promise<{ rows: EvidenceRow[]; totalCount: number }> {
    const [{ count }] = (await this.dataSource.query('SELECT count(*)::int AS count FROM pipelines.evidence WHERE change_id = $1', [changeId])) as {
      count: number;
    }[];
    const rows: EvidenceRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM pipelines.evidence WHERE change_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
      [changeId, request.after ?? null, request.first + 1],
    );
    return { rows, totalCount: count! };
  }
}
