import { startTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

interface Page {
  edges: { node: { name: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const APPLICATION_FIELDS = `id name team description archived archivedAt createdAt
  environments { id name position regulated tier timezone }`;

const CREATE = `mutation Create($input: CreateApplicationInput!) { createApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const GET = `query Get($name: String!) { application(name: $name) { ${APPLICATION_FIELDS} } }`;
const LIST = `query List($first: Int, $after: String, $includeArchived: Boolean) {
  applications(first: $first, after: $after, includeArchived: $includeArchived) {
    totalCount edges { cursor node { name archived } } pageInfo { hasNextPage endCursor }
  } }`;
const UPDATE = `mutation Update($input: UpdateEnvironmentInput!) { updateEnvironment(input: $input) { ${APPLICATION_FIELDS} } }`;
const ARCHIVE = `mutation Archive($input: ArchiveApplicationInput!) { archiveApplication(input: $input) { ${APPLICATION_FIELDS} } }`;

/** A valid createApplication input; override what a test is about. */
function applicationInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'payments-api',
    team: 'payments-platform',
    description: 'Payment initiation',
    environments: [
      { name: 'dev', regulated: false, tier: 'DEVELOPMENT', timezone: 'Europe/London' },
      { name: 'staging', tier: 'STAGING', timezone: 'Europe/London' },
      { name: 'prod', regulated: true, tier: 'PRODUCTION', timezone: 'Europe/London' },
    ],
    ...overrides,
  };
}

describe('applications over HTTP GraphQL', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.close());

  const create = (overrides: Record<string, unknown> = {}) => api.graphql(CREATE, { input: applicationInput(overrides) });

  describe('createApplication', () => {
    it('creates an application with its environments in promotion order', async () => {
      const { data, errors } = await create({ name: 'create-ok' });
      expect(errors).toBeUndefined();
      const application = (data as { createApplication: Record<string, unknown> }).createApplication;
      expect(application).toMatchObject({ name: 'create-ok', team: 'payments-platform', archived: false, archivedAt: null });
      expect(application.environments).toEqual([
        expect.objectContaining({ name: 'dev', position: 0, regulated: false, tier: 'DEVELOPMENT', timezone: 'Europe/London' }),
        expect.objectContaining({ name: 'staging', position: 1, regulated: false, tier: 'STAGING' }),
        expect.objectContaining({ name: 'prod', position: 2, regulated: true, tier: 'PRODUCTION' }),
      ]);
    });

    it('defaults the time zone to UTC and description to empty', async () => {
      const { data, errors } = await api.graphql(CREATE, {
        input: { name: 'defaults', team: 'core', environments: [{ name: 'dev', tier: 'DEVELOPMENT' }] },
      });
      expect(errors).toBeUndefined();
      expect(data).toMatchObject({ createApplication: { description: '', environments: [{ timezone: 'UTC', regulated: false }] } });
    });

    it('refuses a duplicate name with CONFLICT and keeps the first', async () => {
      await create({ name: 'taken', team: 'first-team' });
      const { errors } = await create({ name: 'taken', team: 'second-team' });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_NAME_TAKEN' });
      expect(errors?.[0]?.message).toContain('"taken" already exists');
      const { data } = await api.graphql(GET, { name: 'taken' });
      expect(data).toMatchObject({ application: { team: 'first-team' } });
    });

    it('gives exactly one winner when the same name is created concurrently', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => create({ name: 'race' })));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      for (const loser of results.filter((r) => r.errors)) expect(loser.errors?.[0]?.extensions.code).toBe('CONFLICT');
    });

    it.each([
      ['a name that is not a slug', { name: 'Payments API' }, 'input.name'],
      ['a name longer than 63 characters', { name: 'a'.repeat(64) }, 'input.name'],
      ['a name with a trailing hyphen', { name: 'payments-' }, 'input.name'],
      ['a team that is not a slug', { team: 'Payments Team' }, 'input.team'],
      ['no environments', { environments: [] }, 'input.environments'],
      ['an environment name that is not a slug', { environments: [{ name: 'Prod!', tier: 'PRODUCTION' }] }, 'input.environments[0].name'],
      ['an unknown time zone', { environments: [{ name: 'prod', tier: 'PRODUCTION', timezone: 'Mars/Olympus_Mons' }] }, 'input.environments[0].timezone'],
      ['an offset instead of a time zone', { environments: [{ name: 'prod', tier: 'PRODUCTION', timezone: '+01:00' }] }, 'input.environments[0].timezone'],
      ['a description over 2000 characters', { description: 'x'.repeat(2001) }, 'input.description'],
      [
        'two environments with one name',
        { environments: [{ name: 'dev', tier: 'DEVELOPMENT' }, { name: 'dev', tier: 'STAGING' }] },
        'input.environments[1].name',
      ],
    ])('refuses %s with VALIDATION_FAILED naming the field', async (_, overrides, path) => {
      const { errors, data } = await create({ name: 'invalid-app', ...overrides });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect(errors?.[0]?.extensions.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(errors?.[0]?.extensions.requestId).toEqual(expect.any(String));
      const after = await api.graphql(GET, { name: 'invalid-app' });
      expect(after.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    });

    it('reports every bad field at once', async () => {
      const { errors } = await create({ name: 'Bad Name', team: 'Bad Team', environments: [{ name: 'dev', tier: 'DEVELOPMENT', timezone: 'Nowhere' }] });
      const paths = (errors?.[0]?.extensions.fields as { path: string }[]).map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['input.name', 'input.team', 'input.environments[0].timezone']));
    });

    it('refuses an unknown tier with VALIDATION_FAILED before running', async () => {
      const { errors } = await create({ environments: [{ name: 'dev', tier: 'SANDBOX' }] });
      expect(errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      expect(errors?.[0]?.message).toContain('SANDBOX');
    });
  });

  describe('application', () => {
    it('returns one application by name', async () => {
      await create({ name: 'get-me' });
      const { data, errors } = await api.graphql(GET, { name: 'get-me' });
      expect(errors).toBeUndefined();
      expect(data).toMatchObject({ application: { name: 'get-me', environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] } });
    });

    it('answers NOT_FOUND for an unknown application', async () => {
      const { errors } = await api.graphql(GET, { name: 'no-such-app' });
      expect(errors?.[0]).toMatchObject({ message: 'No application named "no-such-app".', extensions: { code: 'NOT_FOUND' } });
    });
  });

  describe('applications', () => {
    it('pages through all applications by name with cursors', async () => {
      for (const name of ['page-c', 'page-a', 'page-b']) await create({ name });
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const response: GraphQLResponse<{ applications: Page }> = await api.graphql(LIST, { first: 2, after });
        expect(response.errors).toBeUndefined();
        const page: Page = response.data!.applications;
        expect(page.edges.length).toBeLessThanOrEqual(2);
        seen.push(...page.edges.map((e) => e.node.name));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        pages++;
      } while (after && pages < 50);
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it.each([
      ['first above 100', { first: 101 }, 'first'],
      ['first of 0', { first: 0 }, 'first'],
      ['a forged cursor', { after: 'not-a-cursor!' }, 'after'],
    ])('refuses %s with VALIDATION_FAILED', async (_, variables, path) => {
      const { errors } = await api.graphql(LIST, variables);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ path })] });
    });
  });

  describe('updateEnvironment', () => {
    it('changes only the given attributes', async () => {
      await create({ name: 'update-me' });
      const { data, errors } = await api.graphql(UPDATE, {
        input: { application: 'update-me', environment: 'staging', regulated: true, timezone: 'America/New_York' },
      });
      expect(errors).toBeUndefined();
      const environments = (data as { updateEnvironment: { environments: Record<string, unknown>[] } }).updateEnvironment.environments;
      expect(environments[1]).toMatchObject({ name: 'staging', regulated: true, tier: 'STAGING', timezone: 'America/New_York' });
      expect(environments[0]).toMatchObject({ name: 'dev', regulated: false, timezone: 'Europe/London' });
    });

    it('answers NOT_FOUND for an unknown environment, naming the ones that exist', async () => {
      await create({ name: 'update-missing-env' });
      const { errors } = await api.graphql(UPDATE, { input: { application: 'update-missing-env', environment: 'qa', regulated: true } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'ENVIRONMENT_NOT_FOUND' });
      expect(errors?.[0]?.message).toContain('dev, staging, prod');
    });

    it('answers NOT_FOUND for an unknown application', async () => {
      const { errors } = await api.graphql(UPDATE, { input: { application: 'ghost', environment: 'dev', regulated: true } });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'APPLICATION_NOT_FOUND' });
    });

    it('refuses an update that changes nothing, and a bad time zone', async () => {
      await create({ name: 'update-invalid' });
      const empty = await api.graphql(UPDATE, { input: { application: 'update-invalid', environment: 'dev' } });
      expect(empty.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
      const zone = await api.graphql(UPDATE, { input: { application: 'update-invalid', environment: 'dev', timezone: 'Europe/Atlantis' } });
      expect(zone.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.timezone' }] });
    });
  });

  describe('archiveApplication', () => {
    it('archives, hides it from the default list, and refuses further changes with CONFLICT', async () => {
      await create({ name: 'archive-me' });
      const archived = await api.graphql(ARCHIVE, { input: { name: 'archive-me' } });
      expect(archived.errors).toBeUndefined();
      expect(archived.data).toMatchObject({ archiveApplication: { archived: true, archivedAt: expect.any(String) } });

      const listed = await api.graphql<{ applications: { edges: { node: { name: string } }[] } }>(LIST, { first: 100 });
      expect(listed.data!.applications.edges.map((e) => e.node.name)).not.toContain('archive-me');
      const withArchived = await api.graphql<{ applications: { edges: { node: { name: string } }[] } }>(LIST, { first: 100, includeArchived: true });
      expect(withArchived.data!.applications.edges.map((e) => e.node.name)).toContain('archive-me');

      const again = await api.graphql(ARCHIVE, { input: { name: 'archive-me' } });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_ARCHIVED' });
      const update = await api.graphql(UPDATE, { input: { application: 'archive-me', environment: 'dev', regulated: true } });
      expect(update.errors?.[0]?.extensions.code).toBe('CONFLICT');
      const reuse = await create({ name: 'archive-me' });
      expect(reuse.errors?.[0]?.extensions.code).toBe('CONFLICT');
    });

    it('answers NOT_FOUND for an unknown application', async () => {
      const { errors } = await api.graphql(ARCHIVE, { input: { name: 'ghost' } });
      expect(errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    });
  });

  describe('malformed requests', () => {
    it('answers BAD_REQUEST for a field that does not exist, with a request id header', async () => {
      const response = await api.graphql('{ applications { nope } }');
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
      expect(response.headers.get('x-request-id')).toBe(response.errors?.[0]?.extensions.requestId);
    });

    it('echoes a sane X-Request-Id from the caller', async () => {
      const response = await api.graphql(GET, { name: 'ghost' }, { 'x-request-id': 'ci-run-42' });
      expect(response.headers.get('x-request-id')).toBe('ci-run-42');
      expect(response.errors?.[0]?.extensions.requestId).toBe('ci-run-42');
    });
  });
});
