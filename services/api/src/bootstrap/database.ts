import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type Config, type EmbeddedPostgres } from '@gatehouse/shared';

/** ResolvedDatabase is where the API keeps its data, and how to let go of it. */
export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_DATABASE = 'gatehouse';

/** Uses DATABASE_URL when set; otherwise starts the embedded PostgreSQL in the data directory. */
export async function resolveDatabase(config: Config, log: (line: string) => void): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };

  const clusterDir = join(config.dataDir, 'postgres');
  log(`No DATABASE_URL: starting the embedded PostgreSQL in ${clusterDir} on port ${config.embeddedPostgresPort}`);
  const server: EmbeddedPostgres = await startEmbeddedPostgres({ clusterDir, port: config.embeddedPostgresPort });
  try {
    const admin = new Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url(EMBEDDED_DATABASE), embedded: true, stop: () => server.stop() };
}
