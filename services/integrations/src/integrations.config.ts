/** IntegrationsConfig tunes outgoing webhook delivery; read once from the environment at start. */
export interface IntegrationsConfig {
  /** How often the dispatcher and the delivery worker look for work when idle. */
  pollMs: number;
  /** The first retry waits this long; each next one twice as long (with jitter), up to maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** After this many failed attempts a delivery is given up (state FAILED). */
  maxAttempts: number;
  /** A receiver that has not answered after this long counts as failed. */
  timeoutMs: number;
  /** Whether this process runs the dispatcher and the delivery worker (any number may). */
  deliver: boolean;
}

const VARIABLES = {
  pollMs: ['GATEHOUSE_WEBHOOK_POLL_MS', 500, 10, 60_000],
  retryBaseMs: ['GATEHOUSE_WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000],
  maxRetryDelayMs: ['GATEHOUSE_WEBHOOK_MAX_RETRY_DELAY_MS', 3_600_000, 10, 86_400_000],
  maxAttempts: ['GATEHOUSE_WEBHOOK_MAX_ATTEMPTS', 12, 1, 100],
  timeoutMs: ['GATEHOUSE_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000],
} as const;

/** Reads the webhook settings; throws naming every bad variable. */
export function loadIntegrationsConfig(env: NodeJS.ProcessEnv = process.env): IntegrationsConfig {
  const problems: string[] = [];
  const numbers = {} as Record<keyof typeof VARIABLES, number>;
  for (const [key, [name, fallback, min, max]] of Object.entries(VARIABLES) as [keyof typeof VARIABLES, (typeof VARIABLES)[keyof typeof VARIABLES]][]) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    numbers[key] = value;
  }
  const deliverRaw = env.GATEHOUSE_WEBHOOK_DELIVERY ?? 'on';
  if (deliverRaw !== 'on' && deliverRaw !== 'off') problems.push(`GATEHOUSE_WEBHOOK_DELIVERY must be on or off, got "${deliverRaw}"`);
  if (problems.length) throw new Error(`Invalid webhook configuration: ${problems.join('; ')}`);
  return { ...numbers, deliver: deliverRaw === 'on' };
}
