import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, type PageRequest, type Principal } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { PolicyDocument } from '../policy-document/policy-document.model';
import type { ActivationRow, PolicyVersionRow } from './policy.model';

/** PolicyRow is a policy with the numbers of its versions, newest first. */
export interface PolicyRow {
  name: string;
  created_at: Date;
  versions: number[];
}

/** NewPolicyVersion is what publishing stores; the database adds id and time. */
export interface NewPolicyVersion {
  name: string;
  version: number;
  document: PolicyDocument;
  source: string;
  hash: string;
  author: Principal['actor'];
  message: string;
}

const SELECT_POLICY = `
  SELECT p.name, p.created_at, COALESCE(array_agg(v.version ORDER BY v.version DESC) FILTER (WHERE v.version IS NOT NULL), '{}') AS versions
  FROM policy.policy p LEFT JOIN policy.policy_version v ON v.name = p.name`;

/** The activations in force: the newest row per environment. */
const CURRENT_ACTIVATIONS = `
  SELECT DISTINCT ON (environment) environment, policy_name, version, regulated, activated_by, activated_at
  FROM policy.activation ORDER BY environment, id DESC`;

/** The policy version governing an environment, as activeVersionOf() reads it. */
export interface ActiveVersionRef {
  name: string;
  version: number;
  content_hash: string;
}

/**
 * The version governing the environment named by the SQL expression `environment` (what
 * activeVersionOf() reads), as one JSON object {name, version, content_hash} or null: a
 * subquery for a caller that reads it with other things in one statement.
 */
export function activeVersionJsonOf(environment: string): string {
  return `(SELECT json_build_object('name', a.policy_name, 'version', a.version, 'content_hash', v.content_hash)
             FROM (SELECT policy_name, version FROM policy.activation WHERE environment = ${environment} ORDER BY id DESC LIMIT 1) a
             JOIN policy.policy_version v ON v.name = a.policy_name AND v.version = a.version)`;
}

/** PolicyRepository is the only place that reads and writes policies, versions and activations. */
@Injectable()
export class PolicyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; everything an action writes (audit included) goes through it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findPolicy(name: string, manager: EntityManager = this.dataSource.manager): Promise<PolicyRow | null> {
    const rows: PolicyRow[] = await manager.query(`${SELECT_POLICY} WHERE p.name = $1 GROUP BY p.name`, [name]);
    return rows[0] ?? null;
  }

  async page(request: PageRequest): Promise<{ rows: PolicyRow[]; totalCount: number }> {
    const rows: PolicyRow[] = await this.dataSource.query(
      `${SELECT_POLICY} WHERE ($1::text IS NULL OR p.name > $1) GROUP BY p.name ORDER BY p.name LIMIT $2`,
      [request.after ?? null, request.first + 1],
    );
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM policy.policy');
    return { rows, totalCount: count };
  }

  async findVersion(name: string, version: number, manager: EntityManager = this.dataSource.manager): Promise<PolicyVersionRow | null> {
    const rows: PolicyVersionRow[] = await manager.query('SELECT * FROM policy.policy_version WHERE name = $1 AND version = $2', [name, version]);
    return rows[0] ?? null;
  }

  /** The versions of these policies that are the highest of each. */
  async latestVersions(names: string[]): Promise<PolicyVersionRow[]> {
    return this.dataSource.query('SELECT DISTINCT ON (name) * FROM policy.policy_version WHERE name = ANY($1) ORDER BY name, version DESC', [names]);
  }

  /** Locks the policy (creating it when new) so that publishing one name is serialised; returns its highest version. */
  async lockPolicy(name: string, manager: EntityManager): Promise<number | null> {
    await manager.query('INSERT INTO policy.policy (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
    await manager.query('SELECT name FROM policy.policy WHERE name = $1 FOR UPDATE', [name]);
    const [{ latest }]: { latest: number | null }[] = await manager.query('SELECT max(version) AS latest FROM policy.policy_version WHERE name = $1', [name]);
    return latest;
  }

  async insertVersion(version: NewPolicyVersion, manager: EntityManager): Promise<PolicyVersionRow> {
    const [row]: PolicyVersionRow[] = await manager.query(
      `INSERT INTO policy.policy_version (name, version, document, source, content_hash, author, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [version.name, version.version, JSON.stringify(version.document), version.source, version.hash, JSON.stringify(version.author), version.message],
    );
    return row!;
  }

  /** The activations in force, optionally only those of one policy or of some environments. */
  async currentActivations(filter: { policy?: string; environments?: string[] } = {}, manager: EntityManager = this.dataSource.manager): Promise<ActivationRow[]> {
    return manager.query(
      `SELECT * FROM (${CURRENT_ACTIVATIONS}) current
       WHERE ($1::text IS NULL OR policy_name = $1) AND ($2::text[] IS NULL OR environment = ANY($2))
       ORDER BY environment`,
      [filter.policy ?? null, filter.environments ?? null],
    );
  }

  /** Which version governs one environment now, without reading its document: one indexed read. */
  async activeVersionOf(environment: string, manager: EntityManager = this.dataSource.manager): Promise<{ name: string; version: number; content_hash: string } | null> {
    const rows = await preparedQuery<{ name: string; version: number; content_hash: string }>(
      manager,
      `SELECT a.policy_name AS name, a.version, v.content_hash
         FROM (SELECT policy_name, version FROM policy.activation WHERE environment = $1 ORDER BY id DESC LIMIT 1) a
         JOIN policy.policy_version v ON v.name = a.policy_name AND v.version = a.version`,
      [environment],
    );
    return rows[0] ?? null;
  }

  /** Serialises activations of these environments until the transaction ends. */
  async lockEnvironments(environments: string[], manager: EntityManager): Promise<void> {
    for (const environment of [...environments].sort()) {
      await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('policy.activation:' || $1, 0))", [environment]);
    }
  }

  async insertActivation(row: Omit<ActivationRow, 'activated_at'>, manager: EntityManager): Promise<ActivationRow> {
    const [inserted]: ActivationRow[] = await manager.query(
      `INSERT INTO policy.activation (environment, policy_name, version, regulated, activated_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING environment, policy_name, version, regulated, activated_by, activated_at`,
      [row.environment, row.policy_name, row.version, row.regulated, JSON.stringify(row.activated_by)],
    );
    return inserted!;
  }

  /** Whether any activation was ever made for this policy. */
  async everActivated(name: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM policy.activation WHERE policy_name = $1 LIMIT 1', [name]);
    return rows.length > 0;
  }
}
