import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyDiffAction, policyPushAction, policySimulateAction } from './policy-remote.actions';

const POLICIES = join(__dirname, '../../../../policies');
const SERVER = { url: 'http://gatehouse.test', token: 'secret-token' };

/** Captures what a command writes. */
function sink() {
  const written = { out: '', err: '' };
  return { written, output: { out: (text: string) => (written.out += text), err: (text: string) => (written.err += text) } };
}

/** Answers each GraphQL call with `answer(variables)` and records the requests. */
function stubServer(answer: (variables: Record<string, unknown>) => unknown) {
  const requests: { url: string; headers: Record<string, string>; body: { query: string; variables: Record<string, unknown> } }[] = [];
  const fetchMock = jest.spyOn(global, 'fetch').mockImplementation(async (url, init) => {
    const body = JSON.parse(String(init?.body));
    requests.push({ url: String(url), headers: init?.headers as Record<string, string>, body });
    return new Response(JSON.stringify(answer(body.variables)), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { requests, fetchMock };
}

afterEach(() => jest.restoreAllMocks());

describe(policyPushAction.name, () => {
  it('publishes every policy.yaml with the token and says which were new', async () => {
    const { requests } = stubServer((variables) => {
      const document = String((variables.input as { document: string }).document);
      const name = /^name: (.+)$/m.exec(document)![1];
      return { data: { publishPolicyVersion: { created: name !== 'staging', policyVersion: { name, version: 1, hash: 'ab'.repeat(32), activeEnvironments: [] } } } };
    });
    const { written, output } = sink();
    expect(await policyPushAction(POLICIES, SERVER, {}, output)).toBe(0);
    expect(requests.map((r) => r.url)).toEqual(Array(3).fill('http://gatehouse.test/graphql'));
    expect(requests[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(requests[0]!.body.variables).toMatchObject({ input: { document: readFileSync(join(POLICIES, 'development', 'policy.yaml'), 'utf8') } });
    expect(written.out).toBe('development v1: published (abababababab)\nproduction v1: published (abababababab)\nstaging v1: unchanged (abababababab)\n');
  });

  it('prints the server\'s code and message and exits 1 when a version is refused', async () => {
    stubServer(() => ({ data: null, errors: [{ message: 'Policy "production" version 1 is already published with other content; bump the version to 2.', extensions: { code: 'CONFLICT' } }] }));
    const { written, output } = sink();
    expect(await policyPushAction(join(POLICIES, 'production'), SERVER, {}, output)).toBe(1);
    expect(written.err).toContain('CONFLICT: Policy "production" version 1 is already published with other content; bump the version to 2.');
  });

  it('reports an invalid file with its line and sends nothing for it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-push-'));
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'policy.yaml'), 'name: broken\nversion: 1\nappliesTo: { environments: [dev] }\ndefault: allow\nrules:\n  - id: typo\n    when: { "var": "change.rsik" }\n    effect: deny\n    reason: typo\n');
    const { fetchMock } = stubServer(() => ({}));
    const { written, output } = sink();
    expect(await policyPushAction(root, SERVER, { json: true }, output)).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(written.err).toMatch(/broken\/policy\.yaml:7:\d+: .*did you mean `change\.risk`\?/);
    expect(JSON.parse(written.out)).toEqual([expect.objectContaining({ status: 'invalid' })]);
  });

  it('says so when the server cannot be reached', async () => {
    jest.spyOn(global, 'fetch').mockRejectedValue(Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:4000') }));
    const { written, output } = sink();
    expect(await policyPushAction(join(POLICIES, 'staging'), SERVER, {}, output)).toBe(1);
    expect(written.err).toContain('UNREACHABLE: cannot reach http://gatehouse.test: connect ECONNREFUSED 127.0.0.1:4000');
  });
});

describe(policyDiffAction.name, () => {
  it('prints rules added, removed and changed with the changed fields', async () => {
    const { requests } = stubServer(() => ({
      data: {
        diffPolicyVersions: {
          name: 'production', from: 1, to: 2, fromHash: 'a'.repeat(64), toHash: 'b'.repeat(64), settingsChanged: ['default'], reordered: false,
          added: [{ id: 'no-friday', effect: 'require_approval', reason: 'Fridays need a release manager' }],
          removed: [{ id: 'change-freeze', effect: 'deny', reason: 'Nothing during a freeze' }],
          changed: [{ id: 'high-risk-cab', fields: ['when'], before: { when: { '>=': [{ var: 'change.risk' }, 7] } }, after: { when: { '>=': [{ var: 'change.risk' }, 5] } } }],
        },
      },
    }));
    const { written, output } = sink();
    expect(await policyDiffAction('production', 1, 2, SERVER, {}, output)).toBe(0);
    expect(requests[0]!.body.variables).toEqual({ name: 'production', from: 1, to: 2 });
    expect(written.out).toBe(
      [
        'production v1 (aaaaaaaaaaaa) → v2 (bbbbbbbbbbbb)',
        '  + no-friday (require_approval): Fridays need a release manager',
        '  - change-freeze (deny): Nothing during a freeze',
        '  ~ high-risk-cab: when',
        '      when: {">=":[{"var":"change.risk"},7]} → {">=":[{"var":"change.risk"},5]}',
        '  settings changed: default',
        '',
      ].join('\n'),
    );
  });
});

describe(policySimulateAction.name, () => {
  const result = {
    data: {
      simulatePolicy: {
        policy: 'production', candidateVersion: 2, candidateHash: 'c'.repeat(64), environment: 'prod', since: null, until: null, total: 10, changed: 3, unchanged: 7, failedClosed: 0,
        transitions: [{ label: 'auto → approval', fromOutcome: 'ALLOW', toOutcome: 'REQUIRE_APPROVAL', fromQuorum: 0, toQuorum: 1, count: 2 }, { label: 'quorum 1 → 2', fromOutcome: 'REQUIRE_APPROVAL', toOutcome: 'REQUIRE_APPROVAL', fromQuorum: 1, toQuorum: 2, count: 1 }],
        groups: [{ application: 'payments-hub', environment: 'prod', total: 10, changed: 3, transitions: [{ label: 'auto → approval', count: 2 }, { label: 'quorum 1 → 2', count: 1 }] }],
        samples: [],
      },
    },
  };

  it('replays a published version and prints what would change, by application and environment', async () => {
    const { requests } = stubServer(() => result);
    const { written, output } = sink();
    expect(await policySimulateAction('production', { candidate: '2', environment: 'prod', since: '2026-10-01T00:00:00Z' }, SERVER, output)).toBe(0);
    expect(requests[0]!.body.variables).toEqual({ input: { name: 'production', candidate: { version: 2 }, environment: 'prod', since: '2026-10-01T00:00:00Z' } });
    expect(written.out).toContain('production: candidate v2 (cccccccccccc) replayed over 10 past decisions in prod\n  3 would change, 7 unchanged\n');
    expect(written.out).toContain('payments-hub/prod: 3 of 10 (auto → approval ×2, quorum 1 → 2 ×1)');
  });

  it('sends a candidate file as an unpublished document, and prints JSON when asked', async () => {
    const { requests } = stubServer(() => result);
    const { written, output } = sink();
    const file = join(POLICIES, 'production', 'policy.yaml');
    expect(await policySimulateAction('production', { candidate: file, json: true }, SERVER, output)).toBe(0);
    expect(requests[0]!.body.variables).toMatchObject({ input: { candidate: { document: readFileSync(file, 'utf8') } } });
    expect(JSON.parse(written.out)).toEqual(result.data.simulatePolicy);
  });

  it('refuses a candidate that is neither a version nor a file', async () => {
    const { fetchMock } = stubServer(() => result);
    const { written, output } = sink();
    expect(await policySimulateAction('production', { candidate: 'nope.yaml' }, SERVER, output)).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(written.err).toContain('--candidate must be a version number or a policy.yaml file');
  });
});
