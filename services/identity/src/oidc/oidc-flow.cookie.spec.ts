import { OidcFlowSealer, type OidcFlow } from './oidc-flow.cookie';

const flow = (): OidcFlow => ({ state: 'state-1', nonce: 'nonce-1', codeVerifier: 'verifier-1', returnTo: '/changes', expiresAt: 1_800_000_000_000 });

describe(OidcFlowSealer.name, () => {
  describe('seal', () => {
    it('hides the flow: neither the verifier nor the state can be read from the cookie', () => {
      const sealed = new OidcFlowSealer('client-secret').seal(flow());
      expect(sealed).not.toContain('verifier-1');
      expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('verifier-1');
    });
  });

  describe('open', () => {
    it('opens what a sealer with the same client secret sealed (another replica)', () => {
      expect(new OidcFlowSealer('client-secret').open(new OidcFlowSealer('client-secret').seal(flow()))).toEqual(flow());
    });

    it('refuses a cookie sealed with another key', () => {
      expect(new OidcFlowSealer('other-secret').open(new OidcFlowSealer('client-secret').seal(flow()))).toBeNull();
    });

    it('refuses a changed cookie, a truncated tag, and garbage', () => {
      const sealer = new OidcFlowSealer(undefined);
      const [version, iv, body, tag] = sealer.seal(flow()).split('.');
      const flipped = Buffer.from(body!, 'base64url');
      flipped[3] = flipped[3]! ^ 0x20;
      expect(sealer.open([version, iv, flipped.toString('base64url'), tag].join('.'))).toBeNull();
      expect(sealer.open([version, iv, body, tag!.slice(0, 6)].join('.'))).toBeNull();
      expect(sealer.open('not-a-flow')).toBeNull();
    });
  });
});
