import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { postgresErrorCode, preparedQuery, preparedStatementName } from '@gatehouse/shared';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AUDIT_DATA_SOURCE } from '../audit.tokens';
import { addMonths, monthStart, partitionSuffix } from '../chain/audit-month';
import { CHAIN_HEAD_SQL, CHAIN_OF_EVENT, DOCUMENT_FROM_COLUMNS_SQL, EVENT_COLUMNS, EVENTS_WITH_CHAIN, type AuditEventRow } from './audit-event.row';

/** AuditEventFilter narrows a list of events; every field is optional and they combine with AND. */
export interface AuditEventFilter {
  actors?: string[];
  actions?: string[];
  subjectType?: string;
  subjectId?: string;
  application?: string;
  environment?: string;
  since?: Date;
  until?: Date;
  text?: string;
}

/** SealedChainRow is what verification and export read per sealed event. */
export interface SealedChainRow {
  seq: string;
  canonical: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
  columns_match?: boolean;
}

/**
 * ChainCheckRow is a row the database singled out while checking a seq range itself: the first
 * and last of the range, every row that breaks (gap, link, hash) and every row asked for by
 * seq (checkpoints). `lagHash` is the hash of the row before it in the range.
 */
export interface ChainCheckRow {
  seq: number;
  prevHash: Buffer;
  hash: Buffer;
  lagSeq: number | null;
  lagHash: Buffer | null;
  hashOk: boolean;
  /** Only for a row whose link or hash is broken (the verifier reads the seq it was sealed as). */
  canonical: Buffer | null;
}

/** CheckpointRow is one row of audit.checkpoint. */
export interface CheckpointRow {
  seq: string;
  hash: Buffer;
  created_at: Date;
  key_id: string;
  payload: Buffer;
  signature: Buffer;
}

/** RetentionAnchorRow is the latest prune's anchor with the month seal it cut at. */
export interface RetentionAnchorRow {
  id: string;
  pruned_at: Date;
  kept_from: string;
  cut_seq: string;
  cut_hash: Buffer;
  retention_months: number;
  events_removed: string;
  operator: string;
  ticket: string | null;
  seal_month: string;
  seal_last_seq: string;
  seal_hash: Buffer;
  seal_key_id: string;
  seal_payload: Buffer;
  seal_signature: Buffer;
}

/** The parts of the driver's pg pool and its clients the prepared reads use. */
interface PgQueryable {
  query<T>(config: string | { name?: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error): void }>;
}

/** AuditEventRepository is the only code that queries the audit tables for reading. */
@Injectable()
export class AuditEventRepository {
  constructor(@Inject(AUDIT_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Runs a read as a named prepared statement on the pool. The log is partitioned by month, so
   * a query that cannot prune partitions (newest first by actor, by seq…) costs PostgreSQL
   * milliseconds of planning per partition set — 12–47 ms measured with 88 monthly partitions,
   * against ~2 ms to execute. A prepared statement is planned once per connection, and
   * PostgreSQL then keeps a generic plan when it guesses it no dearer than the custom ones.
   *
   * With `forceGeneric`, it does not guess: for a page of the log (`LIMIT $n`) the guess went
   * either way between runs on the same data, re-planning every read (p95 17 ms in one run, 3.4
   * ms in another). Those reads' plans do not depend on the values (index walks, pruning at run
   * time), so the generic plan is forced for that statement alone with `SET LOCAL` in a
   * read-only transaction — two more round trips (~0.5 ms measured) instead of a re-plan, and
   * the session's setting stays untouched for every other query on the connection.
   */
  private async prepared<T>(text: string, values: unknown[], options: { forceGeneric?: boolean } = {}): Promise<T[]> {
    if (!options.forceGeneric) return preparedQuery<T>(this.dataSource, text, values);
    return this.withLocalSettings('plan_cache_mode = force_generic_plan', { name: preparedStatementName(text), text, values });
  }

  private pool(): PgPool {
    return (this.dataSource.driver as PostgresDriver).master as PgPool;
  }

  /**
   * Runs one read in a read-only transaction of its own with planner settings made for it
   * (`SET LOCAL`: one round trip with BEGIN, gone at COMMIT), so no other query on the
   * connection sees them.
   */
  private async withLocalSettings<T>(settings: string, query: { name?: string; text: string; values: unknown[] }): Promise<T[]> {
    const client = await this.pool().connect();
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN READ ONLY; ${settings.split(';').map((setting) => `SET LOCAL ${setting.trim()}`).join('; ')}`);
      const result = await client.query<T>(query);
      await client.query('COMMIT');
      return result.rows;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: the pool discards it.
      client.release(broken);
    }
  }

  /**
   * Newest first by insertion; `beforePk` continues a page. Reads `limit` rows. The page is
   * cut from audit.event alone (an index walk in pk order) before the chain is joined, so
   * only the rows returned are looked up in audit.chain.
   */
  async list(filter: AuditEventFilter, beforePk: string | undefined, limit: number): Promise<AuditEventRow[]> {
    const { where, params } = whereClause(filter);
    if (beforePk !== undefined) {
      params.push(beforePk);
      where.push(`e.pk < $${params.length}`);
    }
    params.push(limit);
    return this.prepared(
      `SELECT ${EVENT_COLUMNS}
         FROM (SELECT * FROM audit.event e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.pk DESC LIMIT $${params.length}) AS e
         LEFT JOIN audit.chain c ON ${CHAIN_OF_EVENT}
        ORDER BY e.pk DESC`,
      params,
      { forceGeneric: true },
    );
  }

  async count(filter: AuditEventFilter): Promise<number> {
    const { where, params } = whereClause(filter);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::bigint AS n FROM audit.event e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    return Number(row.n);
  }

  async findBySeq(seq: number): Promise<AuditEventRow | undefined> {
    const [row] = await this.prepared<AuditEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit.chain c JOIN audit.event e ON ${CHAIN_OF_EVENT} WHERE c.seq = $1`,
      [seq],
    );
    return row;
  }

  /** Events whose subject is the change, or whose data names it as `changeId`, oldest first. */
  async findAboutChange(changeId: string, limit: number): Promise<AuditEventRow[]> {
    return this.prepared(
      `WITH about AS (
         SELECT pk FROM audit.event WHERE subject_type = 'change' AND subject_id = $1
         UNION
         SELECT pk FROM audit.event WHERE data ? 'changeId' AND data ->> 'changeId' = $1
       )
       SELECT ${EVENT_COLUMNS} FROM about JOIN ${EVENTS_WITH_CHAIN} ON e.pk = about.pk ORDER BY e.pk LIMIT $2`,
      [changeId, limit],
    );
  }

  /**
   * The chain head (0 when empty) and how many committed events wait to be sealed: those
   * after the last sealed event in the sealer's (tx, pk) order.
   */
  async chainState(): Promise<{ headSeq: number; pendingCount: number }> {
    const [head] = await this.prepared<{ seq: string; tx: string; pk: string; recorded_at: Date }>(CHAIN_HEAD_SQL, []);
    if (!head) {
      const [row] = await this.dataSource.query('SELECT count(*) AS pending FROM audit.event');
      return { headSeq: 0, pendingCount: Number(row.pending) };
    }
    // The sealer goes month by month, in (tx, pk) order within a month: pending are the events
    // after the head in its month, and every event of a later month. The head's month is counted
    // on its partition, a row comparison its (tx, pk) index answers with a range scan over the
    // pending tail only.
    const month = monthStart(new Date(head.recorded_at));
    const partition = `audit.event_${partitionSuffix(month)}`;
    const [{ present }] = await this.dataSource.query('SELECT to_regclass($1) IS NOT NULL AS present', [partition]);
    const [row] = await this.dataSource.query(
      // The parent before the partition: the lock order a prune uses (see AuditRetention.prune).
      `SELECT (SELECT count(*) FROM audit.event WHERE recorded_at >= $1)
              ${present ? `+ (SELECT count(*) FROM ${partition} WHERE (tx, pk) > ($2::xid8, $3::bigint))` : ''} AS pending`,
      [addMonths(month, 1), ...(present ? [head.tx, head.pk] : [])],
    );
    return { headSeq: Number(head.seq), pendingCount: Number(row.pending) };
  }

  /** The chain head: the last sealed seq, 0 when nothing is sealed. */
  async headSeq(): Promise<number> {
    const [row] = await this.prepared<{ head: string }>('SELECT coalesce(max(seq), 0) AS head FROM audit.chain', []);
    return Number(row.head);
  }

  async hashAt(seq: number): Promise<Buffer | undefined> {
    const [row] = await this.prepared<{ hash: Buffer }>('SELECT hash FROM audit.chain WHERE seq = $1', [seq]);
    return row?.hash;
  }

  /**
   * Sealed events with seq in [fromSeq, toSeq], in seq order, at most `limit`; optionally with
   * the column check. The bytes travel as text (canonical bytes are UTF-8 by construction,
   * hashes as hex): a third faster through node-postgres than bytea's hex-escaped form. Bytes
   * that are not valid UTF-8 (only tampering makes those) fail that query, and the batch is
   * read again as bytea (without the column check) so that verification can still name the
   * broken seq.
   */
  async sealedRange(fromSeq: number, toSeq: number, limit: number, checkColumns: boolean): Promise<SealedChainRow[]> {
    const columnsMatch = checkColumns ? `, convert_from(c.canonical, 'UTF8')::jsonb = ${DOCUMENT_FROM_COLUMNS_SQL} AS columns_match` : '';
    const from = checkColumns ? `audit.chain c LEFT JOIN audit.event e ON ${CHAIN_OF_EVENT}` : 'audit.chain c';
    try {
      const rows: { seq: string; canonical: string; prev_hash: string; hash: string; columns_match?: boolean }[] = await this.dataSource.query(
        `SELECT c.seq, convert_from(c.canonical, 'UTF8') AS canonical, encode(c.prev_hash, 'hex') AS prev_hash, encode(c.hash, 'hex') AS hash${columnsMatch}
           FROM ${from} WHERE c.seq >= $1 AND c.seq <= $2 ORDER BY c.seq LIMIT $3`,
        [fromSeq, toSeq, limit],
      );
      return rows.map((row) => ({
        seq: row.seq,
        canonical: Buffer.from(row.canonical, 'utf8'),
        prev_hash: Buffer.from(row.prev_hash, 'hex'),
        hash: Buffer.from(row.hash, 'hex'),
        columns_match: row.columns_match,
      }));
    } catch (error) {
      if (!INVALID_TEXT_CODES.has(postgresErrorCode(error) ?? '')) throw error;
      // Without the column check for this batch: the row whose bytes are not text fails its hash.
      return this.dataSource.query(
        'SELECT seq, canonical, prev_hash, hash FROM audit.chain WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3',
        [fromSeq, toSeq, limit],
      );
    }
  }

  /**
   * The partitions of audit.chain holding seqs in [fromSeq, toSeq], each with the lowest and
   * highest seq it holds, in seq order. Every row of the chain lies in exactly one partition, so
   * checking each partition between its own lowest and highest seq visits every row once; a row
   * filed in the wrong month makes two partitions' ranges overlap, which the verifier reports
   * as seqs out of order.
   */
  async chainPartitions(fromSeq: number, toSeq: number): Promise<{ partition: string; minSeq: number; maxSeq: number }[]> {
    const partitions: { name: string }[] = await this.dataSource.query(
      `SELECT c.oid::regclass::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit.chain'::regclass ORDER BY c.relname`,
    );
    if (partitions.length === 0) return [];
    // One round trip for every partition's bounds (each an index lookup at both ends).
    const bounds: { name: string; min_seq: string | null; max_seq: string | null }[] = await this.dataSource.query(
      partitions
        .map((p, i) => `SELECT $${i + 3}::text AS name, min(seq) AS min_seq, max(seq) AS max_seq FROM ${p.name} WHERE seq >= $1 AND seq <= $2`)
        .join(' UNION ALL '),
      [fromSeq, toSeq, ...partitions.map((p) => p.name)],
    );
    return bounds
      .filter((b) => b.min_seq !== null)
      .map((b) => ({ partition: b.name, minSeq: Number(b.min_seq), maxSeq: Number(b.max_seq) }))
      .sort((a, b) => a.minSeq - b.minSeq || a.maxSeq - b.maxSeq);
  }

  /**
   * Lets PostgreSQL check seq `fromSeq`..`toSeq` of the chain where the rows are: SHA-256 of
   * prevHash ‖ sealed bytes (pg_catalog.sha256, in C), each prevHash against the previous
   * row's hash, and gaps. Only the rows the verifier must see come back (see ChainCheckRow),
   * so a million good rows cost a few hundred bytes of traffic instead of a gigabyte.
   * `partition` is one month's table as chainPartitions names it: read directly, PostgreSQL
   * walks that month's seq index in order, where the same query on audit.chain merges every
   * month's (measured on 1,000,000 events in 88 partitions: 233k against ~500k events/s).
   */
  async chainCheck(fromSeq: number, toSeq: number, mustReturn: number[], partition: string): Promise<ChainCheckRow[]> {
    // The planner estimates a parallel scan of the whole month plus a sort (spilled to disk)
    // cheaper than walking the seq index for a range; measured on 1,000,000 events, the walk is
    // about twice as fast, and the two ranges in flight already use both cores.
    const rows = await this.withLocalSettings<{ seq: string; prev_hash: string; hash: string; lag_seq: string | null; lag_hash: string | null; hash_ok: boolean; canonical: string | null }>(
      'max_parallel_workers_per_gather = 0; enable_seqscan = off; enable_bitmapscan = off; enable_sort = off',
      {
        text: `WITH r AS (
           SELECT c.seq, c.prev_hash, c.hash, c.canonical,
                  pg_catalog.sha256(c.prev_hash || c.canonical) = c.hash AS hash_ok,
                  lag(c.seq) OVER w AS lag_seq, lag(c.hash) OVER w AS lag_hash, lead(c.seq) OVER w AS lead_seq
             FROM ${partition} c WHERE c.seq >= $1 AND c.seq <= $2
           WINDOW w AS (ORDER BY c.seq))
         SELECT seq, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash, lag_seq, encode(lag_hash, 'hex') AS lag_hash, hash_ok,
                CASE WHEN NOT hash_ok OR lag_hash IS DISTINCT FROM prev_hash THEN encode(canonical, 'hex') END AS canonical
           FROM r
          WHERE lag_seq IS NULL OR lead_seq IS NULL OR seq <> lag_seq + 1 OR lag_hash IS DISTINCT FROM prev_hash OR NOT hash_ok
             OR seq = ANY($3::bigint[])
          ORDER BY seq`,
        values: [fromSeq, toSeq, mustReturn],
      },
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      prevHash: Buffer.from(row.prev_hash, 'hex'),
      hash: Buffer.from(row.hash, 'hex'),
      lagSeq: row.lag_seq === null ? null : Number(row.lag_seq),
      lagHash: row.lag_hash === null ? null : Buffer.from(row.lag_hash, 'hex'),
      hashOk: row.hash_ok,
      canonical: row.canonical === null ? null : Buffer.from(row.canonical, 'hex'),
    }));
  }

  /** Full rows of sealed events with seq in [fromSeq, toSeq], in seq order, at most `limit` (for CSV). */
  async sealedRows(fromSeq: number, toSeq: number, limit: number): Promise<AuditEventRow[]> {
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM audit.chain c JOIN audit.event e ON ${CHAIN_OF_EVENT}
        WHERE c.seq >= $1 AND c.seq <= $2 ORDER BY c.seq LIMIT $3`,
      [fromSeq, toSeq, limit],
    );
  }

  /** The seq range of sealed events that occurred in [since, until). */
  async seqRangeForTime(since: Date | undefined, until: Date | undefined): Promise<{ fromSeq: number; toSeq: number } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT min(c.seq) AS from_seq, max(c.seq) AS to_seq FROM audit.event e JOIN audit.chain c ON ${CHAIN_OF_EVENT}
        WHERE ($1::timestamptz IS NULL OR e.occurred_at >= $1) AND ($2::timestamptz IS NULL OR e.occurred_at < $2)`,
      [since ?? null, until ?? null],
    );
    return row.from_seq === null ? undefined : { fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq) };
  }

  /** Checkpoints with seq in [fromSeq, toSeq] (toSeq null: no upper bound), oldest first. */
  async checkpoints(fromSeq: number, toSeq: number | null): Promise<CheckpointRow[]> {
    return this.dataSource.query(
      `SELECT seq, hash, created_at, key_id, payload, signature FROM audit.checkpoint
        WHERE seq >= $1 AND ($2::bigint IS NULL OR seq <= $2) ORDER BY seq`,
      [fromSeq, toSeq],
    );
  }

  async checkpointBefore(seq: number): Promise<CheckpointRow | undefined> {
    const [row] = await this.dataSource.query(
      'SELECT seq, hash, created_at, key_id, payload, signature FROM audit.checkpoint WHERE seq < $1 ORDER BY seq DESC LIMIT 1',
      [seq],
    );
    return row;
  }

  async firstCheckpointFrom(seq: number): Promise<CheckpointRow | undefined> {
    const [row] = await this.dataSource.query(
      'SELECT seq, hash, created_at, key_id, payload, signature FROM audit.checkpoint WHERE seq >= $1 ORDER BY seq LIMIT 1',
      [seq],
    );
    return row;
  }

  async latestCheckpoint(): Promise<CheckpointRow | undefined> {
    const [row] = await this.dataSource.query(
      'SELECT seq, hash, created_at, key_id, payload, signature FROM audit.checkpoint ORDER BY seq DESC LIMIT 1',
    );
    return row;
  }

  /** The newest retention anchor (the last prune), with its month seal; undefined when nothing was ever pruned. */
  async latestRetentionAnchor(): Promise<RetentionAnchorRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT a.id, a.pruned_at, to_char(a.kept_from, 'YYYY-MM') AS kept_from, a.cut_seq, a.cut_hash, a.retention_months, a.events_removed,
              a.operator, a.ticket, to_char(s.month, 'YYYY-MM') AS seal_month, s.last_seq AS seal_last_seq, s.hash AS seal_hash,
              s.key_id AS seal_key_id, s.payload AS seal_payload, s.signature AS seal_signature
         FROM audit.retention_anchor a JOIN audit.month_seal s ON s.month = a.seal_month
        ORDER BY a.cut_seq DESC, a.id DESC LIMIT 1`,
    );
    return row;
  }

  async signingKeys(): Promise<{ key_id: string; public_key_pem: string; first_used_at: Date }[]> {
    return this.dataSource.query('SELECT key_id, public_key_pem, first_used_at FROM audit.signing_key ORDER BY first_used_at');
  }
}

// character_not_in_repertoire / untranslatable_character: bytes that are not UTF-8 text.
const INVALID_TEXT_CODES = new Set(['22021', '22P05']);

function whereClause(filter: AuditEventFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  // One value compares with `=`, so the (column, pk DESC) index yields rows already in page order.
  if (filter.actors?.length === 1) add((p) => `e.actor_id = ${p}`, filter.actors[0]);
  else if (filter.actors?.length) add((p) => `e.actor_id = ANY(${p}::text[])`, filter.actors);
  if (filter.actions?.length === 1) add((p) => `e.action = ${p}`, filter.actions[0]);
  else if (filter.actions?.length) add((p) => `e.action = ANY(${p}::text[])`, filter.actions);
  if (filter.subjectType) add((p) => `e.subject_type = ${p}`, filter.subjectType);
  if (filter.subjectId) add((p) => `e.subject_id = ${p}`, filter.subjectId);
  if (filter.application) add((p) => `e.application = ${p}`, filter.application);
  if (filter.environment) add((p) => `e.environment = ${p}`, filter.environment);
  if (filter.since) add((p) => `e.occurred_at >= ${p}`, filter.since);
  if (filter.until) add((p) => `e.occurred_at < ${p}`, filter.until);
  if (filter.text) {
    // A substring search; the other filters (all indexed) keep it to a small scan in practice.
    add(
      (p) => `(e.action ILIKE ${p} OR e.subject_id ILIKE ${p} OR e.actor_id ILIKE ${p} OR e.actor_display_name ILIKE ${p} OR e.data::text ILIKE ${p})`,
      `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    );
  }
  return { where, params };
}
