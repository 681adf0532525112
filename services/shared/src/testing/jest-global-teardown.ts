import { rm } from 'node:fs/promises';
import type { EmbeddedPostgres } from '../database/embedded-postgres';

/** Stops the embedded PostgreSQL that the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>).__GATEHOUSE_TEST_PG__ as
    | { server: EmbeddedPostgres; dir: string }
    | undefined;
  if (!started) return;
  await started.server.stop();
  await rm(started.dir, { recursive: true, force: true });
}
