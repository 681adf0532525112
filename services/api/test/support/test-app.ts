import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, loadConfig, runMigrations, type Config, type TestDatabase } from '@gatehouse/shared';
import { createApp } from '../../src/bootstrap/create-app';
import { allMigrations } from '../../src/migrations';

/** GraphQLResponse is what the API answered: data, errors, and the HTTP status. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: string[]; extensions: Record<string, unknown> & { code: string } }[];
  headers: Headers;
}

/** TestApp is the real API on a fresh, migrated database, listening on an ephemeral port. */
export interface TestApp {
  url: string;
  app: NestFastifyApplication;
  database: TestDatabase;
  config: Config;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Boots the real app over real HTTP on its own database; `close()` stops it and drops the database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  await runMigrations(database.url, allMigrations);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: database.url, ...env });
  const app = await createApp(config, database.url);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpAdapter().getInstance().server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    database,
    config,
    async graphql(query, variables, headers) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: never; errors?: never };
      return { status: response.status, data: body.data ?? null, errors: body.errors, headers: response.headers };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
