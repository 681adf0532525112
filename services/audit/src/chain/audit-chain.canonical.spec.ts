import { createHash } from 'node:crypto';
import { canonicalBytes, canonicalEventBytes, canonicalJson, chainHash, GENESIS_HASH, type SealedEventDocument } from './audit-chain.canonical';

describe(canonicalBytes.name, () => {
  it('sorts keys and drops insignificant whitespace (RFC 8785)', () => {
    expect(canonicalBytes({ b: 1, a: [true, null, 'é'], c: { z: 1.5e-7, y: 100 } }).toString('utf8')).toBe(
      '{"a":[true,null,"é"],"b":1,"c":{"y":100,"z":1.5e-7}}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalBytes(Number.NaN)).toThrow();
  });
});

describe(chainHash.name, () => {
  it('is SHA-256 over the previous hash followed by the canonical bytes', () => {
    const bytes = Buffer.from('{"a":1}', 'utf8');
    expect(chainHash(GENESIS_HASH, bytes).toString('hex')).toBe(
      createHash('sha256').update(Buffer.concat([Buffer.alloc(32), bytes])).digest('hex'),
    );
  });
});

describe(canonicalJson.name, () => {
  it('orders keys by UTF-16 code units, as RFC 8785 requires', () => {
    // RFC 8785 §3.2.3 sorting example, reduced: "\u20ac" (€) sorts after "\r" and "1", and
    // a supplementary-plane key sorts by its surrogate pair.
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '1': 'One', '\ud83d\ude00': 'Emoji', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji"}',
    );
  });

  it('writes numbers the way ECMAScript does', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 333333333.3333333, 4.5, 2 ** 53])).toBe(
      '[0,0,1e+21,1e-7,333333333.3333333,4.5,9007199254740992]',
    );
  });

  it('refuses a lone surrogate', () => {
    expect(() => canonicalJson('\ud800')).toThrow(/lone surrogate/i);
  });
});

describe(canonicalEventBytes.name, () => {
  const document = (overrides: Partial<SealedEventDocument> = {}): SealedEventDocument => ({
    v: 1,
    seq: 7,
    id: '5b0c7f5e-7d43-4c55-9a53-3a4d0f0e2b11',
    occurredAt: '2026-11-26T14:48:32.123Z',
    actor: { kind: 'USER', id: 'u-1', displayName: 'Zoë "Z" Ångström', ip: '10.0.0.1', userAgent: null },
    action: 'promotion.requested',
    subject: { type: 'change', id: 'chg-1' },
    application: 'payments',
    environment: null,
    data: { z: [1, 2.5, { b: null, a: '€' }], a: true, '\u00e9': 'accent' },
    requestId: null,
    ...overrides,
  });

  it('writes exactly what the general serializer writes', () => {
    for (const doc of [document(), document({ data: {}, application: null, actor: { kind: 'SYSTEM', id: 's', displayName: null, ip: null, userAgent: null } })]) {
      expect(canonicalEventBytes(doc).equals(canonicalBytes(doc))).toBe(true);
    }
  });
});
