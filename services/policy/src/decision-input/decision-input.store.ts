import { createHash } from 'node:crypto';
import { canonicalJson, preparedQuery } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';
import type { ApprovalRequirement } from '../decision/decision.model';
import type { Effect } from '../policy-document/policy-document.model';
import { rebuildInput, type InputProjection } from '../simulation/input-projection';
import type { StoredDecision } from '../simulation/simulation.tally';

/** Something that runs SQL: an EntityManager (inside a transaction or not) or a DataSource. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** DecisionInputRecord is what a decision leaves for backtests: the exact input and what was decided on it. */
export interface DecisionInputRecord {
  policy: { name: string; version: number; hash: string };
  application: string;
  environment: string;
  outcome: Effect;
  approvals: readonly ApprovalRequirement[];
  input: unknown;
  /** Defaults to now. */
  decidedAt?: Date;
}

/** The hash of an input document: SHA-256 (hex) of its RFC 8785 canonical JSON. */
export function inputHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input), 'utf8').digest('hex');
}

/**
 * Stores the input of a decision for later backtests, in the caller's transaction (the
 * promotion that made the decision writes it with the decision). Returns the row id and the
 * input hash, which the decision keeps so that replay can prove it read the same input.
 */
export async function recordDecisionInput(manager: EntityManager, record: DecisionInputRecord): Promise<{ id: string; inputHash: string }> {
  const hash = inputHash(record.input);
  const [row] = await preparedQuery<{ id: string }>(
    manager,
    `INSERT INTO policy.decision_input (policy_name, policy_version, policy_hash, application, environment, outcome, approvals, input, input_hash, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, now())) RETURNING id::text AS id`,
    [
      record.policy.name,
      record.policy.version,
      record.policy.hash,
      record.application,
      record.environment,
      record.outcome,
      JSON.stringify(record.approvals.map(({ group, count }) => ({ group, count }))),
      JSON.stringify(record.input),
      hash,
      record.decidedAt ?? null,
    ],
  );
  return { id: row!.id, inputHash: hash };
}

/** DecisionInputFilter selects the stored decisions a backtest replays. */
export interface DecisionInputFilter {
  policy: string;
  environment?: string | null;
  /** Inclusive. */
  since?: Date | null;
  /** Exclusive. */
  until?: Date | null;
}

interface DecisionInputRow {
  id: string;
  application: string;
  environment: string;
  outcome: Effect;
  /** As text: the few distinct values are parsed once per scan, not once per row. */
  approvals: string;
  input?: unknown;
  projection?: unknown[];
  /** decided_at as PostgreSQL prints it, microseconds included: the keyset cursor (a Date keeps milliseconds only). */
  decided_at_text: string;
}

/**
 * Reads the stored decisions of a policy in (decided_at, id) order, in keyset batches, so a
 * backtest over millions of rows holds one batch at a time and never an open cursor. With
 * `fields` (see inputPathsRead), only those fields of each input are read and rebuilt, which
 * is what makes a backtest of a million decisions fast; without, whole inputs are read.
 */
export async function* scanDecisionInputs(
  db: Queryable,
  filter: DecisionInputFilter,
  batchSize = 2000,
  fields: InputProjection | null = null,
): AsyncGenerator<StoredDecision[]> {
  // When missing must differ from null: a missing field gives SQL NULL and a JSON null gives [null].
  const extract = (i: number) =>
    fields?.distinguishMissing ? `CASE WHEN input #> $${8 + i}::text[] IS NULL THEN NULL ELSE jsonb_build_array(input #> $${8 + i}::text[]) END` : `input #> $${8 + i}::text[]`;
  const projection = fields ? `jsonb_build_array(${fields.paths.map((_, i) => extract(i)).join(', ')}) AS projection` : 'input';
  const read = (after: { cursorAt: string; id: string } | null): Promise<DecisionInputRow[]> =>
    db.query(
      `SELECT id::text AS id, application, environment, outcome, approvals::text AS approvals, ${projection}, decided_at::text AS decided_at_text
       FROM policy.decision_input
       WHERE policy_name = $1
         AND ($2::text IS NULL OR environment = $2)
         AND ($3::timestamptz IS NULL OR decided_at >= $3)
         AND ($4::timestamptz IS NULL OR decided_at < $4)
         AND ($5::timestamptz IS NULL OR (decided_at, id) > ($5::timestamptz, $6::bigint))
       ORDER BY decided_at, id
       LIMIT $7`,
      [filter.policy, filter.environment ?? null, filter.since ?? null, filter.until ?? null, after?.cursorAt ?? null, after?.id ?? null, batchSize, ...(fields?.paths ?? [])],
    );
  const approvals = new Map<string, ApprovalRequirement[]>();
  const parseApprovals = (text: string): ApprovalRequirement[] => {
    let parsed = approvals.get(text);
    if (!parsed) {
      parsed = Object.freeze(JSON.parse(text)) as ApprovalRequirement[];
      if (approvals.size < 10_000) approvals.set(text, parsed);
    }
    return parsed;
  };
  let pending: Promise<DecisionInputRow[]> | null = read(null);
  while (pending) {
    const rows: DecisionInputRow[] = await pending;
    // Ask for the next batch before this one is replayed, so the database works while we evaluate.
    const last = rows[rows.length - 1];
    pending = rows.length === batchSize && last ? read({ cursorAt: last.decided_at_text, id: last.id }) : null;
    // A consumer that stops early must not leave an unhandled rejection behind; awaiting still throws.
    pending?.catch(() => undefined);
    if (rows.length === 0) return;
    yield rows.map((row) => ({
      id: row.id,
      application: row.application,
      environment: row.environment,
      outcome: row.outcome,
      approvals: parseApprovals(row.approvals),
      input: fields ? rebuildInput(fields, row.projection!) : row.input,
      decidedAt: row.decided_at_text,
    }));
  }
}

/** Reads back the exact input document a decision stored, with its hash; null when there is none. */
export async function readDecisionInput(db: Queryable, id: string): Promise<{ input: unknown; inputHash: string } | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const rows: { input: unknown; input_hash: string }[] = await db.query('SELECT input, input_hash FROM policy.decision_input WHERE id = $1', [id]);
  return rows[0] ? { input: rows[0].input, inputHash: rows[0].input_hash } : null;
}
