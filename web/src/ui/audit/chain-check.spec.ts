import { createHash } from 'node:crypto';
import { chainLinkHolds } from './chain-check';

describe(chainLinkHolds.name, () => {
  const prevHash = 'ab'.repeat(32);
  const canonical = '{"action":"approval.granted","seq":7}';
  const hash = createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical).digest('hex');

  it('holds when the stored hash is SHA-256 of the previous hash bytes and the canonical bytes', () => {
    expect(chainLinkHolds(prevHash, canonical, hash)).toBe(true);
  });

  it('breaks when one byte of the canonical text changed', () => {
    expect(chainLinkHolds(prevHash, canonical.replace('7', '8'), hash)).toBe(false);
  });

  it('cannot say for an event not sealed yet', () => {
    expect(chainLinkHolds(null, null, null)).toBeNull();
  });
});
