import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** LogLevel is the minimum severity that reaches the structured log. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Environment names the process can run in; `production` turns off GraphiQL and introspection. */
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:pass@localhost:5432/gatehouse');

/**
 * Where data lives when GATEHOUSE_DATA_DIR is unset: the user's home, except for root, whose
 * home PostgreSQL's own OS user cannot enter (the embedded database runs as that user).
 */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/gatehouse' : join(homedir(), '.gatehouse');
}

/** Audit events are kept 7 years unless configured otherwise, and never less than 12 months. */
export const AUDIT_DEFAULT_RETENTION_MONTHS = 84;
export const AUDIT_MIN_RETENTION_MONTHS = 12;

const schema = z.object({
  NODE_ENV: z.enum(NODE_ENVS, { error: `must be one of ${NODE_ENVS.join(', ')}` }).default('development'),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  PORT: port.default(4000),
  DATABASE_URL: postgresUrl.optional(),
  GATEHOUSE_DATA_DIR: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((value) => value.startsWith('/'), 'must be an absolute path')
    .default(defaultDataDir()),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  GATEHOUSE_AUDIT_SIGNING_KEY: z
    .string()
    .trim()
    .refine((value) => value.includes('BEGIN PRIVATE KEY'), 'must be an Ed25519 private key in PKCS#8 PEM form (openssl genpkey -algorithm ed25519)')
    .optional(),
  GATEHOUSE_AUDIT_CHECKPOINT_EVERY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1000),
  GATEHOUSE_AUDIT_CHECKPOINT_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .min(1, 'must be at least 1 second')
    .default(60),
  GATEHOUSE_AUDIT_RETENTION_MONTHS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of months')
    .min(AUDIT_MIN_RETENTION_MONTHS, `must be at least ${AUDIT_MIN_RETENTION_MONTHS} (months): audit events are kept for at least a year`)
    .max(1200, 'must be at most 1200 (months)')
    .default(AUDIT_DEFAULT_RETENTION_MONTHS),
  GATEHOUSE_BOOTSTRAP_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  GATEHOUSE_SESSION_HOURS: z.coerce.number({ error: 'must be a number' }).min(0.1, 'must be at least 0.1').max(720, 'must be at most 720').default(12),
  GATEHOUSE_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(1200),
  GATEHOUSE_POLICIES_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  GATEHOUSE_PUBLIC_URL: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^/]+/.test(value), 'must be an http(s) URL such as https://gatehouse.bank.example')
    .optional(),
  GATEHOUSE_OIDC_ISSUER: z.string().trim().url('must be the issuer URL of the identity provider').optional(),
  GATEHOUSE_OIDC_CLIENT_ID: z.string().trim().min(1, 'must not be empty').optional(),
  GATEHOUSE_OIDC_CLIENT_SECRET: z.string().min(1, 'must not be empty').optional(),
  GATEHOUSE_OIDC_GROUPS_CLAIM: z.string().trim().min(1, 'must not be empty').default('groups'),
  GATEHOUSE_OIDC_GROUP_MAP: z
    .string()
    .trim()
    .refine(
      (value) => value.split(',').every((pair) => /^[^=,]+=[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(pair.trim())),
      'must be comma-separated idp-group=gatehouse-group pairs, e.g. "Payments Leads=payments-leads,CAB=change-advisory-board"',
    )
    .optional(),
  GATEHOUSE_DEMO_DATA: z
    .enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' })
    .default('auto'),
  GATEHOUSE_EMERGENCY_REVIEW_HOURS: z.coerce.number({ error: 'must be a number' }).min(1, 'must be at least 1').max(720, 'must be at most 720').default(48),
  GATEHOUSE_EMERGENCY_REVIEW_GROUPS: z
    .string()
    .trim()
    .refine((value) => value.split(',').every((group) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(group.trim())), 'must be comma-separated group names, e.g. "change-advisory-board"')
    .default('change-advisory-board'),
  GATEHOUSE_EXPIRY_SWEEP_SECONDS: z.coerce.number({ error: 'must be a number' }).min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(30),
});

/** Config is the validated, typed process configuration, read once at start. */
export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Absent means: run an embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: LogLevel;
  /** The policies-as-code directory loaded (GitOps) on start; default `<repo>/policies` when it exists. */
  policiesDir: string | undefined;
  /** The URL people reach Gatehouse at (for OIDC redirects); default http://HOST:PORT. */
  publicUrl: string | undefined;
  /** Single sign-on, when GATEHOUSE_OIDC_ISSUER is set (client id required with it). */
  oidc:
    | {
        issuer: string;
        clientId: string;
        clientSecret: string | undefined;
        groupsClaim: string;
        /** IdP group name → Gatehouse group name. */
        groupMap: Record<string, string>;
      }
    | undefined;
  /** When set on first start, becomes the bootstrap admin's API token (for automation). */
  bootstrapToken: string | undefined;
  sessionHours: number;
  /** Requests per minute per token, session or (unauthenticated) address. */
  rateLimitPerMinute: number;
  audit: {
    /** PKCS#8 PEM Ed25519 key that signs checkpoints; absent in embedded mode means "generate one into dataDir". */
    signingKeyPem: string | undefined;
    checkpointEveryEvents: number;
    checkpointEverySeconds: number;
    /** Whole months of audit events kept; `npm run audit:prune` removes only older months (≥ 12, default 84). */
    retentionMonths: number;
  };
  /** Seed the demo bank on an empty database: `auto` seeds only on the embedded database. */
  demoData: 'auto' | 'true' | 'false';
  promotions: {
    /** Hours within which a break-glass promotion must be reviewed after the fact. */
    emergencyReviewHours: number;
    /** Who reviews a break-glass promotion when the policy would have required no approvals. */
    emergencyReviewGroups: string[];
    /** How often pending promotions past their expiry are moved to EXPIRED. */
    expirySweepSeconds: number;
  };
}

/** ConfigError lists every bad environment variable at once, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string; value: string | undefined }[]) {
    super(
      `Invalid configuration:\n${problems
        .map((p) => `  - ${p.variable}=${p.value === undefined ? '(unset)' : JSON.stringify(p.value)}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `FOO= npm start` should mean "use the default".
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      return { variable, message: issue.message, value: env[variable] };
    });
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  if (v.GATEHOUSE_OIDC_ISSUER && !v.GATEHOUSE_OIDC_CLIENT_ID) {
    throw new ConfigError([{ variable: 'GATEHOUSE_OIDC_CLIENT_ID', message: 'is required when GATEHOUSE_OIDC_ISSUER is set', value: undefined }]);
  }
  return {
    nodeEnv: v.NODE_ENV,
    host: v.HOST,
    port: v.PORT,
    databaseUrl: v.DATABASE_URL,
    dataDir: v.GATEHOUSE_DATA_DIR,
    embeddedPostgresPort: v.EMBEDDED_POSTGRES_PORT,
    logLevel: v.LOG_LEVEL,
    demoData: v.GATEHOUSE_DEMO_DATA,
    promotions: {
      emergencyReviewHours: v.GATEHOUSE_EMERGENCY_REVIEW_HOURS,
      emergencyReviewGroups: v.GATEHOUSE_EMERGENCY_REVIEW_GROUPS.split(',').map((group) => group.trim()),
      expirySweepSeconds: v.GATEHOUSE_EXPIRY_SWEEP_SECONDS,
    },
    bootstrapToken: v.GATEHOUSE_BOOTSTRAP_TOKEN,
    policiesDir: v.GATEHOUSE_POLICIES_DIR,
    publicUrl: v.GATEHOUSE_PUBLIC_URL?.replace(/\/+$/, ''),
    oidc: v.GATEHOUSE_OIDC_ISSUER
      ? {
          issuer: v.GATEHOUSE_OIDC_ISSUER,
          clientId: v.GATEHOUSE_OIDC_CLIENT_ID!,
          clientSecret: v.GATEHOUSE_OIDC_CLIENT_SECRET,
          groupsClaim: v.GATEHOUSE_OIDC_GROUPS_CLAIM,
          groupMap: Object.fromEntries(
            (v.GATEHOUSE_OIDC_GROUP_MAP ?? '')
              .split(',')
              .filter((pair) => pair.trim())
              .map((pair) => pair.split('=').map((part) => part.trim()) as [string, string]),
          ),
        }
      : undefined,
    sessionHours: v.GATEHOUSE_SESSION_HOURS,
    rateLimitPerMinute: v.GATEHOUSE_RATE_LIMIT_PER_MINUTE,
    audit: {
      signingKeyPem: v.GATEHOUSE_AUDIT_SIGNING_KEY?.replace(/\\n/g, '\n'),
      checkpointEveryEvents: v.GATEHOUSE_AUDIT_CHECKPOINT_EVERY,
      checkpointEverySeconds: v.GATEHOUSE_AUDIT_CHECKPOINT_SECONDS,
      retentionMonths: v.GATEHOUSE_AUDIT_RETENTION_MONTHS,
    },
  };
}
