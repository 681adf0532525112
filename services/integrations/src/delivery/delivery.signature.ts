import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers every outgoing webhook carries. */
export const DELIVERY_HEADERS = {
  id: 'gatehouse-delivery',
  event: 'gatehouse-event',
  timestamp: 'gatehouse-timestamp',
  signature: 'gatehouse-signature',
} as const;

/**
 * The signature of one delivery: `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`).
 * The timestamp (unix seconds) is signed with the body, so a receiver that refuses old
 * timestamps (we suggest 5 minutes) refuses a replayed request, and the delivery id lets it
 * drop a retry it already handled.
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a delivery as a receiver should: signature in constant time, timestamp within the tolerance. */
export function verifyDelivery(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || !headers.signature) return false;
  return constantTimeEqual(signDelivery(secret, timestamp, body), headers.signature);
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Compare against itself when the lengths differ, so the time does not reveal the length either.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(a, a), false);
}
