import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChangeWindowKind } from './change-window-kind';

/** ChangeWindowRow is a stored window with its application, environment and time zone; times are local ISO strings. */
export interface ChangeWindowRow {
  id: string;
  application: string;
  environment: string;
  timezone: string;
  name: string;
  kind: ChangeWindowKind;
  start: string;
  end: string | null;
  rrule: string | null;
  duration: string | null;
  reason: string;
  created_by: string;
  created_at: Date;
}

/** EnvironmentRef is what managing windows needs to know of an environment. */
export interface EnvironmentRef {
  applicationId: string;
  application: string;
  archivedAt: Date | null;
  environmentId: string | null;
  environment: string | null;
  timezone: string | null;
  environments: string[];
}

const LOCAL = `'YYYY-MM-DD"T"HH24:MI:SS'`;
const SELECT_WINDOW = `
  SELECT w.id, a.name AS application, e.name AS environment, e.timezone, w.name, w.kind,
         to_char(w.starts_local, ${LOCAL}) AS start, to_char(w.ends_local, ${LOCAL}) AS "end",
         w.rrule, w.duration, w.reason, w.created_by, w.created_at
    FROM pipelines.change_window w
    JOIN pipelines.environment e ON e.id = w.environment_id
    JOIN pipelines.application a ON a.id = e.application_id`;

/**
 * The windows in force of the environment whose id is the SQL expression `environmentId` (what
 * active() reads), as one JSON array: a subquery for a caller that reads them with other things
 * in one statement. windowRowsOfJson turns the array back into rows.
 */
export function activeWindowsJsonOf(environmentId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', x.id, 'application', x.application, 'environment', x.environment, 'timezone', x.timezone,
                                                     'name', x.name, 'kind', x.kind, 'start', x.start, 'end', x."end", 'rrule', x.rrule,
                                                     'duration', x.duration, 'reason', x.reason, 'created_by', x.created_by, 'created_at', x.created_at)
                                   ORDER BY x.name), '[]'::json)
             FROM (${SELECT_WINDOW} WHERE w.environment_id = ${environmentId} AND w.deleted_at IS NULL) x)`;
}

/** Rows from activeWindowsJsonOf's array: as active() returns them. */
export function windowRowsOfJson(rows: (Omit<ChangeWindowRow, 'created_at'> & { created_at: string })[]): ChangeWindowRow[] {
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at) }));
}

/** ChangeWindowRepository is the only place that queries change windows. */
@Injectable()
export class ChangeWindowRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The application and one of its environments; locks the environment row when a manager is
   * given, so that concurrent creations in one environment count and name-check one at a time.
   */
  async findEnvironment(application: string, environment: string, manager?: EntityManager): Promise<EnvironmentRef | null> {
    const rows: { application_id: string; application: string; archived_at: Date | null; environments: string[] }[] = await (
      manager ?? this.dataSource.manager
    ).query(
      `SELECT a.id AS application_id, a.name AS application, a.archived_at,
              array(SELECT name FROM pipelines.environment WHERE application_id = a.id ORDER BY position) AS environments
         FROM pipelines.application a WHERE a.name = $1`,
      [application],
    );
    const app = rows[0];
    if (!app) return null;
    const environments: { id: string; name: string; timezone: string }[] = await (manager ?? this.dataSource.manager).query(
      `SELECT id, name, timezone FROM pipelines.environment WHERE application_id = $1 AND name = $2${manager ? ' FOR UPDATE' : ''}`,
      [app.application_id, environment],
    );
    const env = environments[0];
    return {
      applicationId: app.application_id,
      application: app.application,
      archivedAt: app.archived_at,
      environmentId: env?.id ?? null,
      environment: env?.name ?? null,
      timezone: env?.timezone ?? null,
      environments: app.environments,
    };
  }

  /** The windows in force (not deleted) of an environment, by name. */
  active(environmentId: string, manager: EntityManager = this.dataSource.manager): Promise<ChangeWindowRow[]> {
    return preparedQuery<ChangeWindowRow>(manager, `${SELECT_WINDOW} WHERE w.environment_id = $1 AND w.deleted_at IS NULL ORDER BY w.name`, [environmentId]);
  }

  async insert(
    window: { environmentId: string; name: string; kind: ChangeWindowKind; start: string; end: string | null; rrule: string | null; duration: string | null; reason: string; createdBy: string },
    manager: EntityManager,
  ): Promise<ChangeWindowRow> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO pipelines.change_window (environment_id, name, kind, starts_local, ends_local, rrule, duration, reason, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [window.environmentId, window.name, window.kind, window.start, window.end, window.rrule, window.duration, window.reason, window.createdBy],
    );
    const [row] = (await manager.query(`${SELECT_WINDOW} WHERE w.id = $1`, [rows[0]!.id])) as ChangeWindowRow[];
    return row!;
  }

  /** Marks a window deleted; null when there is no such window in force. */
  async markDeleted(id: string, deletedBy: string, manager: EntityManager): Promise<ChangeWindowRow | null> {
    // UPDATE … RETURNING through manager.query answers [rows, count]; a CTE gives plain rows.
    const deleted: { id: string }[] = await manager.query(
      `WITH deleted AS (
         UPDATE pipelines.change_window SET deleted_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id
       ) SELECT id FROM deleted`,
      [id, deletedBy],
    );
    if (deleted.length === 0) return null;
    const [row] = (await manager.query(`${SELECT_WINDOW} WHERE w.id = $1`, [id])) as ChangeWindowRow[];
    return row ?? null;
  }
}
