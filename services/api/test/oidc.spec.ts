import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CookieJar, startOidcTestProvider, type OidcTestProvider } from './support/oidc-test-provider';
import { startTestApp, type TestApp } from './support/test-app';

const PUBLIC_URL = 'http://gatehouse.test';
const CLIENT = { clientId: 'gatehouse', clientSecret: randomBytes(32).toString('base64url'), redirectUri: `${PUBLIC_URL}/auth/oidc/callback` };
const ME = '{ me { username displayName email roles groups } }';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OIDC single sign-on against a real provider', () => {
  let idp: OidcTestProvider;
  let api: TestApp;
  let db: Client;

  beforeAll(async () => {
    idp = await startOidcTestProvider(CLIENT);
    api = await startTestApp({
      GATEHOUSE_PUBLIC_URL: PUBLIC_URL,
      GATEHOUSE_OIDC_ISSUER: idp.issuer,
      GATEHOUSE_OIDC_CLIENT_ID: CLIENT.clientId,
      GATEHOUSE_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      GATEHOUSE_OIDC_GROUP_MAP: 'Payments Leads=payments-leads,CAB=change-advisory-board',
    });
    db = new Client({ connectionString: api.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
    await idp?.close();
  });

  const auditEvents = async (action: string): Promise<{ actor_id: string; subject_id: string; data: Record<string, unknown> }[]> =>
    (await db.query('SELECT actor_id, subject_id, data FROM audit.event WHERE action = $1 ORDER BY occurred_at', [action])).rows;
  const asAdmin = () => ({ authorization: `Bearer ${api.adminToken}` });

  /** The API's answer to a browser arriving where the provider sent it (the public URL maps onto the test server). */
  const arrive = (jar: CookieJar, url: URL) => jar.fetch(`${api.url}${url.pathname}${url.search}`);

  const startSignIn = async (jar: CookieJar, returnTo = '/promotions'): Promise<string> => {
    const started = await jar.fetch(`${api.url}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(started.status).toBe(302);
    return started.headers.get('location')!;
  };

  const signIn = async (accountId: string, returnTo = '/promotions') => {
    const jar = new CookieJar();
    const authorizationUrl = await startSignIn(jar, returnTo);
    const callback = await idp.signIn(authorizationUrl, accountId);
    const done = await arrive(jar, callback);
    return { jar, authorizationUrl: new URL(authorizationUrl), callback, done };
  };

  const meWith = (jar: CookieJar) => api.graphql<{ me: Record<string, unknown> }>(ME, {}, { authorization: '', cookie: `gatehouse_session=${jar.get('gatehouse_session')}` });

  describe('GET /auth/oidc/login', () => {
    it('sends the browser to the provider with the code flow, PKCE S256, state and nonce, and seals them in an HTTP-only cookie', async () => {
      const jar = new CookieJar();
      const started = await jar.fetch(`${api.url}/auth/oidc/login?returnTo=%2Fchanges%3Fapp%3Dpayments`);
      expect(started.status).toBe(302);
      const url = new URL(started.headers.get('location')!);
      expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/auth`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: CLIENT.clientId,
        redirect_uri: CLIENT.redirectUri,
        response_type: 'code',
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        state: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      });
      expect(url.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'groups']));

      const cookie = started.headers.getSetCookie().find((line) => line.startsWith('__Host-gatehouse_oidc='))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Secure/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//i);
      // Sealed: neither the PKCE verifier's challenge input nor the state can be read from it.
      expect(cookie).not.toContain(url.searchParams.get('state')!);
      expect(cookie).not.toContain('/changes');
    });

    it.each(['https://evil.example/', '//evil.example/path', '/\\evil.example', 'evil.example', '/\t/evil.example', 'javascript:alert(1)'])(
      'refuses the open redirect returnTo=%j before anything else',
      async (returnTo) => {
        const response = await fetch(`${api.url}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
        expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST', reason: 'OIDC_RETURN_TO_INVALID' });
      },
    );
  });

  describe('GET /auth/oidc/callback', () => {
    it('creates the person on first sign-in, maps their IdP groups, opens a session and returns them to returnTo', async () => {
      await idp.setAccount('alice-sub', {
        preferred_username: 'Alice',
        name: 'Alice Example',
        email: 'alice@bank.example',
        email_verified: true,
        groups: ['Payments Leads', 'Some Unmapped IdP Group'],
      });
      const { done, callback, jar } = await signIn('alice-sub');

      expect(`${callback.origin}${callback.pathname}`).toBe(CLIENT.redirectUri);
      expect(done.status).toBe(302);
      expect(done.headers.get('location')).toBe(`${PUBLIC_URL}/promotions`);
      const session = done.headers.getSetCookie().find((line) => line.startsWith('gatehouse_session='))!;
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/Secure/i);
      expect(session).toMatch(/SameSite=Lax/i);
      expect(jar.get('__Host-gatehouse_oidc')).toBeUndefined(); // the flow is single-use

      const me = await meWith(jar);
      expect(me.errors).toBeUndefined();
      // New SSO users get no roles: an admin grants them.
      expect(me.data!.me).toEqual({ username: 'alice', displayName: 'Alice Example', email: 'alice@bank.example', roles: [], groups: ['payments-leads'] });

      const { rows } = await db.query('SELECT id, external_subject, password_hash FROM identity.user_account WHERE username = $1', ['alice']);
      expect(rows).toEqual([{ id: expect.any(String), external_subject: `${idp.issuer}|alice-sub`, password_hash: null }]);
      const aliceId = rows[0].id as string;

      expect((await auditEvents('user.created')).find((e) => e.subject_id === aliceId)?.data).toMatchObject({ username: 'alice', roles: [], source: 'oidc' });
      expect((await auditEvents('group.created')).map((e) => e.data)).toContainEqual(expect.objectContaining({ group: 'payments-leads', source: 'oidc' }));
      expect((await auditEvents('group.member.added')).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ group: 'payments-leads', user: 'alice', userId: aliceId, source: 'oidc' }),
      );
      const logins = (await auditEvents('user.login')).filter((e) => e.subject_id === aliceId);
      expect(logins).toHaveLength(1);
      expect(logins[0]).toMatchObject({ actor_id: aliceId, data: { username: 'alice', method: 'oidc', issuer: idp.issuer, subject: 'alice-sub' } });
    });

    it('keeps mapped groups in step with the claim on the next sign-in and never touches unmapped groups', async () => {
      await idp.setAccount('bob-sub', { preferred_username: 'bob', name: 'Bob', groups: ['Payments Leads'] });
      expect((await signIn('bob-sub')).done.status).toBe(302);
      // An admin puts Bob in a group Gatehouse manages itself.
      expect((await api.graphql('mutation { createGroup(input: { name: "release-managers" }) { id } }', {}, asAdmin())).errors).toBeUndefined();
      expect((await api.graphql('mutation { addGroupMember(input: { group: "release-managers", user: "bob" }) { id } }', {}, asAdmin())).errors).toBeUndefined();

      await idp.setAccount('bob-sub', { preferred_username: 'bob', name: 'Bob Builder', groups: ['CAB'] });
      const second = await signIn('bob-sub');
      expect(second.done.status).toBe(302);
      const me = await meWith(second.jar);
      expect(me.data!.me).toMatchObject({ username: 'bob', displayName: 'Bob Builder', groups: ['change-advisory-board', 'release-managers'] });

      const bob = (await db.query("SELECT id FROM identity.user_account WHERE external_subject LIKE '%|bob-sub'")).rows;
      expect(bob).toHaveLength(1); // the same account, found by issuer and subject
      expect((await auditEvents('group.member.removed')).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ group: 'payments-leads', user: 'bob', source: 'oidc' }),
      );
      expect((await auditEvents('group.member.removed')).map((e) => e.data)).not.toContainEqual(expect.objectContaining({ group: 'release-managers' }));
    });

    it('never links an SSO identity to a local account of the same username', async () => {
      await api.tokenFor('carol', ['ADMIN'], { password: 'local-password-of-carol' });
      await idp.setAccount('carol-at-idp', { preferred_username: 'carol', name: 'Someone Else', groups: [] });
      const { jar, done } = await signIn('carol-at-idp');
      expect(done.status).toBe(302);
      expect((await meWith(jar)).data!.me).toMatchObject({ username: 'carol-2', roles: [] });
    });

    it('refuses an answer meant for another browser (state mismatch) and records user.login.failed', async () => {
      await idp.setAccount('mallory-sub', { preferred_username: 'mallory', groups: ['CAB'] });
      // Mallory gets a code for her own sign-in, then makes the victim's browser deliver it.
      const mallory = new CookieJar();
      const stolen = await idp.signIn(await startSignIn(mallory), 'mallory-sub');
      const victim = new CookieJar();
      await startSignIn(victim);

      const response = await arrive(victim, stolen);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ reason: 'OIDC_STATE_MISMATCH' });
      expect(response.headers.getSetCookie().some((line) => line.startsWith('gatehouse_session='))).toBe(false);
      expect(victim.get('gatehouse_session')).toBeUndefined();
      expect((await db.query("SELECT count(*)::int AS n FROM identity.user_account WHERE username = 'mallory'")).rows[0].n).toBe(0);
      expect((await auditEvents('user.login.failed')).map((e) => e.data)).toContainEqual(expect.objectContaining({ method: 'oidc', reason: 'OIDC_STATE_MISMATCH' }));
    });

    it('refuses a callback without the flow cookie, or with a forged one', async () => {
      await idp.setAccount('dave-sub', { preferred_username: 'dave' });
      const jar = new CookieJar();
      const callback = await idp.signIn(await startSignIn(jar), 'dave-sub');

      const bare = await arrive(new CookieJar(), callback);
      expect(bare.status).toBe(400);
      expect(await bare.json()).toMatchObject({ reason: 'OIDC_FLOW_MISSING' });

      const forged = new CookieJar();
      const sealed = jar.get('__Host-gatehouse_oidc')!;
      const [version, iv, body, tag] = sealed.split('.');
      const flipped = Buffer.from(body!, 'base64url');
      flipped[0] = flipped[0]! ^ 1;
      forged.set('__Host-gatehouse_oidc', [version, iv, flipped.toString('base64url'), tag].join('.'));
      const tampered = await arrive(forged, callback);
      expect(tampered.status).toBe(400);
      expect(await tampered.json()).toMatchObject({ reason: 'OIDC_FLOW_MISSING' });

      // The untouched flow still works once: the code is single-use at the provider.
      expect((await arrive(jar, callback)).status).toBe(302);
    });

    it('refuses a flow older than ten minutes', async () => {
      await idp.setAccount('erin-sub', { preferred_username: 'erin' });
      const jar = new CookieJar();
      const callback = await idp.signIn(await startSignIn(jar), 'erin-sub');
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 11 * 60_000);
      let response: Response;
      try {
        response = await arrive(jar, callback);
      } finally {
        clock.mockRestore();
      }
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ reason: 'OIDC_FLOW_EXPIRED' });
    });

    it('answers 401 when the person declines at the provider', async () => {
      const jar = new CookieJar();
      const callback = await idp.decline(await startSignIn(jar));
      expect(callback.searchParams.get('error')).toBe('access_denied');
      const response = await arrive(jar, callback);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'OIDC_PROVIDER_REFUSED' });
      expect((await auditEvents('user.login.failed')).map((e) => e.data)).toContainEqual(expect.objectContaining({ method: 'oidc', reason: 'OIDC_PROVIDER_REFUSED' }));
    });

    it('refuses a replayed callback once the code was used', async () => {
      await idp.setAccount('frank-sub', { preferred_username: 'frank' });
      const jar = new CookieJar();
      const started = await startSignIn(jar);
      const flow = jar.get('__Host-gatehouse_oidc')!;
      const callback = await idp.signIn(started, 'frank-sub');
      expect((await arrive(jar, callback)).status).toBe(302);

      jar.set('__Host-gatehouse_oidc', flow); // an attacker who kept the cookie and the URL
      const replay = await arrive(jar, callback);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ reason: 'OIDC_TOKEN_INVALID' });
    });
  });
});

describe('OIDC single sign-on when the provider is unreachable or not configured', () => {
  it('keeps serving local login and answers /auth/oidc/login with 503 and the reason', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const api = await startTestApp({ GATEHOUSE_PUBLIC_URL: PUBLIC_URL, GATEHOUSE_OIDC_ISSUER: issuer, GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse' });
    try {
      const response = await fetch(`${api.url}/auth/oidc/login`, { redirect: 'manual' });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { reason: string; message: string };
      expect(body.reason).toBe('OIDC_UNAVAILABLE');
      expect(body.message).toContain(`the issuer ${issuer}`);
      expect(body.message).toContain('could not be discovered');

      await api.tokenFor('local-lee', ['VIEWER'], { password: 'a-long-local-password' });
      const login = await api.graphql('mutation { login(input: { username: "local-lee", password: "a-long-local-password" }) { user { username } } }', {}, { authorization: '' });
      expect(login.errors).toBeUndefined();
      expect(login.data).toEqual({ login: { user: { username: 'local-lee' } } });
    } finally {
      await api.close();
    }
  });

  it('answers 404 when single sign-on is not configured', async () => {
    const api = await startTestApp();
    try {
      const response = await fetch(`${api.url}/auth/oidc/login`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ reason: 'OIDC_NOT_CONFIGURED' });
    } finally {
      await api.close();
    }
  });
});
