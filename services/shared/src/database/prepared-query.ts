import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** What a node-postgres client or pool offers for a named statement. */
interface NamedQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Something a repository runs SQL on: the data source (the pool) or a manager, inside a transaction or not. */
export type PreparedTarget = DataSource | EntityManager;

const names = new Map<string, string>();

/** A statement's name: derived from its text, so one text is prepared once per connection, whoever sends it. */
export function preparedStatementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `gh_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

function poolOf(db: PreparedTarget): NamedQueryable {
  // A manager knows its data source; a data source is its own.
  const dataSource = (db as Partial<EntityManager>).dataSource ?? (db as DataSource);
  return (dataSource.driver as unknown as { master: NamedQueryable }).master;
}

/**
 * Runs a statement as a named prepared statement: PostgreSQL parses it once per connection and,
 * after a few executions, keeps a generic plan when it is no worse than the custom ones, instead
 * of parsing and planning it on every call (for the larger reads of a promotion request,
 * planning costs more than executing). Inside a transaction (a manager with a query runner) it
 * runs on that transaction's connection; otherwise on the pool. For hot, fixed statements with
 * explicit column lists (a cached plan's result type must not change under it: no `SELECT *`).
 * Errors are node-postgres's own (`code` is the SQLSTATE), not TypeORM's QueryFailedError.
 */
export async function preparedQuery<T>(db: PreparedTarget, text: string, values: unknown[]): Promise<T[]> {
  const name = preparedStatementName(text);
  const runner = (db as Partial<EntityManager>).queryRunner;
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as NamedQueryable;
    return (await client.query({ name, text, values })).rows as T[];
  }
  return (await poolOf(db).query({ name, text, values })).rows as T[];
}
