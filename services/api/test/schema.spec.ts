import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { startTestApp, type TestApp } from './support/test-app';

const SCHEMA_FILE = join(__dirname, '..', 'schema.gql');
const HEADER = '# Generated from the code-first resolvers by `npm run schema`. Do not edit by hand.\n\n';

describe('committed schema.gql', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('matches the schema the running API serves (run `npm run schema` after an API change)', () => {
    const live = printSchema(lexicographicSortSchema(app.app.get(GraphQLSchemaHost).schema));
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, `${HEADER}${live}\n`);
    const committed = printSchema(lexicographicSortSchema(buildSchema(readFileSync(SCHEMA_FILE, 'utf8'))));
    expect(committed).toBe(live);
  });
});
