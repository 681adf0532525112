import { Client } from 'pg';
import { createTestDatabase } from '@gatehouse/shared';
import { AuditErrorReason } from '../src/audit.exception';
import { AuditRecorder, recordAuditEvent } from '../src/audit-event/audit-event.recorder';
import { AuditSealer } from '../src/chain/audit-sealer';
import { anEvent, startAuditFixture, type AuditFixture } from './support/audit-fixture';

describe('recordAuditEvent (integration)', () => {
  let f: AuditFixture;

  beforeEach(async () => {
    f = await startAuditFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  it('writes nothing when the caller rolls back', async () => {
    await expect(
      f.dataSource.transaction(async (manager) => {
        await recordAuditEvent(manager, anEvent());
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await f.repository.chainState()).toEqual({ headSeq: 0, pendingCount: 0 });
  });

  it('refuses to record outside a transaction', async () => {
    await expect(recordAuditEvent(f.dataSource.manager, anEvent())).rejects.toMatchObject({ reason: AuditErrorReason.NOT_IN_TRANSACTION });
  });

  it('refuses an event with a malformed action or missing subject, naming each problem', async () => {
    const error = await f.dataSource
      .transaction((manager) => recordAuditEvent(manager, anEvent({ action: 'Created', subject: { type: '', id: 'x' } })))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: AuditErrorReason.INVALID_EVENT });
    expect((error as { details: { problems: string[] } }).details.problems).toEqual([
      'action must be a dotted lower-case name such as promotion.requested, got "Created"',
      'subject.type is required',
    ]);
  });

  it('records a standalone event as its own committed statement, and refuses an invalid one', async () => {
    const recorder = new AuditRecorder(f.dataSource);
    const recorded = await recorder.recordStandalone(anEvent({ action: 'session.login-failed' }));
    const rows = await f.dataSource.query('SELECT id, action FROM audit.event');
    expect(rows).toEqual([{ id: recorded.id, action: 'session.login-failed' }]);
    await expect(recorder.recordStandalone(anEvent({ action: 'Nope' }))).rejects.toMatchObject({ reason: AuditErrorReason.INVALID_EVENT });
    f.sealer.start();
    await f.waitUntilSealed();
    expect(await f.repository.chainState()).toEqual({ headSeq: 1, pendingCount: 0 });
  });

  it('group-commits concurrent standalone events: each committed once when its call resolves, sharing few commits', async () => {
    const recorder = new AuditRecorder(f.dataSource);
    const recorded = await Promise.all(Array.from({ length: 200 }, (_, i) => recorder.recordStandalone(anEvent({ action: 'user.login.failed', subject: { type: 'user', id: `u${i}` } }))));
    const rows: { id: string; tx: string }[] = await f.dataSource.query('SELECT id, tx::text AS tx FROM audit.event');
    expect(rows.map((r) => r.id).sort()).toEqual(recorded.map((r) => r.id).sort());
    // All 200 calls were made in one turn of the event loop: they form one group, one commit.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
    f.sealer.start();
    await f.waitUntilSealed();
    expect(await f.repository.chainState()).toEqual({ headSeq: 200, pendingCount: 0 });
  });

  it('fails only the event the database refuses when it shares a commit with others', async () => {
    await f.dataSource.query(`
      CREATE FUNCTION public.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.subject_id = 'poison' THEN RAISE EXCEPTION 'poisoned event'; END IF; RETURN NEW; END $$`);
    await f.dataSource.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON audit.event FOR EACH ROW EXECUTE FUNCTION public.refuse_poison()`);
    const recorder = new AuditRecorder(f.dataSource);
    const calls = Array.from({ length: 40 }, (_, i) => recorder.recordStandalone(anEvent({ action: 'user.login.failed', subject: { type: 'user', id: i === 25 ? 'poison' : `u${i}` } })));
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([expect.stringContaining('poisoned event')]);
    expect(settled[25]!.status).toBe('rejected');
    const [{ n }] = await f.dataSource.query(`SELECT count(*)::int AS n FROM audit.event WHERE subject_id <> 'poison'`);
    expect(n).toBe(39);
  });

  it('is not held back by a transaction left open in another database on the same server', async () => {
    const other = await createTestDatabase('gatehouse_audit_other');
    const client = new Client({ connectionString: other.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()'); // holds a transaction id, as a write would
      await f.record([anEvent(), anEvent()]);
      f.sealer.start();
      await f.waitUntilSealed();
      expect(await f.repository.chainState()).toEqual({ headSeq: 2, pendingCount: 0 });
      await client.query('ROLLBACK');
    } finally {
      await client.end();
      await other.drop();
    }
  });

  it('shows an event as pending until it is sealed', async () => {
    await f.record([anEvent()]);
    expect(await f.repository.chainState()).toEqual({ headSeq: 0, pendingCount: 1 });
    f.sealer.start();
    await f.waitUntilSealed();
    expect(await f.repository.chainState()).toEqual({ headSeq: 1, pendingCount: 0 });
  });

  it('seals an event that commits after later-inserted ones, without a gap', async () => {
    f.sealer.start();
    const slow = f.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await recordAuditEvent(slow.manager, anEvent({ action: 'slow.writer' })); // inserted first, committed last
    await f.record([anEvent(), anEvent()]);
    expect((await f.repository.chainState()).pendingCount).toBe(2);
    await slow.commitTransaction();
    await slow.release();
    await f.waitUntilSealed();
    const sealed: { action: string; seq: string }[] = await f.dataSource.query(
      'SELECT e.action, c.seq FROM audit.event e JOIN audit.chain c ON c.event_pk = e.pk ORDER BY c.seq',
    );
    expect(sealed.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
    expect(sealed.map((row) => row.action)).toContain('slow.writer');
    expect(await f.chain.verify()).toMatchObject({ valid: true, eventsChecked: 3 });
  });

  it('lets exactly one sealer lead, and another take over when it stops', async () => {
    const second = new AuditSealer(f.dataSource, f.signer, { checkpointEveryEvents: 1000, checkpointEverySeconds: 60, standbyRetryMs: 20 });
    f.sealer.start();
    second.start();
    await f.record([anEvent()]);
    await f.waitUntilSealed();
    expect([f.sealer.isLeader, second.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = f.sealer.isLeader ? [f.sealer, second] : [second, f.sealer];
    await leader.stop();
    await f.record([anEvent(), anEvent()]);
    await f.waitUntilSealed();
    expect(standby.isLeader).toBe(true);
    await standby.stop();
    expect(await f.chain.verify()).toMatchObject({ valid: true, eventsChecked: 3 });
  });

  it('lets a standby take over when the leader loses its database connection', async () => {
    const second = new AuditSealer(f.dataSource, f.signer, { checkpointEveryEvents: 1000, checkpointEverySeconds: 60, standbyRetryMs: 20 });
    f.sealer.start();
    await f.record([anEvent()]);
    await f.waitUntilSealed();
    second.start();
    await f.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await f.record([anEvent(), anEvent()]);
    await f.waitUntilSealed();
    await second.stop();
    expect(await f.chain.verify()).toMatchObject({ valid: true, eventsChecked: 3 });
  });

  it('seals what is pending and signs the head when it stops', async () => {
    f.sealer.start();
    await f.record(Array.from({ length: 3 }, () => anEvent()));
    await f.sealer.stop();
    expect(await f.repository.chainState()).toEqual({ headSeq: 3, pendingCount: 0 });
    const [checkpoint] = await f.dataSource.query('SELECT max(seq) AS seq FROM audit.checkpoint');
    expect(Number(checkpoint.seq)).toBe(3);
  });
});
