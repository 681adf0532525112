import { Client } from 'pg';
import { MIGRATIONS_TABLE, createTestDatabase, revertMigrations, runMigrations, type TestDatabase } from '@gatehouse/shared';
import { allMigrations } from '../src/migrations';

async function schemaState(url: string): Promise<{ schemas: string[]; tables: string[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const schemas = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname IN ('pipelines', 'policy', 'audit') ORDER BY nspname",
    );
    const tables = await client.query<{ name: string }>(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema IN ('pipelines', 'policy', 'audit') ORDER BY 1",
    );
    return { schemas: schemas.rows.map((r) => r.nspname), tables: tables.rows.map((r) => r.name) };
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  it('creates one schema per service and records every migration', async () => {
    const ran = await runMigrations(database.url, allMigrations);
    expect(ran).toEqual(allMigrations.map((m) => m.name));
    const state = await schemaState(database.url);
    expect(state.schemas).toEqual(['audit', 'pipelines', 'policy']);
    expect(state.tables).toEqual(expect.arrayContaining(['pipelines.application', 'pipelines.environment']));
    expect(await runMigrations(database.url, allMigrations)).toEqual([]);
  });

  it('reverts every migration with its down, leaving an empty database, and re-applies cleanly', async () => {
    await runMigrations(database.url, allMigrations);
    await revertMigrations(database.url, allMigrations, allMigrations.length);
    expect(await schemaState(database.url)).toEqual({ schemas: [], tables: [] });
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
    await client.end();
    expect(rows[0].n).toBe(0);
    expect(await runMigrations(database.url, allMigrations)).toHaveLength(allMigrations.length);
  });

  it('lets replicas that start together migrate one at a time (advisory lock)', async () => {
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(database.url, allMigrations)));
    expect(results.flat().sort()).toEqual(allMigrations.map((m) => m.name).sort());
  });
});
