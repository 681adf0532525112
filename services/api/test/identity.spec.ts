import { Client } from 'pg';
import { startTestApp, type TestApp } from './support/test-app';

const ME = '{ me { username roles groups } }';
const CREATE_TOKEN = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name user prefix scopes expiresAt lastUsedAt revokedAt } } }';
const REVOKE_TOKEN = 'mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { id revokedAt } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { csrfToken expiresAt user { username roles } } }';

describe('identity: tokens, sessions, groups and roles over HTTP', () => {
  let api: TestApp;
  let db: Client;

  beforeAll(async () => {
    api = await startTestApp();
    db = new Client({ connectionString: api.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const auditActions = async (action: string): Promise<Record<string, unknown>[]> =>
    (await db.query('SELECT actor_kind, actor_id, subject_id, data FROM audit.event WHERE action = $1 ORDER BY occurred_at', [action])).rows;

  describe('bootstrap', () => {
    it('creates the admin with the token from GATEHOUSE_BOOTSTRAP_TOKEN', async () => {
      const { data } = await api.graphql(ME, {}, as(api.adminToken));
      expect(data).toEqual({ me: { username: 'admin', roles: ['ADMIN'], groups: [] } });
    });
  });

  describe('API tokens', () => {
    it('shows the token once, stores only its SHA-256, and records token.created', async () => {
      const dev = await api.tokenFor('tok-dev', ['DEVELOPER'], { scopes: ['READ', 'WRITE'] });
      const created = await api.graphql<{ createApiToken: { token: string; apiToken: { id: string; prefix: string; scopes: string[] } } }>(
        CREATE_TOKEN,
        { input: { user: 'tok-dev', name: 'ci', scopes: ['READ'] } },
        as(dev),
      );
      expect(created.errors).toBeUndefined();
      const { token, apiToken } = created.data!.createApiToken;
      expect(token).toMatch(/^gh_[A-Za-z0-9_-]{9}_[A-Za-z0-9_-]{43}$/);
      expect(token.startsWith(apiToken.prefix)).toBe(true);

      const row = (await db.query('SELECT * FROM identity.api_token WHERE id = $1', [apiToken.id])).rows[0];
      expect(row.token_hash).toHaveLength(32);
      expect(JSON.stringify(row)).not.toContain(token.slice(12));
      const listed = await api.graphql('{ apiTokens { id prefix } }', {}, as(dev));
      expect(JSON.stringify(listed.data)).not.toContain(token.slice(12));

      const events = await auditActions('token.created');
      expect(events.find((e) => e.subject_id === apiToken.id)).toMatchObject({ actor_kind: 'TOKEN', data: expect.objectContaining({ owner: 'tok-dev', scopes: ['READ'] }) });

      const me = await api.graphql(ME, {}, as(token));
      expect(me.data).toMatchObject({ me: { username: 'tok-dev' } });
    });

    it('refuses a token for someone else unless admin, and more scope than the caller has', async () => {
      const dev = await api.tokenFor('tok-owner', ['DEVELOPER'], { scopes: ['READ', 'WRITE'] });
      const forOther = await api.graphql(CREATE_TOKEN, { input: { user: 'admin', name: 'x', scopes: ['READ'] } }, as(dev));
      expect(forOther.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
      const escalate = await api.graphql(CREATE_TOKEN, { input: { user: 'tok-owner', name: 'x', scopes: ['ADMIN'] } }, as(dev));
      expect(escalate.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_ESCALATION' });
      const past = await api.graphql(CREATE_TOKEN, { input: { user: 'tok-owner', name: 'x', scopes: ['READ'], expiresAt: '2001-01-01T00:00:00Z' } }, as(dev));
      expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.expiresAt' }] });
      const noScopes = await api.graphql(CREATE_TOKEN, { input: { user: 'tok-owner', name: 'x', scopes: [] } }, as(dev));
      expect(noScopes.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.scopes' }] });
    });

    it('stops a revoked token at once, records token.revoked, and refuses revoking it twice', async () => {
      const token = await api.tokenFor('tok-revoked', ['VIEWER']);
      const { data } = await api.graphql<{ apiTokens: { id: string }[] }>('{ apiTokens { id } }', {}, as(token));
      const id = data!.apiTokens[0]!.id;
      const revoked = await api.graphql(REVOKE_TOKEN, { input: { id } }, as(api.adminToken));
      expect(revoked.errors).toBeUndefined();
      const after = await api.graphql(ME, {}, as(token));
      expect(after.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(after.errors?.[0]?.message).toContain('revoked');
      expect((await auditActions('token.revoked')).some((e) => e.subject_id === id)).toBe(true);
      const again = await api.graphql(REVOKE_TOKEN, { input: { id } }, as(api.adminToken));
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TOKEN_REVOKED' });
    });

    it('hides another user\'s token from a non-admin who tries to revoke it', async () => {
      const victim = await api.tokenFor('tok-victim', ['VIEWER']);
      const { data } = await api.graphql<{ apiTokens: { id: string }[] }>('{ apiTokens { id } }', {}, as(victim));
      const attacker = await api.tokenFor('tok-attacker', ['DEVELOPER']);
      const attempt = await api.graphql(REVOKE_TOKEN, { input: { id: data!.apiTokens[0]!.id } }, as(attacker));
      expect(attempt.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect((await api.graphql(ME, {}, as(victim))).errors).toBeUndefined();
    });

    it('refuses an expired token, and records when a token was last used', async () => {
      const token = await api.tokenFor('tok-expired', ['VIEWER']);
      await api.graphql(ME, {}, as(token));
      const [row] = (await db.query("SELECT t.id, t.last_used_at FROM identity.api_token t JOIN identity.user_account u ON u.id = t.user_id WHERE u.username = 'tok-expired'")).rows;
      expect(row.last_used_at).toBeInstanceOf(Date);
      await db.query("UPDATE identity.api_token SET expires_at = now() - interval '1 second' WHERE id = $1", [row.id]);
      const expired = await api.graphql(ME, {}, as(token));
      expect(expired.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    });

    it('refuses a malformed Authorization header and an unknown token', async () => {
      const basic = await api.graphql(ME, {}, { authorization: 'Basic YWRtaW46YWRtaW4=' });
      expect(basic.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      const unknown = await api.graphql(ME, {}, as(`gh_unknown00_${'a'.repeat(43)}`));
      expect(unknown.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('portal sessions', () => {
    beforeAll(async () => {
      await api.tokenFor('sam', ['ADMIN'], { password: 'correct horse battery' });
    });

    const login = (password: string) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: LOGIN, variables: { input: { username: 'sam', password } } }),
      });

    it('stores the password as scrypt, never in the clear', async () => {
      const [row] = (await db.query("SELECT password_hash FROM identity.user_account WHERE username = 'sam'")).rows;
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row.password_hash).not.toContain('correct horse');
    });

    it('refuses a wrong password with UNAUTHENTICATED and records user.login.failed', async () => {
      const response = await login('wrong password!');
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ message: 'Wrong username or password.', extensions: { code: 'UNAUTHENTICATED' } });
      expect(response.headers.get('set-cookie')).toBeNull();
      expect((await auditActions('user.login.failed')).some((e) => (e.data as { username: string }).username === 'sam')).toBe(true);
    });

    it('sets a secure HTTP-only cookie, requires the CSRF token for changes, and logs out', async () => {
      const response = await login('correct horse battery');
      const body = (await response.json()) as { data: { login: { csrfToken: string; user: { username: string } } } };
      expect(body.data.login.user.username).toBe('sam');
      const setCookie = response.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^gatehouse_session=[^;]+;/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      const cookie = setCookie.split(';')[0]!;
      expect((await auditActions('user.login')).length).toBeGreaterThan(0);

      const me = await api.graphql(ME, {}, { authorization: '', cookie });
      expect(me.data).toMatchObject({ me: { username: 'sam' } });

      const create = 'mutation { createGroup(input: { name: "csrf-test" }) { name } }';
      const withoutCsrf = await api.graphql(create, {}, { authorization: '', cookie });
      expect(withoutCsrf.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CSRF_TOKEN_MISSING' });
      const wrongCsrf = await api.graphql(create, {}, { authorization: '', cookie, 'x-csrf-token': 'nope' });
      expect(wrongCsrf.errors?.[0]?.extensions.reason).toBe('CSRF_TOKEN_MISSING');
      const withCsrf = await api.graphql(create, {}, { authorization: '', cookie, 'x-csrf-token': body.data.login.csrfToken });
      expect(withCsrf.errors).toBeUndefined();
      // A session made elsewhere (single sign-on) reads its token with a query, which needs none.
      const asked = await api.graphql('{ sessionCsrfToken }', {}, { authorization: '', cookie });
      expect(asked.data).toEqual({ sessionCsrfToken: body.data.login.csrfToken });
      expect((await api.graphql('{ sessionCsrfToken }')).data).toEqual({ sessionCsrfToken: null });

      const logout = await api.graphql('mutation { logout }', {}, { authorization: '', cookie, 'x-csrf-token': body.data.login.csrfToken });
      expect(logout.data).toEqual({ logout: true });
      const afterLogout = await api.graphql(ME, {}, { authorization: '', cookie });
      expect(afterLogout.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    });

    it('ends an expired session', async () => {
      const response = await login('correct horse battery');
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      await db.query("UPDATE identity.session SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL");
      const me = await api.graphql(ME, {}, { authorization: '', cookie });
      expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_EXPIRED' });
    });
  });

  describe('groups and roles', () => {
    it('creates groups, adds and removes members, with clear refusals', async () => {
      await api.tokenFor('grace', ['VIEWER']);
      const admin = as(api.adminToken);
      expect((await api.graphql('mutation { createGroup(input: { name: "payments-leads", description: "Leads" }) { name } }', {}, admin)).errors).toBeUndefined();
      const duplicate = await api.graphql('mutation { createGroup(input: { name: "payments-leads" }) { name } }', {}, admin);
      expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'GROUP_NAME_TAKEN' });
      const badName = await api.graphql('mutation { createGroup(input: { name: "Payments Leads" }) { name } }', {}, admin);
      expect(badName.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.name' }] });

      const add = 'mutation($input: GroupMemberInput!) { addGroupMember(input: $input) { members } }';
      const remove = 'mutation($input: GroupMemberInput!) { removeGroupMember(input: $input) { members } }';
      expect((await api.graphql(add, { input: { group: 'payments-leads', user: 'grace' } }, admin)).data).toEqual({ addGroupMember: { members: ['grace'] } });
      expect((await api.graphql(add, { input: { group: 'payments-leads', user: 'grace' } }, admin)).errors?.[0]?.extensions.reason).toBe('ALREADY_MEMBER');
      expect((await api.graphql(add, { input: { group: 'payments-leads', user: 'nobody' } }, admin)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      expect((await api.graphql(add, { input: { group: 'no-such-group', user: 'grace' } }, admin)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      const me = await api.graphql(ME, {}, as(await api.graphql<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { user: 'grace', name: 'g', scopes: ['READ'] } }, admin).then((r) => r.data!.createApiToken.token)));
      expect(me.data).toMatchObject({ me: { groups: ['payments-leads'] } });
      const removed = await api.graphql(remove, { input: { group: 'payments-leads', user: 'grace' } }, admin);
      expect(removed.errors).toBeUndefined();
      expect(removed.data).toEqual({ removeGroupMember: { members: [] } });
      expect((await api.graphql(remove, { input: { group: 'payments-leads', user: 'grace' } }, admin)).errors?.[0]?.extensions.reason).toBe('NOT_A_MEMBER');
      const actions = (await db.query("SELECT action FROM audit.event WHERE action LIKE 'group.%'")).rows.map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['group.created', 'group.member.added', 'group.member.removed']));
    });

    it('grants and revokes roles, audited, and never removes the last admin', async () => {
      const admin = as(api.adminToken);
      await api.tokenFor('rita', ['VIEWER']);
      const grant = 'mutation($input: RoleChangeInput!) { grantRole(input: $input) { roles } }';
      const revoke = 'mutation($input: RoleChangeInput!) { revokeRole(input: $input) { roles } }';
      expect((await api.graphql(grant, { input: { user: 'rita', role: 'AUDITOR' } }, admin)).data).toEqual({ grantRole: { roles: ['AUDITOR', 'VIEWER'] } });
      expect((await api.graphql(grant, { input: { user: 'rita', role: 'AUDITOR' } }, admin)).errors?.[0]?.extensions.reason).toBe('ROLE_ALREADY_GRANTED');
      expect((await api.graphql(revoke, { input: { user: 'rita', role: 'AUDITOR' } }, admin)).data).toEqual({ revokeRole: { roles: ['VIEWER'] } });
      expect((await api.graphql(revoke, { input: { user: 'rita', role: 'AUDITOR' } }, admin)).errors?.[0]?.extensions.reason).toBe('ROLE_NOT_GRANTED');
      const actions = (await db.query("SELECT action FROM audit.event WHERE action LIKE 'user.role.%'")).rows.map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['user.role.granted', 'user.role.revoked']));

      // Every other admin loses the role; the last one cannot.
      const { data } = await api.graphql<{ users: { edges: { node: { username: string; roles: string[] } }[] } }>('{ users(first: 100) { edges { node { username roles } } } }', {}, admin);
      for (const user of data!.users.edges.map((e) => e.node).filter((u) => u.roles.includes('ADMIN') && u.username !== 'admin')) {
        expect((await api.graphql(revoke, { input: { user: user.username, role: 'ADMIN' } }, admin)).errors).toBeUndefined();
      }
      const last = await api.graphql(revoke, { input: { user: 'admin', role: 'ADMIN' } }, admin);
      expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
    });

    it('refuses a duplicate username with CONFLICT and a short password with VALIDATION_FAILED', async () => {
      const create = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
      const admin = as(api.adminToken);
      await api.graphql(create, { input: { username: 'dup', displayName: 'Dup' } }, admin);
      expect((await api.graphql(create, { input: { username: 'dup', displayName: 'Dup' } }, admin)).errors?.[0]?.extensions.reason).toBe('USERNAME_TAKEN');
      const short = await api.graphql(create, { input: { username: 'shorty', displayName: 'S', password: 'short' } }, admin);
      expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'input.password' }] });
    });
  });
});
