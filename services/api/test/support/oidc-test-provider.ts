import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** CookieJar carries one browser's cookies for one origin across fetches made with `redirect: 'manual'`. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keeps the cookies a response sets, and forgets those it clears. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('=')).trim();
      const value = pair!.slice(pair!.indexOf('=') + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) <= Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(response);
    return response;
  }
}

/** OidcTestProvider is a real oidc-provider in a child process, with accounts the test defines. */
export interface OidcTestProvider {
  issuer: string;
  /** Creates or replaces an account and the claims the provider will release for it. */
  setAccount(id: string, claims: Record<string, unknown>): Promise<void>;
  /**
   * Plays the person at the provider: opens the authorization URL in a fresh browser, signs in
   * as `accountId` through the interaction API, and returns the URL the provider sends the
   * browser back to (the client's redirect URI with `code`, `state` and `iss`, or an `error`).
   */
  signIn(authorizationUrl: string, accountId: string): Promise<URL>;
  /** Like signIn, but the person declines at the provider: the redirect carries `error=access_denied`. */
  decline(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/** Starts the provider on an ephemeral 127.0.0.1 port with one confidential client (client_secret_basic, PKCE required). */
export async function startOidcTestProvider(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<OidcTestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-test-provider.mjs'), JSON.stringify(client)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { issuer: string }).issuer));
    child.once('exit', (code) => reject(new Error(`the OIDC test provider exited with ${code}: ${stderr}`)));
  });

  /** Follows redirects within the provider; stops at its interaction page or when it leaves for the client. */
  const follow = async (jar: CookieJar, start: URL): Promise<{ url: URL; response: Response }> => {
    let url = start;
    for (let hops = 0; hops < 10; hops++) {
      const response = await jar.fetch(url);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      url = new URL(location, url);
      if (url.origin !== issuer || url.pathname.startsWith('/interaction/')) return { url, response };
    }
    throw new Error(`too many redirects at the provider from ${start.href}`);
  };

  /** Opens the authorization URL in a fresh browser, answers the login interaction, and follows it back out. */
  const interact = async (authorizationUrl: string, answer: 'login' | 'deny', body: Record<string, unknown>): Promise<URL> => {
    const jar = new CookieJar();
    const toInteraction = await follow(jar, new URL(authorizationUrl));
    if (!toInteraction.url.pathname.startsWith('/interaction/')) {
      throw new Error(`expected the provider to ask for a sign-in, got ${toInteraction.response.status} ${toInteraction.url.href}`);
    }
    const details = (await (await jar.fetch(toInteraction.url)).json()) as { uid: string; prompt: string };
    if (details.prompt !== 'login') throw new Error(`expected a login prompt, got ${details.prompt}`);
    const finished = await jar.fetch(`${issuer}/interaction/${details.uid}/${answer}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const location = finished.headers.get('location');
    if (finished.status !== 303 || !location) throw new Error(`${answer} interaction: ${finished.status} ${await finished.text()}`);
    const back = await follow(jar, new URL(location, issuer));
    if (back.url.origin === issuer) throw new Error(`the provider did not send the browser back: ${back.response.status} ${back.url.href}`);
    return back.url;
  };

  return {
    issuer,
    async setAccount(id, claims) {
      const response = await fetch(`${issuer}/test/accounts/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(claims),
      });
      if (response.status !== 204) throw new Error(`setAccount ${id}: ${response.status} ${await response.text()}`);
    },
    signIn(authorizationUrl, accountId) {
      return interact(authorizationUrl, 'login', { accountId });
    },
    decline(authorizationUrl) {
      return interact(authorizationUrl, 'deny', {});
    },
    async close() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
