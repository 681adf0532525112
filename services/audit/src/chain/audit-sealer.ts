import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { canonicalEventBytes, chainHash, GENESIS_HASH } from './audit-chain.canonical';
import { EVENT_ONLY_COLUMNS, toSealedDocument, type AuditEventRow } from '../audit-event/audit-event.row';
import { checkpointPayloadBytes, type CheckpointPayload } from '../checkpoint/audit-checkpoint';
import type { AuditSigner } from '../checkpoint/audit-signer';
import { AUDIT_DATA_SOURCE, AUDIT_SEALER_OPTIONS, AUDIT_SIGNER } from '../audit.tokens';

/** Advisory lock key that elects the one sealer of a database (any fixed number, used for nothing else). */
export const SEALER_LOCK_KEY = 7_306_114_201;

/** AuditSealerOptions tune the sealer; the defaults suit production. */
export interface AuditSealerOptions {
  checkpointEveryEvents: number;
  checkpointEverySeconds: number;
  /** How often an idle leader looks for new events: the sealing lag when writes are rare. */
  pollIntervalMs?: number;
  /** How often a standby tries to become the leader. */
  standbyRetryMs?: number;
  /** Most events sealed in one transaction. */
  batchSize?: number;
}


interface ChainHead {
  seq: number;
  hash: Buffer;
  /** The sealer's cursor: (inserting transaction, insertion key) of the last sealed event. */
  tx: string;
  pk: string;
  checkpointSeq: number;
  checkpointSignature: Buffer | null;
  checkpointAt: number;
}

type ReleasableRunner = QueryRunner & { releasePostgresConnection?(error?: Error): Promise<void> };

/**
 * AuditSealer appends committed events to the hash chain. Every process runs one; the one
 * holding a session-level advisory lock on its own connection is the leader and seals, the
 * others retry the lock and take over when the leader's connection goes away. All sealing
 * happens on that same connection, so a leader that lost its lock also lost its transaction.
 *
 * Which events to seal, without ever skipping one that commits late: each event row carries
 * the id of the transaction that inserted it (`tx`). The snapshot's xmin is the oldest
 * transaction still running, so every event with `tx` below it has committed (or never
 * will): that set can no longer grow. Each batch seals the next events in (tx, pk) order
 * below that horizon, after the cursor, and numbers them after the head. An event of a
 * transaction still running waits for the next batch after it ends; it cannot land behind the
 * cursor, because its tx is at or above the horizon the cursor never passed.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('AuditSealer');
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private leader = false;
  private readonly pollIntervalMs: number;
  private readonly standbyRetryMs: number;
  private readonly batchSize: number;

  constructor(
    @Inject(AUDIT_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
    @Inject(AUDIT_SEALER_OPTIONS) private readonly options: AuditSealerOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5;
    this.standbyRetryMs = options.standbyRetryMs ?? 1000;
    this.batchSize = options.batchSize ?? 5000;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Whether this process currently holds the sealer lock. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Stops sealing; a leader first seals everything committed so far and checkpoints the head. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let runner: ReleasableRunner | undefined;
      try {
        runner = this.dataSource.createQueryRunner() as ReleasableRunner;
        await runner.connect();
        const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SEALER_LOCK_KEY]);
        if (!locked) {
          await runner.release();
          runner = undefined;
          await this.sleep(this.standbyRetryMs);
          continue;
        }
        this.leader = true;
        this.log.log('this process is the audit sealer');
        await this.lead(runner);
        await runner.query('SELECT pg_advisory_unlock($1)', [SEALER_LOCK_KEY]);
        this.leader = false;
        await runner.release();
        runner = undefined;
      } catch (error) {
        this.leader = false;
        this.log.error(`audit sealer lost its connection or failed, retrying: ${(error as Error).message}`);
        // Never hand a connection that may still hold the lock back to the pool.
        if (runner) await destroy(runner, error as Error);
        if (!this.stopping) await this.sleep(this.standbyRetryMs);
      }
    }
  }

  private async lead(runner: QueryRunner): Promise<void> {
    await runner.query(
      'INSERT INTO audit.signing_key (key_id, public_key_pem) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING',
      [this.signer.keyId, this.signer.publicKeyPem],
    );
    const head = await this.readHead(runner);
    while (!this.stopping) {
      // Idle polls cost one indexed probe, not a transaction.
      const sealed = (await this.hasPending(runner, head)) ? await this.sealBatch(runner, head) : 0;
      if (head.seq > head.checkpointSeq && Date.now() - head.checkpointAt >= this.options.checkpointEverySeconds * 1000) {
        await this.checkpointNow(runner, head);
      }
      if (sealed < this.batchSize) await this.sleep(this.pollIntervalMs);
    }
    // Shutting down: seal what has committed, and sign the head so nothing sealed is left unsigned.
    while ((await this.sealBatch(runner, head)) > 0);
    if (head.seq > head.checkpointSeq) await this.checkpointNow(runner, head);
  }

  private async readHead(runner: QueryRunner): Promise<ChainHead> {
    const [last] = await runner.query(
      'SELECT c.seq, c.hash, e.tx::text AS tx, e.pk FROM audit.chain c JOIN audit.event e ON e.pk = c.event_pk ORDER BY c.seq DESC LIMIT 1',
    );
    const [checkpoint] = await runner.query('SELECT seq, signature, created_at FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    return {
      seq: last ? Number(last.seq) : 0,
      hash: last ? last.hash : GENESIS_HASH,
      tx: last ? last.tx : '0',
      pk: last ? String(last.pk) : '0',
      checkpointSeq: checkpoint ? Number(checkpoint.seq) : 0,
      checkpointSignature: checkpoint ? checkpoint.signature : null,
      checkpointAt: checkpoint ? new Date(checkpoint.created_at).getTime() : Date.now(),
    };
  }

  private async hasPending(runner: QueryRunner, head: ChainHead): Promise<boolean> {
    const [row] = await runner.query('SELECT EXISTS (SELECT 1 FROM audit.event WHERE (tx, pk) > ($1::xid8, $2::bigint)) AS pending', [head.tx, head.pk]);
    return row.pending;
  }

  /** Seals one batch in one transaction; returns how many events it sealed. */
  private async sealBatch(runner: QueryRunner, head: ChainHead): Promise<number> {
    const before = { ...head };
    await runner.startTransaction();
    try {
      const [{ horizon }] = await runner.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon');
      const rows: (AuditEventRow & { tx: string })[] = await runner.query(
        `SELECT e.tx::text AS tx, ${EVENT_ONLY_COLUMNS} FROM audit.event e
          WHERE (e.tx, e.pk) > ($1::xid8, $2::bigint) AND e.tx < $3::xid8
          ORDER BY e.tx, e.pk LIMIT $4`,
        [head.tx, head.pk, horizon, this.batchSize],
      );
      if (rows.length === 0) {
        await runner.commitTransaction();
        return 0;
      }
      const pks: string[] = [];
      const seqs: number[] = [];
      const canonicals: Buffer[] = [];
      const prevHashes: Buffer[] = [];
      const hashes: Buffer[] = [];
      const checkpoints: { seq: number; hash: Buffer }[] = [];
      for (const row of rows) {
        const seq = head.seq + 1;
        const canonical = canonicalEventBytes(toSealedDocument(row, seq));
        const hash = chainHash(head.hash, canonical);
        pks.push(row.pk);
        seqs.push(seq);
        canonicals.push(canonical);
        prevHashes.push(head.hash);
        hashes.push(hash);
        head.seq = seq;
        head.hash = hash;
        head.tx = row.tx;
        head.pk = row.pk;
        if (seq - (checkpoints.at(-1)?.seq ?? head.checkpointSeq) >= this.options.checkpointEveryEvents) checkpoints.push({ seq, hash });
      }
      await runner.query(
        `INSERT INTO audit.chain (seq, event_pk, canonical, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[], $5::bytea[])`,
        [seqs, pks, canonicals, prevHashes, hashes],
      );
      for (const checkpoint of checkpoints) await this.insertCheckpoint(runner, head, checkpoint.seq, checkpoint.hash);
      await runner.commitTransaction();
      return rows.length;
    } catch (error) {
      Object.assign(head, before);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  private async checkpointNow(runner: QueryRunner, head: ChainHead): Promise<void> {
    const before = { ...head };
    await runner.startTransaction();
    try {
      await this.insertCheckpoint(runner, head, head.seq, head.hash);
      await runner.commitTransaction();
    } catch (error) {
      Object.assign(head, before);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  private async insertCheckpoint(runner: QueryRunner, head: ChainHead, seq: number, hash: Buffer): Promise<void> {
    const time = new Date();
    const payload: CheckpointPayload = {
      v: 1,
      seq,
      hash: hash.toString('hex'),
      time: time.toISOString(),
      keyId: this.signer.keyId,
      previous: head.checkpointSignature ? { seq: head.checkpointSeq, signature: head.checkpointSignature.toString('base64') } : null,
    };
    const payloadBytes = checkpointPayloadBytes(payload);
    const signature = this.signer.sign(payloadBytes);
    await runner.query(
      `INSERT INTO audit.checkpoint (seq, hash, created_at, previous_seq, key_id, payload, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [seq, hash, time, payload.previous?.seq ?? null, this.signer.keyId, payloadBytes, signature],
    );
    head.checkpointSeq = seq;
    head.checkpointSignature = signature;
    head.checkpointAt = time.getTime();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

async function destroy(runner: ReleasableRunner, error: Error): Promise<void> {
  try {
    if (runner.releasePostgresConnection) await runner.releasePostgresConnection(error);
    else await runner.release();
  } catch {
    // already gone
  }
}
