import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';

/** A migration class as TypeORM expects it. Each service exports its own, append-only. */
export type MigrationClass = new () => MigrationInterface;

/** The one table that records which migrations of every service ran. */
export const MIGRATIONS_TABLE = 'gatehouse_migrations';

// Any fixed number: every replica that starts takes the same lock before migrating.
const MIGRATION_LOCK_KEY = 4_187_220_611;

/**
 * Runs pending migrations of every service under a session-level advisory lock, so that
 * replicas starting together migrate one after the other; each migration in its own
 * transaction. Returns the names it ran.
 */
export async function runMigrations(databaseUrl: string, migrations: MigrationClass[]): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      migrations,
      migrationsTableName: MIGRATIONS_TABLE,
      migrationsTransactionMode: 'each',
      logging: false,
    });
    await dataSource.initialize();
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** Reverts the most recent `count` migrations (for `npm run migrate -- --down` and tests). */
export async function revertMigrations(databaseUrl: string, migrations: MigrationClass[], count: number): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    logging: false,
  });
  await dataSource.initialize();
  try {
    for (let i = 0; i < count; i++) await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Names of migrations known to the code that the database has not run yet. */
export async function pendingMigrations(dataSource: DataSource, migrations: MigrationClass[]): Promise<string[]> {
  const rows: { name: string }[] = await dataSource
    .query(`SELECT name FROM ${MIGRATIONS_TABLE}`)
    .catch(() => []);
  const done = new Set(rows.map((r) => r.name));
  return migrations.map((m) => m.name).filter((name) => !done.has(name));
}
