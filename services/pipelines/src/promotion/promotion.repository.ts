import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordStandaloneAuditEvent, type AuditEventInput } from '@gatehouse/audit';
import { groupNamesOf } from '@gatehouse/identity';
import { activeVersionJsonOf, readDecisionInput, type ActiveVersionRef } from '@gatehouse/policy';
import { preparedQuery, type PageRequest } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { activeWindowsJsonOf, type ChangeWindowRow } from '../change-window/change-window.repository';
import { commitsJsonOf, type ChangeRow } from '../change/change.repository';
import type { EvidenceRow } from '../evidence/evidence.model';
import { currentEvidenceJsonOf } from '../evidence/evidence.repository';
import type { Commit } from '../change/change.model';
import type { DecisionTrigger, DeploymentStatus, PromotionState, Vote } from './promotion-state';

/** Something that runs SQL: the data source, or the manager of an open transaction. */
type Db = Pick<EntityManager, 'query'>;

/** PromotionRow is a stored promotion with the names people read. */
export interface PromotionRow {
  id: string;
  seq: string;
  change_id: string;
  version: string;
  registered_by: string;
  application_id: string;
  application: string;
  environment_id: string;
  environment: string;
  source_environment: string | null;
  state: PromotionState;
  emergency: boolean;
  reason: string;
  ticket: string | null;
  requested_by: string;
  requested_by_username: string;
  requested_by_name: string;
  requested_by_kind: 'human' | 'service';
  idempotency_key: string | null;
  current_decision_id: string | null;
  expires_at: Date | null;
  requested_at: Date;
  updated_at: Date;
}

const PROMOTION_COLUMNS = `p.id, p.seq, p.change_id, c.version, c.registered_by, p.application_id, a.name AS application, p.environment_id,
         e.name AS environment, se.name AS source_environment, p.state, p.emergency, p.reason, p.ticket, p.requested_by,
         p.requested_by_username, p.requested_by_name, p.requested_by_kind, p.idempotency_key, p.current_decision_id,
         p.expires_at, p.requested_at, p.updated_at`;

/** The names a promotion row carries, joined to `p`. */
const PROMOTION_JOINS = `
    JOIN pipelines.change c ON c.id = p.change_id
    JOIN pipelines.application a ON a.id = p.application_id
    JOIN pipelines.environment e ON e.id = p.environment_id
    LEFT JOIN pipelines.environment se ON se.id = p.source_environment_id`;

const SELECT_PROMOTION = `
  SELECT ${PROMOTION_COLUMNS}
    FROM pipelines.promotion p ${PROMOTION_JOINS}`;

/** A decision's columns, listed: a prepared statement's result must not change shape under it. */
const DECISION_COLUMNS = `id, promotion_id, outcome, basis, approvals, matched_rules, explanation, errors, policy_name, policy_version,
         policy_hash, decision_input_id, input, input_hash, trigger, decided_at, superseded_at`;

/** TargetRow is what a request needs to know about the change, its application and the two environments. */
export interface TargetRow {
  change_id: string;
  version: string;
  registered_by: string;
  application_id: string;
  application: string;
  team: string;
  application_tier: string;
  tags: string[];
  archived_at: Date | null;
  environment_id: string | null;
  environment: string | null;
  position: number | null;
  regulated: boolean | null;
  tier: string | null;
  timezone: string | null;
  approval_timeout_hours: number | null;
  source_environment_id: string | null;
  source_environment: string | null;
  environments: string[];
  target_deployed: boolean;
  source_deployed_at: Date | null;
  deployments_today: number;
  failed_last_7_days: number;
  rollbacks_last_30_days: number;
  last_failed: boolean;
  // What deciding needs besides, read in the same statement (each part's SQL is its owner's):
  change_seq: string;
  content_hash: string;
  artifact_digest: string;
  title: string;
  ticket: string | null;
  labels: string[];
  changed_paths: string[];
  lines_added: number;
  lines_removed: number;
  change_created_at: Date;
  /** commitsJsonOf */
  commits: Commit[];
  /** currentEvidenceJsonOf (created_at as text: see evidenceRowsOfJson) */
  evidence: (Omit<EvidenceRow, 'created_at'> & { created_at: string })[];
  /** activeWindowsJsonOf of the target environment (created_at as text: see windowRowsOfJson) */
  windows: (Omit<ChangeWindowRow, 'created_at'> & { created_at: string })[];
  /** groupNamesOf the requester */
  requester_groups: string[];
  /** activeVersionJsonOf the target environment */
  active_policy: ActiveVersionRef | null;
}

/** The change as ChangeRepository.findById reads it, from a target row. */
export function changeRowOf(target: TargetRow): ChangeRow {
  return {
    id: target.change_id,
    seq: target.change_seq,
    application: target.application,
    version: target.version,
    content_hash: target.content_hash,
    artifact_digest: target.artifact_digest,
    title: target.title,
    ticket: target.ticket,
    labels: target.labels,
    changed_paths: target.changed_paths,
    lines_added: target.lines_added,
    lines_removed: target.lines_removed,
    registered_by: target.registered_by,
    created_at: target.change_created_at,
  };
}

export interface DecisionRow {
  id: string;
  promotion_id: string;
  outcome: 'allow' | 'require_approval' | 'deny';
  basis: string;
  approvals: { group: string; count: number }[];
  matched_rules: { id: string; effect: string; reason: string }[];
  explanation: { id: string; effect: string; matched: boolean; facts: string[]; error?: string }[];
  errors: { ruleId: string; message: string }[];
  policy_name: string | null;
  policy_version: number | null;
  policy_hash: string | null;
  decision_input_id: string | null;
  input: unknown;
  input_hash: string;
  trigger: DecisionTrigger;
  decided_at: Date;
  superseded_at: Date | null;
}

export interface VoteRow {
  id: string;
  seq: string;
  promotion_id: string;
  decision_id: string;
  voter_id: string;
  voter_username: string;
  voter_name: string;
  vote: Vote;
  comment: string;
  groups: string[];
  created_at: Date;
  dismissed_at: Date | null;
  dismiss_reason: string | null;
}

export interface DeploymentRow {
  id: string;
  promotion_id: string;
  status: DeploymentStatus;
  url: string | null;
  details: unknown;
  reported_by: string;
  reported_by_username: string;
  reported_by_name: string;
  reported_at: Date;
}

export interface TransitionRow {
  seq: string;
  promotion_id: string;
  from_state: PromotionState | null;
  to_state: PromotionState;
  actor_id: string;
  actor_name: string;
  cause: string;
  at: Date;
}

export interface ReviewRow {
  promotion_id: string;
  groups: string[];
  opened_at: Date;
  due_at: Date;
  completed_at: Date | null;
  completed_by: string | null;
  completed_by_username: string | null;
  completed_by_name: string | null;
  comment: string | null;
  application: string;
  environment: string;
}

export interface HistoryRow {
  deployments_today: number;
  failed_last_7_days: number;
  last_failed: boolean;
  rollbacks_last_30_days: number;
}

export interface NewPromotion {
  changeId: string;
  applicationId: string;
  environmentId: string;
  sourceEnvironmentId: string | null;
  emergency: boolean;
  reason: string;
  ticket: string | null;
  requestedBy: string;
  requestedByUsername: string;
  requestedByName: string;
  requestedByKind: 'human' | 'service';
  idempotencyKey: string | null;
}

export interface NewDecision {
  promotionId: string;
  outcome: DecisionRow['outcome'];
  basis: string;
  approvals: DecisionRow['approvals'];
  matchedRules: DecisionRow['matched_rules'];
  explanation: DecisionRow['explanation'];
  errors: DecisionRow['errors'];
  policy: { name: string; version: number; hash: string } | null;
  decisionInputId: string | null;
  /** Stored here only when the policy store kept no copy (no policy governed the target). */
  input: unknown;
  inputHash: string;
  trigger: DecisionTrigger;
}

/** PromotionRepository is the only place that queries promotions and what hangs off them. */
@Injectable()
export class PromotionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Records an audit event that is the whole action (a refusal), group-committed with concurrent ones. */
  recordStandalone(event: AuditEventInput): Promise<unknown> {
    return recordStandaloneAuditEvent(this.dataSource, event);
  }

  /**
   * The change, its application, the target environment (by name), the environment before it,
   * whether the change is deployed in either, and the target's recent history: what a request
   * needs, in one read. The application row is share-locked so it cannot be archived under a request.
   * The same statement reads what deciding needs besides (one round trip, not six): the change's
   * commits and current evidence, the target's windows in force, the groups of `requesterId`
   * and the policy version governing the target.
   */
  async findTarget(changeId: string, environment: string, requesterId: string, manager: EntityManager): Promise<TargetRow | null> {
    const rows = await preparedQuery<TargetRow>(
      manager,
      `SELECT c.id AS change_id, c.version, c.registered_by, a.id AS application_id, a.name AS application, a.team,
              a.tier AS application_tier, a.tags, a.archived_at,
              e.id AS environment_id, e.name AS environment, e.position, e.regulated, e.tier, e.timezone, e.approval_timeout_hours,
              se.id AS source_environment_id, se.name AS source_environment,
              (SELECT array_agg(x.name ORDER BY x.position) FROM pipelines.environment x WHERE x.application_id = a.id) AS environments,
              EXISTS (SELECT 1 FROM pipelines.promotion tp WHERE tp.change_id = c.id AND tp.environment_id = e.id AND tp.state = 'DEPLOYED') AS target_deployed,
              (SELECT d.reported_at FROM pipelines.promotion sp
                 JOIN pipelines.deployment d ON d.promotion_id = sp.id AND d.status = 'SUCCEEDED'
                WHERE sp.change_id = c.id AND sp.environment_id = se.id AND sp.state = 'DEPLOYED'
                ORDER BY d.reported_at DESC LIMIT 1) AS source_deployed_at,
              h.deployments_today, h.failed_last_7_days, h.rollbacks_last_30_days, h.last_failed,
              c.seq AS change_seq, c.content_hash, c.artifact_digest, c.title, c.ticket, c.labels, c.changed_paths,
              c.lines_added, c.lines_removed, c.created_at AS change_created_at,
              ${commitsJsonOf('c.id')} AS commits,
              ${currentEvidenceJsonOf('c.id')} AS evidence,
              ${activeWindowsJsonOf('e.id')} AS windows,
              ${groupNamesOf('$3::uuid')} AS requester_groups,
              ${activeVersionJsonOf('e.name')} AS active_policy
         FROM pipelines.change c
         JOIN pipelines.application a ON a.id = c.application_id
         LEFT JOIN pipelines.environment e ON e.application_id = a.id AND e.name = $2
         LEFT JOIN LATERAL (
           SELECT p.id, p.name FROM pipelines.environment p
            WHERE p.application_id = a.id AND p.position < e.position ORDER BY p.position DESC LIMIT 1
         ) se ON true
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status = 'SUCCEEDED' AND reported_at >= (date_trunc('day', now() AT TIME ZONE e.timezone) AT TIME ZONE e.timezone))::int AS deployments_today,
                  count(*) FILTER (WHERE status = 'FAILED' AND reported_at >= now() - interval '7 days')::int AS failed_last_7_days,
                  count(*) FILTER (WHERE status = 'ROLLED_BACK' AND reported_at >= now() - interval '30 days')::int AS rollbacks_last_30_days,
                  coalesce((SELECT l.status IN ('FAILED', 'ROLLED_BACK') FROM pipelines.deployment l
                             WHERE l.application_id = a.id AND l.environment_id = e.id AND l.status <> 'STARTED'
                             ORDER BY l.reported_at DESC, l.seq DESC LIMIT 1), false) AS last_failed
             FROM pipelines.deployment
            WHERE application_id = a.id AND environment_id = e.id AND reported_at >= now() - interval '30 days'
         ) h ON true
        WHERE c.id = $1
        FOR SHARE OF a`,
      [changeId, environment, requesterId],
    );
    return rows[0] ?? null;
  }

  /** The distinct commit authors of a change. */
  async authorsOf(changeId: string, db: Db = this.dataSource): Promise<string[]> {
    const rows: { author: string }[] = await db.query('SELECT DISTINCT author FROM pipelines.change_commit WHERE change_id = $1', [changeId]);
    return rows.map((r) => r.author);
  }

  /** Inserts a promotion in state REQUESTED with its first transition. */
  async insertPromotion(p: NewPromotion, manager: EntityManager): Promise<string> {
    const [row] = await preparedQuery<{ id: string }>(
      manager,
      `WITH inserted AS (
         INSERT INTO pipelines.promotion (change_id, application_id, environment_id, source_environment_id, state, emergency, reason, ticket,
                                          requested_by, requested_by_username, requested_by_name, requested_by_kind, idempotency_key)
         VALUES ($1, $2, $3, $4, 'REQUESTED', $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
       ), transition AS (
         INSERT INTO pipelines.promotion_transition (promotion_id, from_state, to_state, actor_id, actor_name, cause)
         SELECT id, NULL, 'REQUESTED', $8, $10, CASE WHEN $5 THEN 'emergency requested' ELSE 'requested' END FROM inserted
       )
       SELECT id FROM inserted`,
      [
        p.changeId,
        p.applicationId,
        p.environmentId,
        p.sourceEnvironmentId,
        p.emergency,
        p.reason,
        p.ticket,
        p.requestedBy,
        p.requestedByUsername,
        p.requestedByName,
        p.requestedByKind,
        p.idempotencyKey,
      ],
    );
    return row!.id;
  }

  async findByIdempotencyKey(requestedBy: string, key: string, db: EntityManager | DataSource = this.dataSource): Promise<PromotionRow | null> {
    const rows = await preparedQuery<PromotionRow>(db, `${SELECT_PROMOTION} WHERE p.requested_by = $1 AND p.idempotency_key = $2`, [requestedBy, key]);
    return rows[0] ?? null;
  }

  async findOpen(changeId: string, environmentId: string, db: Db = this.dataSource): Promise<PromotionRow | null> {
    const rows: PromotionRow[] = await db.query(
      `${SELECT_PROMOTION} WHERE p.change_id = $1 AND p.environment_id = $2 AND p.state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'DEPLOYING')`,
      [changeId, environmentId],
    );
    return rows[0] ?? null;
  }

  async latestOf(changeId: string, environment: string, db: Db = this.dataSource): Promise<PromotionRow | null> {
    const rows: PromotionRow[] = await db.query(`${SELECT_PROMOTION} WHERE p.change_id = $1 AND e.name = $2 ORDER BY p.seq DESC LIMIT 1`, [changeId, environment]);
    return rows[0] ?? null;
  }

  async findById(id: string, db: EntityManager | DataSource = this.dataSource): Promise<PromotionRow | null> {
    const rows = await preparedQuery<PromotionRow>(db, `${SELECT_PROMOTION} WHERE p.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<PromotionRow[]> {
    if (ids.length === 0) return [];
    return this.dataSource.query(`${SELECT_PROMOTION} WHERE p.id = ANY($1::uuid[])`, [ids]);
  }

  /** Locks the promotion row for the rest of the transaction: votes, re-decisions and reports on one promotion are serialized. */
  async lock(id: string, manager: EntityManager): Promise<PromotionRow | null> {
    const locked: { id: string }[] = await manager.query('SELECT id FROM pipelines.promotion WHERE id = $1 FOR UPDATE', [id]);
    if (locked.length === 0) return null;
    return this.findById(id, manager);
  }

  /** Locks the open promotions of a change (or of environments by name) that wait for approvals. */
  async lockPending(where: { changeId?: string; environments?: string[] }, manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT p.id FROM pipelines.promotion p JOIN pipelines.environment e ON e.id = p.environment_id
        WHERE p.state = 'PENDING_APPROVAL'
          AND ($1::uuid IS NULL OR p.change_id = $1)
          AND ($2::text[] IS NULL OR e.name = ANY($2))
        ORDER BY p.id FOR UPDATE OF p`,
      [where.changeId ?? null, where.environments ?? null],
    );
    return rows.map((r) => r.id);
  }

  /** Pending promotions past their expiry, locked, skipping rows another transaction holds. */
  async lockExpired(limit: number, manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM pipelines.promotion WHERE state = 'PENDING_APPROVAL' AND expires_at <= now()
        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Moves a promotion to a state and records the transition, in one statement; returns the
   * promotion as it is after the move (null when it was not in state `from`).
   */
  async moveTo(
    t: { promotionId: string; from: PromotionState; to: PromotionState; actorId: string; actorName: string; cause: string; expiresAt?: Date | null },
    manager: EntityManager,
  ): Promise<PromotionRow | null> {
    const rows = await preparedQuery<PromotionRow>(
      manager,
      `WITH moved AS (
         UPDATE pipelines.promotion SET state = $3, updated_at = now(), expires_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE expires_at END
          WHERE id = $1 AND state = $2 RETURNING *
       ), transition AS (
         INSERT INTO pipelines.promotion_transition (promotion_id, from_state, to_state, actor_id, actor_name, cause)
         SELECT id, $2, $3, $4, $5, $6 FROM moved
       )
       SELECT ${PROMOTION_COLUMNS} FROM moved p ${PROMOTION_JOINS}`,
      [t.promotionId, t.from, t.to, t.actorId, t.actorName, t.cause, t.expiresAt !== undefined, t.expiresAt ?? null],
    );
    return rows[0] ?? null;
  }

  async insertDecision(d: NewDecision, manager: EntityManager): Promise<DecisionRow> {
    const [row] = await preparedQuery<DecisionRow>(
      manager,
      `WITH superseded AS (
         UPDATE pipelines.decision SET superseded_at = now() WHERE promotion_id = $1 AND superseded_at IS NULL RETURNING id
       ), inserted AS (
         INSERT INTO pipelines.decision (promotion_id, outcome, basis, approvals, matched_rules, explanation, errors, policy_name, policy_version,
                                         policy_hash, decision_input_id, input, input_hash, trigger)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *
       ), current AS (
         UPDATE pipelines.promotion SET current_decision_id = (SELECT id FROM inserted), updated_at = now() WHERE id = $1 RETURNING id
       )
       SELECT ${DECISION_COLUMNS}, (SELECT count(*) FROM superseded) AS superseded_count, (SELECT count(*) FROM current) AS updated FROM inserted`,
      [
        d.promotionId,
        d.outcome,
        d.basis,
        JSON.stringify(d.approvals),
        JSON.stringify(d.matchedRules),
        JSON.stringify(d.explanation),
        JSON.stringify(d.errors),
        d.policy?.name ?? null,
        d.policy?.version ?? null,
        d.policy?.hash ?? null,
        d.decisionInputId,
        d.input === undefined ? null : JSON.stringify(d.input),
        d.inputHash,
        d.trigger,
      ],
    );
    return row!;
  }

  async decision(id: string, db: Db = this.dataSource): Promise<DecisionRow | null> {
    const rows: DecisionRow[] = await db.query('SELECT * FROM pipelines.decision WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  async decisionsOf(promotionIds: readonly string[]): Promise<DecisionRow[]> {
    return this.dataSource.query('SELECT * FROM pipelines.decision WHERE promotion_id = ANY($1::uuid[]) ORDER BY decided_at, id', [promotionIds]);
  }

  /** The input a decision was made on: from the policy store's copy, or its own. */
  async decisionInput(row: DecisionRow, db: Db = this.dataSource): Promise<{ input: unknown; inputHash: string } | null> {
    if (row.decision_input_id === null) return { input: row.input, inputHash: row.input_hash };
    return readDecisionInput(db, row.decision_input_id);
  }

  async insertVote(
    v: { promotionId: string; decisionId: string; voterId: string; voterUsername: string; voterName: string; vote: Vote; comment: string; groups: string[] },
    manager: EntityManager,
  ): Promise<VoteRow> {
    const [row]: VoteRow[] = await manager.query(
      `INSERT INTO pipelines.vote (promotion_id, decision_id, voter_id, voter_username, voter_name, vote, comment, groups)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [v.promotionId, v.decisionId, v.voterId, v.voterUsername, v.voterName, v.vote, v.comment, v.groups],
    );
    return row!;
  }

  /** The votes that answer a decision and are not dismissed, oldest first. */
  async activeVotes(decisionId: string, db: Db = this.dataSource): Promise<VoteRow[]> {
    return db.query('SELECT * FROM pipelines.vote WHERE decision_id = $1 AND dismissed_at IS NULL ORDER BY seq', [decisionId]);
  }

  async votesOf(promotionIds: readonly string[]): Promise<VoteRow[]> {
    return this.dataSource.query('SELECT * FROM pipelines.vote WHERE promotion_id = ANY($1::uuid[]) ORDER BY seq', [promotionIds]);
  }

  /** Dismisses the undismissed votes of a promotion; returns them. */
  async dismissVotes(promotionId: string, reason: string, manager: EntityManager): Promise<VoteRow[]> {
    return manager.query(
      `WITH dismissed AS (
         UPDATE pipelines.vote SET dismissed_at = now(), dismiss_reason = $2 WHERE promotion_id = $1 AND dismissed_at IS NULL RETURNING *
       ) SELECT * FROM dismissed ORDER BY seq`,
      [promotionId, reason],
    );
  }

  async insertDeployment(
    d: {
      promotionId: string;
      applicationId: string;
      environmentId: string;
      status: DeploymentStatus;
      url: string | null;
      details: unknown;
      reportedBy: string;
      reportedByUsername: string;
      reportedByName: string;
    },
    manager: EntityManager,
  ): Promise<DeploymentRow> {
    const [row]: DeploymentRow[] = await manager.query(
      `INSERT INTO pipelines.deployment (promotion_id, application_id, environment_id, status, url, details, reported_by, reported_by_username, reported_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [d.promotionId, d.applicationId, d.environmentId, d.status, d.url, JSON.stringify(d.details ?? {}), d.reportedBy, d.reportedByUsername, d.reportedByName],
    );
    return row!;
  }

  async deploymentsOf(promotionIds: readonly string[]): Promise<DeploymentRow[]> {
    return this.dataSource.query('SELECT * FROM pipelines.deployment WHERE promotion_id = ANY($1::uuid[]) ORDER BY seq', [promotionIds]);
  }

  async transitionsOf(promotionId: string): Promise<TransitionRow[]> {
    return this.dataSource.query('SELECT * FROM pipelines.promotion_transition WHERE promotion_id = $1 ORDER BY seq', [promotionId]);
  }

  async insertReview(r: { promotionId: string; groups: string[]; dueAt: Date }, manager: EntityManager): Promise<void> {
    await manager.query('INSERT INTO pipelines.emergency_review (promotion_id, groups, due_at) VALUES ($1, $2, $3)', [r.promotionId, r.groups, r.dueAt]);
  }

  async reviews(where: { promotionIds?: readonly string[]; overdue?: boolean }, db: Db = this.dataSource): Promise<ReviewRow[]> {
    return db.query(
      `SELECT r.*, a.name AS application, e.name AS environment
         FROM pipelines.emergency_review r
         JOIN pipelines.promotion p ON p.id = r.promotion_id
         JOIN pipelines.application a ON a.id = p.application_id
         JOIN pipelines.environment e ON e.id = p.environment_id
        WHERE ($1::uuid[] IS NULL OR r.promotion_id = ANY($1))
          AND (NOT $2 OR (r.completed_at IS NULL AND r.due_at < now()))
        ORDER BY r.due_at
        LIMIT 500`,
      [where.promotionIds ?? null, where.overdue ?? false],
    );
  }

  async lockReview(promotionId: string, manager: EntityManager): Promise<ReviewRow | null> {
    const rows: { promotion_id: string }[] = await manager.query('SELECT promotion_id FROM pipelines.emergency_review WHERE promotion_id = $1 FOR UPDATE', [promotionId]);
    if (rows.length === 0) return null;
    const [review] = await this.reviews({ promotionIds: [promotionId] }, manager);
    return review ?? null;
  }

  async completeReview(promotionId: string, by: { id: string; username: string; name: string }, comment: string, manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE pipelines.emergency_review SET completed_at = now(), completed_by = $2, completed_by_username = $3, completed_by_name = $4, comment = $5 WHERE promotion_id = $1',
      [promotionId, by.id, by.username, by.name, comment],
    );
  }

  async page(
    filter: { applicationId: string | null; environment: string | null; states: string[] | null; since: Date | null; emergency: boolean | null; changeId: string | null },
    request: PageRequest,
  ): Promise<{ rows: PromotionRow[]; totalCount: number }> {
    const where = `WHERE ($1::uuid IS NULL OR p.application_id = $1)
        AND ($2::text IS NULL OR e.name = $2)
        AND ($3::text[] IS NULL OR p.state = ANY($3))
        AND ($4::timestamptz IS NULL OR p.requested_at >= $4)
        AND ($5::boolean IS NULL OR p.emergency = $5)
        AND ($6::uuid IS NULL OR p.change_id = $6)`;
    const params = [filter.applicationId, filter.environment, filter.states, filter.since, filter.emergency, filter.changeId];
    const [rows, count]: [PromotionRow[], { count: number }[]] = await Promise.all([
      this.dataSource.query(`${SELECT_PROMOTION} ${where} AND ($7::bigint IS NULL OR p.seq < $7) ORDER BY p.seq DESC LIMIT $8`, [
        ...params,
        request.after ?? null,
        request.first + 1,
      ]),
      this.dataSource.query(
        `SELECT count(*)::int AS count FROM pipelines.promotion p JOIN pipelines.environment e ON e.id = p.environment_id ${where}`,
        params,
      ),
    ]);
    return { rows, totalCount: count[0]!.count };
  }

  /** Pending promotions whose current decision requires one of `groups`, oldest first, after a cursor. */
  async pendingForGroups(groups: string[], afterSeq: string | null, limit: number): Promise<PromotionRow[]> {
    return this.dataSource.query(
      `${SELECT_PROMOTION}
         JOIN pipelines.decision d ON d.id = p.current_decision_id
        WHERE p.state = 'PENDING_APPROVAL'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.approvals) r WHERE r->>'group' = ANY($1))
          AND ($2::bigint IS NULL OR p.seq > $2)
        ORDER BY p.seq LIMIT $3`,
      [groups, afterSeq, limit],
    );
  }

  async applicationId(name: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM pipelines.application WHERE name = $1', [name]);
    return rows[0]?.id ?? null;
  }

  async environmentsOf(applicationId: string): Promise<{ id: string; name: string; position: number }[]> {
    return this.dataSource.query('SELECT id, name, position FROM pipelines.environment WHERE application_id = $1 ORDER BY position', [applicationId]);
  }

  /** Per environment: the promotion whose deployment is live there (last DEPLOYED one), and the open ones. */
  async environmentStatus(applicationId: string): Promise<{ live: PromotionRow[]; open: PromotionRow[]; deployedAt: Map<string, Date> }> {
    const latest: { id: string; deployed_at: Date }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (p.environment_id) p.id, d.reported_at AS deployed_at
         FROM pipelines.promotion p
         JOIN pipelines.deployment d ON d.promotion_id = p.id AND d.status = 'SUCCEEDED'
        WHERE p.application_id = $1 AND p.state = 'DEPLOYED'
        ORDER BY p.environment_id, d.reported_at DESC`,
      [applicationId],
    );
    const [live, open] = await Promise.all([
      this.findByIds(latest.map((r) => r.id)),
      this.dataSource.query(
        `${SELECT_PROMOTION} WHERE p.application_id = $1 AND p.state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'DEPLOYING') ORDER BY p.seq`,
        [applicationId],
      ) as Promise<PromotionRow[]>,
    ]);
    return { live, open, deployedAt: new Map(latest.map((r) => [r.id, r.deployed_at])) };
  }

  /** Where changes are: the latest promotion of each change into each environment, in pipeline order. */
  async latestPerEnvironment(changeIds: readonly string[]): Promise<PromotionRow[]> {
    return this.dataSource.query(
      `${SELECT_PROMOTION}
        WHERE p.id IN (SELECT DISTINCT ON (change_id, environment_id) id FROM pipelines.promotion
                        WHERE change_id = ANY($1::uuid[]) ORDER BY change_id, environment_id, seq DESC)
        ORDER BY e.position`,
      [changeIds],
    );
  }
}
