import { createHash } from 'node:crypto';
import type { ChangeService, EvidenceService } from '@gatehouse/pipelines';

/** The registerChange input, as ChangeService takes it. */
export type ChangeRegistration = Parameters<ChangeService['register']>[0];
/** The attachEvidence input without its change, which the event's change supplies. */
export type EvidenceReport = Omit<Parameters<EvidenceService['attach']>[0], 'change'>;

/** DeploymentReport is a deployer's word on a change in an environment. */
export interface DeploymentReport {
  environment: string;
  status: 'STARTED' | 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK';
  url: string | null;
}

/**
 * IncomingAction is what one incoming event asks of Gatehouse, decided from its payload
 * alone (pure, so the mapping is unit-tested without a server). `links` are keys (commit sha,
 * version, artifact) under which a later event of the same integration finds the change;
 * `lookup` are those keys for an event about an existing change, most precise first.
 */
export type IncomingAction =
  | { kind: 'register'; change: ChangeRegistration; evidence: EvidenceReport[]; links: string[] }
  | { kind: 'evidence'; lookup: string[]; changeId: string | null; evidence: EvidenceReport[] }
  | { kind: 'deployment'; lookup: string[]; changeId: string | null; deployment: DeploymentReport }
  | { kind: 'ignore'; reason: string };

/** Collects every problem of a payload, so the sender sees them all in one refusal. */
export class PayloadProblems {
  readonly problems: string[] = [];

  add(path: string, message: string): void {
    this.problems.push(`${path} ${message}`);
  }

  text(path: string, value: unknown, options: { min?: number; max: number; required?: boolean }): string | undefined {
    if (value === undefined || value === null) {
      if (options.required !== false) this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') return this.add(path, 'must be a string'), undefined;
    if (value.length < (options.min ?? 1)) return this.add(path, 'must not be empty'), undefined;
    if (value.length > options.max) return this.add(path, `must be at most ${options.max} characters`), undefined;
    return value;
  }

  matching(path: string, value: unknown, pattern: RegExp, message: string, required = true): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || !pattern.test(value)) return this.add(path, message), undefined;
    return value;
  }

  count(path: string, value: unknown, required = true): number | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'is required');
      return undefined;
    }
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 1_000_000_000) return this.add(path, 'must be a whole number from 0 to 1000000000'), undefined;
    return value as number;
  }
}

export const SHA = /^[0-9a-f]{7,64}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SLUG_MAX = 63;

/** `Deploy to Prod!` → `deploy-to-prod`: a check name policies can read as evidence.checks.<name>. */
export function slugOf(text: string, prefix: string): string {
  const slug = `${prefix}-${text}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, SLUG_MAX).replace(/-+$/, '') || prefix;
}

/** The first line of a commit message, cut to a title's length. */
export function titleOf(message: string): string {
  return (message.split('\n', 1)[0]!.trim() || message.trim()).slice(0, 500);
}

/** A stand-in artifact digest for a change built from source only: SHA-256 of `<repository>@<sha>`. */
export function sourceDigestOf(repository: string, sha: string): string {
  return `sha256:${createHash('sha256').update(`${repository}@${sha}`).digest('hex')}`;
}
