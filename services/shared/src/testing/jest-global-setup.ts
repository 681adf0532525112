import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { freePort } from './free-port';

/**
 * Gives the test run a PostgreSQL server: the one named by TEST_DATABASE_URL or DATABASE_URL,
 * else an embedded one in a temporary directory. Test files create their own databases on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-test-pg-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must be able to enter it
  const port = await freePort();
  const server = await startEmbeddedPostgres({ clusterDir: join(dir, 'cluster'), port });
  process.env.TEST_DATABASE_URL = server.url();
  (globalThis as Record<string, unknown>).__GATEHOUSE_TEST_PG__ = { server, dir };
}

