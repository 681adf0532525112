// A real OpenID Connect provider (oidc-provider) for the single sign-on tests, run in its own
// process because it ships ESM only. It listens on an ephemeral 127.0.0.1 port and prints one
// JSON line: { "issuer": "http://127.0.0.1:<port>" }.
//
// Configuration comes as JSON in argv[2]: { clientId, clientSecret, redirectUri }.
// Besides the provider's own endpoints it serves:
//   PUT  /test/accounts/<id>             JSON claims for that account (name, email, groups, ...)
//   GET  /interaction/<uid>              JSON { uid, prompt } of a pending interaction
//   POST /interaction/<uid>/login        JSON { accountId }: that account signs in
//   POST /interaction/<uid>/deny         the person refuses: the client gets error=access_denied
// Consent is implied for the one (first-party) client, so a sign-in goes straight back to it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clientId, clientSecret, redirectUri } = JSON.parse(process.argv[2] ?? '{}');
const accounts = new Map();

const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' };

function readJson(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        resolve(body ? JSON.parse(body) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'], groups: ['groups'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  async findAccount(_ctx, id) {
    if (!accounts.has(id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    // The tests' client is first-party: grant what it asks for without a consent screen.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    await grant.save();
    return grant;
  },
});
const callback = provider.callback();

server.on('request', async (request, response) => {
  try {
    const url = new URL(request.url, issuer);
    const account = /^\/test\/accounts\/([^/]+)$/.exec(url.pathname);
    if (account && request.method === 'PUT') {
      accounts.set(decodeURIComponent(account[1]), await readJson(request));
      return sendJson(response, 204, {});
    }
    const interaction = /^\/interaction\/([^/]+)(\/login|\/deny)?$/.exec(url.pathname);
    if (interaction && request.method === 'GET' && !interaction[2]) {
      const details = await provider.interactionDetails(request, response);
      return sendJson(response, 200, { uid: details.uid, prompt: details.prompt.name });
    }
    if (interaction && request.method === 'POST' && interaction[2] === '/deny') {
      const result = { error: 'access_denied', error_description: 'The person declined to sign in.' };
      return await provider.interactionFinished(request, response, result, { mergeWithLastSubmission: false });
    }
    if (interaction && request.method === 'POST' && interaction[2] === '/login') {
      const { accountId } = await readJson(request);
      if (!accounts.has(accountId)) return sendJson(response, 400, { error: `no account ${accountId}` });
      return await provider.interactionFinished(request, response, { login: { accountId } }, { mergeWithLastSubmission: false });
    }
    return callback(request, response);
  } catch (error) {
    sendJson(response, 500, { error: String(error?.message ?? error) });
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
