import { createHmac } from 'node:crypto';
import { constantTimeEqual, signDelivery, verifyDelivery } from './delivery.signature';

describe(signDelivery.name, () => {
  it('is the hex HMAC-SHA256 of timestamp, a dot and the body', () => {
    const expected = createHmac('sha256', 's3cret').update('1700000000.{"a":1}').digest('hex');
    expect(signDelivery('s3cret', 1700000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
});

describe(verifyDelivery.name, () => {
  const body = '{"event":"promotion.approved"}';
  const signature = signDelivery('s3cret', 1700000000, body);

  it('accepts a fresh, correctly signed delivery', () => {
    expect(verifyDelivery('s3cret', { timestamp: '1700000000', signature }, body, 1700000100)).toBe(true);
  });

  it('refuses a replay older than the tolerance, another body, another secret', () => {
    expect(verifyDelivery('s3cret', { timestamp: '1700000000', signature }, body, 1700000301)).toBe(false);
    expect(verifyDelivery('s3cret', { timestamp: '1700000000', signature }, `${body} `, 1700000000)).toBe(false);
    expect(verifyDelivery('other', { timestamp: '1700000000', signature }, body, 1700000000)).toBe(false);
    expect(verifyDelivery('s3cret', { timestamp: '1700000001', signature }, body, 1700000000)).toBe(false);
  });
});

describe(constantTimeEqual.name, () => {
  it('compares equal and unequal strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
