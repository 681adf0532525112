import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** TestDatabase is a fresh, empty database on the test server, dropped by `drop()`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server the tests use: TEST_DATABASE_URL, else DATABASE_URL (Jest's global setup sets one). */
export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'No test database server: set TEST_DATABASE_URL or DATABASE_URL, or run through Jest, whose global setup starts an embedded PostgreSQL.',
    );
  }
  return url;
}

/** Creates a uniquely named database on the test server; each integration test file gets its own. */
export async function createTestDatabase(prefix = 'gatehouse_test'): Promise<TestDatabase> {
  const server = new URL(testServerUrl());
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(server, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      }),
  };
}

async function withAdmin<T>(server: URL, work: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(server.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
