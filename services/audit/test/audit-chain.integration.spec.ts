import { chainHash } from '../src/chain/audit-chain.canonical';
import { AuditChainProblem } from '../src/chain/audit-chain.verifier';
import { anEvent, startAuditFixture, tamper, type AuditFixture } from './support/audit-fixture';

describe('audit chain (integration)', () => {
  let f: AuditFixture;

  beforeEach(async () => {
    f = await startAuditFixture({ checkpointEveryEvents: 10 });
    f.sealer.start();
    for (let i = 0; i < 5; i++) await f.record(Array.from({ length: 10 }, () => anEvent()));
    await f.waitUntilSealed();
  });

  afterEach(async () => {
    await f.close();
  });

  it('seals every committed event into one gap-free chain that verifies', async () => {
    const result = await f.chain.verify();
    expect(result).toMatchObject({
      valid: true,
      sealedFrom: 1,
      sealedTo: 50,
      pendingCount: 0,
      checkedFrom: 1,
      checkedTo: 50,
      eventsChecked: 50,
      checkpointsChecked: 5,
      firstBroken: null,
    });
    expect(result.keyIds).toEqual([f.signer.keyId]);
  });

  it('verifies a sub-range from its anchor', async () => {
    const result = await f.chain.verify({ fromSeq: 21, toSeq: 35 });
    expect(result).toMatchObject({ valid: true, checkedFrom: 21, checkedTo: 35, eventsChecked: 15, checkpointsChecked: 1 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the audit tables', async () => {
    await expect(f.dataSource.query(`UPDATE audit.event SET action = 'x.y' WHERE pk = 3`)).rejects.toThrow(/append-only: UPDATE on audit.event/);
    await expect(f.dataSource.query('DELETE FROM audit.event WHERE pk = 3')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('TRUNCATE audit.event CASCADE')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('UPDATE audit.chain SET hash = hash WHERE seq = 3')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.chain WHERE seq = 3')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('TRUNCATE audit.chain')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.checkpoint')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query(`UPDATE audit.checkpoint SET key_id = key_id`)).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('TRUNCATE audit.checkpoint')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.signing_key')).rejects.toThrow(/append-only/);
  });

  it('names an edited row: columns changed behind the sealed bytes', async () => {
    await tamper(f.dataSource, `UPDATE audit.event SET action = 'approval.granted' WHERE pk = (SELECT event_pk FROM audit.chain WHERE seq = 17)`);
    const result = await f.chain.verify();
    expect(result.valid).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 17, problem: AuditChainProblem.EDITED_COLUMNS });
  });

  it('names an edited row: sealed bytes changed', async () => {
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12`);
    const result = await f.chain.verify({ checkColumns: false });
    expect(result.firstBroken).toMatchObject({ seq: 12, problem: AuditChainProblem.HASH_MISMATCH });
  });

  it('names sealed bytes overwritten with bytes that are not even text', async () => {
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = decode('ff00fe', 'hex') WHERE seq = 14`);
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 14, problem: AuditChainProblem.HASH_MISMATCH });
  });

  it('names an edited row whose hash was recomputed: the next link breaks', async () => {
    await tamper(
      f.dataSource,
      `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12;
       UPDATE audit.chain SET hash = sha256(prev_hash || canonical) WHERE seq = 12`,
    );
    const result = await f.chain.verify({ checkColumns: false });
    expect(result.firstBroken).toMatchObject({ seq: 13, problem: AuditChainProblem.BROKEN_LINK });
  });

  it('names a deleted row', async () => {
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq = 23');
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 23, problem: AuditChainProblem.MISSING_EVENT });
  });

  it('names a deleted event whose chain row was left behind', async () => {
    await tamper(f.dataSource, 'DELETE FROM audit.event WHERE pk = (SELECT event_pk FROM audit.chain WHERE seq = 24)');
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 24, problem: AuditChainProblem.EDITED_COLUMNS });
  });

  it('names two swapped rows', async () => {
    await tamper(
      f.dataSource,
      `UPDATE audit.chain SET seq = seq + 1000000 WHERE seq IN (31, 33);
       UPDATE audit.chain SET seq = 33 WHERE seq = 1000031;
       UPDATE audit.chain SET seq = 31 WHERE seq = 1000033`,
    );
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 31, problem: AuditChainProblem.EVENT_MOVED });
    expect(result.firstBroken?.message).toContain('sealed as seq 33');
  });

  it('names a forged checkpoint', async () => {
    await tamper(f.dataSource, `UPDATE audit.checkpoint SET signature = decode(repeat('ab', 64), 'hex') WHERE seq = 30`);
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 30, problem: AuditChainProblem.FORGED_CHECKPOINT });
  });

  it('names a chain rewritten from an edit onwards, against the signed checkpoint', async () => {
    // The insider edits seq 12 and recomputes every hash after it; only the signatures stop them.
    await tamper(
      f.dataSource,
      `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12;
       UPDATE audit.event SET actor_display_name = 'Eve Lovelace' WHERE pk = (SELECT event_pk FROM audit.chain WHERE seq = 12)`,
    );
    const rows: { seq: string; canonical: Buffer; prev_hash: Buffer }[] = await f.dataSource.query(
      'SELECT seq, canonical, prev_hash FROM audit.chain WHERE seq >= 12 ORDER BY seq',
    );
    let prev = rows[0]!.prev_hash;
    for (const row of rows) {
      const hash = chainHash(prev, row.canonical);
      await tamper(f.dataSource, 'UPDATE audit.chain SET prev_hash = $1, hash = $2 WHERE seq = $3', [prev, hash, row.seq]);
      prev = hash;
    }
    const result = await f.chain.verify();
    expect(result.firstBroken).toMatchObject({ seq: 20, problem: AuditChainProblem.CHAIN_REWRITTEN });
  });

  it('names a truncated tail against a checkpoint kept outside the database', async () => {
    const [kept] = await f.dataSource.query('SELECT seq, hash FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    await f.sealer.stop();
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq > 40; DELETE FROM audit.checkpoint WHERE seq > 40');
    const unaware = await f.chain.verify();
    expect(unaware.valid).toBe(true); // nothing inside the database can tell...
    const result = await f.chain.verify({ trusted: [{ seq: Number(kept.seq), hash: kept.hash }] });
    expect(result.firstBroken).toMatchObject({ seq: 41, problem: AuditChainProblem.TRUNCATED });
    expect(result.firstBroken?.message).toContain('events 41–50 were removed');
  });
});

describe('audit sealer: one batch cut into several chain statements', () => {
  let f: AuditFixture;

  afterEach(async () => {
    await f.close();
  });

  it('chains documents of any byte length across statement boundaries, each prev_hash the hash before it', async () => {
    // ~2 KB per statement: a batch of 40 events of 0.3–3 KB (multi-byte text included) takes many statements.
    f = await startAuditFixture({ checkpointEveryEvents: 7, chainStatementBytes: 2048, batchSize: 1000 });
    const events = Array.from({ length: 40 }, (_, i) => anEvent({ data: { text: 'é✓𝄞'.repeat(i * 20), i } }));
    await f.record(events);
    f.sealer.start();
    await f.waitUntilSealed();

    const rows: { seq: string; canonical: Buffer; prev_hash: Buffer; hash: Buffer }[] = await f.dataSource.query(
      'SELECT seq, canonical, prev_hash, hash FROM audit.chain ORDER BY seq',
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    let previous: Buffer = Buffer.alloc(32);
    for (const row of rows) {
      expect(row.prev_hash.equals(previous)).toBe(true);
      expect(row.hash.equals(chainHash(previous, row.canonical))).toBe(true);
      previous = row.hash;
    }
    // Each document is its own event's, whole: the longest text comes back intact.
    const last = JSON.parse(rows[39]!.canonical.toString('utf8'));
    expect(last.data).toEqual({ text: 'é✓𝄞'.repeat(39 * 20), i: 39 });
    expect(await f.chain.verify({ checkColumns: true })).toMatchObject({ valid: true, eventsChecked: 40, checkpointsChecked: 5 });
  });
});
