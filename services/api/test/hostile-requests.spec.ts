import { generatePrivateKeyPem } from '@gatehouse/audit';
import { startTestApp, type TestApp } from './support/test-app';

async function raw(api: TestApp, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.rootToken}`, ...headers },
    body,
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

async function stillServes(api: TestApp): Promise<void> {
  const { data, errors } = await api.graphql<{ me: { username: string } }>('{ me { username } }');
  expect(errors).toBeUndefined();
  expect(data!.me.username).toBe('root');
}

describe('hostile requests are refused before execution, and the server keeps serving', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.close());
  afterEach(() => stillServes(api));

  it('refuses a query nested deeper than 15 levels', async () => {
    const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(14)}name${' }'.repeat(14)} } } } } }`;
    const { status, errors } = await api.graphql(deep);
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses an alias flood', async () => {
    const flood = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: me { username }`).join(' ')} }`;
    const { status, errors } = await api.graphql(flood);
    expect(status).toBe(400);
    expect(errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a query whose cost is too high', async () => {
    const expensive = `{ ${Array.from({ length: 12 }, (_, i) => `a${i}: applications(first: 100) { edges { node { id name team description environments { id name tier timezone regulated position } } } }`).join(' ')} }`;
    const { status, errors } = await api.graphql(expensive);
    expect(status).toBe(400);
    expect(errors?.[0]?.message).toMatch(/cost/i);
  });

  it('refuses a huge page before execution (cost), and a page above 100 with VALIDATION_FAILED', async () => {
    const huge = await api.graphql('{ applications(first: 1000000) { totalCount } }');
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.message).toMatch(/cost/i);
    const large = await api.graphql('{ applications(first: 101) { totalCount } }');
    expect(large.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'first' }] });
  });

  it('refuses batched operations', async () => {
    const batch = await raw(api, JSON.stringify([{ query: '{ me { username } }' }, { query: '{ me { username } }' }]));
    expect(batch.status).toBe(400);
    expect(batch.body).not.toContain('"root"');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const huge = await raw(api, JSON.stringify({ query: `{ me { username } } # ${'x'.repeat(2 * 1024 * 1024)}` }));
    expect(huge.status).toBe(413);
  });

  it('refuses malformed JSON with 400', async () => {
    const malformed = await raw(api, '{"query": "{ me { username } }"');
    expect(malformed.status).toBe(400);
  });

  it('refuses a wrong content type with 415', async () => {
    const wrongType = await raw(api, 'query={ me { username } }', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
  });

  it('refuses a syntax error with BAD_REQUEST and no stack trace', async () => {
    const { status, errors } = await api.graphql('{ me { username ');
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(errors)).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});

describe('rate limit per token', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ GATEHOUSE_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => api.close());

  it('answers 429 with Retry-After and RATE_LIMITED past the limit, counting each token on its own', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof raw>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await raw(api, JSON.stringify({ query: '{ me { username } }' }), { authorization: `Bearer ${api.rootToken}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(last!.body).errors[0].extensions.code).toBe('RATE_LIMITED');

    expect(JSON.parse(last!.body).errors[0].message).toMatch(/Rate limit of 5 requests per minute exceeded/);

    // Another credential has its own budget, even one sharing the root token's public prefix.
    const other = await raw(api, JSON.stringify({ query: '{ me { username } }' }), { authorization: `Bearer ${api.rootToken.slice(0, 12)}${'z'.repeat(40)}` });
    expect(other.status).not.toBe(429);
    expect(JSON.parse(other.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});

describe('production mode', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ NODE_ENV: 'production', GATEHOUSE_AUDIT_SIGNING_KEY: generatePrivateKeyPem() });
  });
  afterAll(() => api.close());

  it('refuses introspection and gives no "did you mean" suggestions', async () => {
    const introspection = await api.graphql('{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await api.graphql('{ me { usernam } }');
    expect(typo.errors?.[0]?.message).toContain('Cannot query field "usernam"');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('serves no GraphiQL', async () => {
    expect((await fetch(`${api.url}/graphiql`)).status).toBe(404);
  });
});
