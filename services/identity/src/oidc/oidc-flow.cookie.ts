import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The cookie that carries one sign-in attempt from /auth/oidc/login to /auth/oidc/callback.
 * `__Host-` makes the browser refuse it unless Secure, path `/` and host-only, so a sibling
 * subdomain cannot plant one.
 */
export const OIDC_FLOW_COOKIE = '__Host-gatehouse_oidc';

/** How long a person has to finish signing in at the identity provider. */
export const OIDC_FLOW_SECONDS = 600;

export const OIDC_FLOW_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;

/** OidcFlow is what the callback needs to check the answer belongs to the request this browser started. */
export interface OidcFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Unix milliseconds after which the callback refuses the flow. */
  expiresAt: number;
}

const VERSION = 'v1';

/**
 * OidcFlowSealer encrypts a flow into its cookie with AES-256-GCM (confidential and
 * tamper-evident: the PKCE verifier never travels readable, and a changed cookie fails to
 * open). The key is derived with HKDF from the client secret, so every replica shares it; a
 * public client (no secret) gets a random key per process, so its flows must finish on the
 * process that started them.
 */
export class OidcFlowSealer {
  private readonly key: Buffer;

  constructor(secret: string | undefined) {
    const material = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
    this.key = Buffer.from(hkdfSync('sha256', material, 'gatehouse', 'oidc-flow-cookie/v1', 32));
  }

  seal(flow: OidcFlow): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(OIDC_FLOW_COOKIE));
    const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The flow sealed in a cookie value, or null when it is not one of ours (tampered, other key, garbage). */
  open(value: string): OidcFlow | null {
    const [version, iv, body, tag] = value.split('.');
    if (version !== VERSION || !iv || !body || !tag) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(OIDC_FLOW_COOKIE));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const json = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      const flow = JSON.parse(json) as Partial<OidcFlow>;
      const strings = [flow.state, flow.nonce, flow.codeVerifier, flow.returnTo];
      if (strings.some((s) => typeof s !== 'string') || typeof flow.expiresAt !== 'number') return null;
      return flow as OidcFlow;
    } catch {
      return null;
    }
  }
}
