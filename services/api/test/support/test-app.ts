import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IdentityBootstrap } from '@gatehouse/identity';
import { ALL_ROLES, createTestDatabase, loadConfig, runMigrations, type Config, type Role, type TestDatabase } from '@gatehouse/shared';
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
  /** The bootstrap admin's token (role ADMIN, scopes READ WRITE ADMIN). */
  adminToken: string;
  /** A token of a test user holding every role, sent by `graphql()` unless headers say otherwise. */
  rootToken: string;
  /** POSTs a GraphQL request as the root test user; pass `{ authorization: '' }` to send none. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Creates a user with these roles (and groups) and returns a token with the given scopes. */
  tokenFor(username: string, roles: (Role | `${Role}`)[], options?: { scopes?: string[]; groups?: string[]; password?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Boots the real app over real HTTP on its own database; `close()` stops it and drops the database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  await runMigrations(database.url, allMigrations);
  const adminToken = `test-bootstrap-token-${database.name}`.padEnd(40, 'x');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: database.url,
    GATEHOUSE_BOOTSTRAP_TOKEN: adminToken,
    GATEHOUSE_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const app = await createApp(config, database.url);
  await app.get(IdentityBootstrap).ensureAdmin();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpAdapter().getInstance().server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const post = async <T>(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: never; errors?: never };
    return { status: response.status, data: body.data ?? null, errors: body.errors, headers: response.headers };
  };
  const asAdmin = { authorization: `Bearer ${adminToken}` };
  const tokenFor: TestApp['tokenFor'] = async (username, roles, options = {}) => {
    const created = await post('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { username, displayName: username, roles, password: options.password } }, asAdmin);
    if (created.errors) throw new Error(`createUser ${username}: ${JSON.stringify(created.errors)}`);
    for (const group of options.groups ?? []) {
      await post('mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: group } }, asAdmin);
      const added = await post('mutation($input: GroupMemberInput!) { addGroupMember(input: $input) { id } }', { input: { group, user: username } }, asAdmin);
      if (added.errors) throw new Error(`addGroupMember ${group}: ${JSON.stringify(added.errors)}`);
    }
    const token = await post<{ createApiToken: { token: string } }>(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { user: username, name: `${username} test token`, scopes: options.scopes ?? ['READ', 'WRITE', 'ADMIN'] } },
      asAdmin,
    );
    if (token.errors) throw new Error(`createApiToken ${username}: ${JSON.stringify(token.errors)}`);
    return token.data!.createApiToken.token;
  };
  const rootToken = await tokenFor('root', [...ALL_ROLES]);

  return {
    url,
    app,
    database,
    config,
    adminToken,
    rootToken,
    tokenFor,
    graphql(query, variables, headers = {}) {
      const auth = 'authorization' in headers ? {} : { authorization: `Bearer ${rootToken}` };
      const sent = Object.fromEntries(Object.entries({ ...auth, ...headers }).filter(([, value]) => value !== ''));
      return post(query, variables, sent);
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
