import { chainHash } from '../src/chain/audit-chain.canonical';
import { AuditChainProblem } from '../src/chain/audit-chain.verifier';
import { anEvent, startAuditFixture, tamper, type AuditFixture } from './support/audit-fixture';

/**
 * The same tampering as audit-chain.integration.spec.ts, verified on the fast path
 * (`checkColumns: false`): PostgreSQL hashes and links the rows, the verifier sees only the
 * rows that matter. Ranges are small here so that breaks land inside, at and across range ends.
 */
describe('audit chain, checked in the database (integration)', () => {
  let f: AuditFixture;
  const verify = (request: Parameters<AuditFixture['chain']['verify']>[0] = {}) => f.chain.verify({ ...request, checkColumns: false, rangeSize: 7 });

  beforeEach(async () => {
    f = await startAuditFixture({ checkpointEveryEvents: 10 });
    f.sealer.start();
    for (let i = 0; i < 5; i++) await f.record(Array.from({ length: 10 }, () => anEvent()));
    await f.waitUntilSealed();
  });

  afterEach(async () => {
    await f.close();
  });

  it('verifies the whole chain and a sub-range, counting every event and checkpoint', async () => {
    expect(await verify()).toMatchObject({ valid: true, checkedFrom: 1, checkedTo: 50, eventsChecked: 50, checkpointsChecked: 5, firstBroken: null });
    expect(await verify({ fromSeq: 21, toSeq: 35 })).toMatchObject({ valid: true, checkedFrom: 21, checkedTo: 35, eventsChecked: 15, checkpointsChecked: 1 });
  });

  it('names edited sealed bytes (HASH_MISMATCH), also when they are not text', async () => {
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12`);
    expect((await verify()).firstBroken).toMatchObject({ seq: 12, problem: AuditChainProblem.HASH_MISMATCH });
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = decode('ff00fe', 'hex') WHERE seq = 4`);
    expect((await verify()).firstBroken).toMatchObject({ seq: 4, problem: AuditChainProblem.HASH_MISMATCH });
  });

  it('names an edited row whose hash was recomputed: the next link breaks', async () => {
    await tamper(
      f.dataSource,
      `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12;
       UPDATE audit.chain SET hash = sha256(prev_hash || canonical) WHERE seq = 12`,
    );
    expect((await verify()).firstBroken).toMatchObject({ seq: 13, problem: AuditChainProblem.BROKEN_LINK });
  });

  it('names a deleted row, in the middle and at the very end of a checked range', async () => {
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq = 23');
    expect((await verify()).firstBroken).toMatchObject({ seq: 23, problem: AuditChainProblem.MISSING_EVENT });
    expect((await verify({ fromSeq: 1, toSeq: 22 })).valid).toBe(true);
  });

  it('checks every month partition: a row filed under another month shows as missing where it belongs, a copy there as out of order', async () => {
    // Each month's table is checked between its own lowest and highest seq; next month's partition exists ahead of time.
    await tamper(f.dataSource, `INSERT INTO audit.chain SELECT seq, event_pk, event_recorded_at + interval '1 month', canonical, prev_hash, hash, sealed_at FROM audit.chain WHERE seq = 27`);
    expect((await verify()).firstBroken).toMatchObject({ seq: 27, problem: AuditChainProblem.OUT_OF_ORDER });
    await tamper(f.dataSource, `DELETE FROM audit.chain WHERE seq = 27 AND event_recorded_at < (SELECT max(event_recorded_at) FROM audit.chain WHERE seq = 27)`);
    expect((await verify()).firstBroken).toMatchObject({ seq: 27, problem: AuditChainProblem.MISSING_EVENT });
  });

  it('names two swapped rows', async () => {
    await tamper(
      f.dataSource,
      `UPDATE audit.chain SET seq = seq + 1000000 WHERE seq IN (31, 33);
       UPDATE audit.chain SET seq = 33 WHERE seq = 1000031;
       UPDATE audit.chain SET seq = 31 WHERE seq = 1000033`,
    );
    const result = await verify();
    expect(result.firstBroken).toMatchObject({ seq: 31, problem: AuditChainProblem.EVENT_MOVED });
    expect(result.firstBroken?.message).toContain('sealed as seq 33');
  });

  it('names a forged checkpoint', async () => {
    await tamper(f.dataSource, `UPDATE audit.checkpoint SET signature = decode(repeat('ab', 64), 'hex') WHERE seq = 30`);
    expect((await verify()).firstBroken).toMatchObject({ seq: 30, problem: AuditChainProblem.FORGED_CHECKPOINT });
  });

  it('names a chain rewritten from an edit onwards, against the signed checkpoint', async () => {
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'Ada', 'Eve'), 'UTF8') WHERE seq = 12`);
    const rows: { seq: string; canonical: Buffer; prev_hash: Buffer }[] = await f.dataSource.query('SELECT seq, canonical, prev_hash FROM audit.chain WHERE seq >= 12 ORDER BY seq');
    let prev = rows[0]!.prev_hash;
    for (const row of rows) {
      const hash = chainHash(prev, row.canonical);
      await tamper(f.dataSource, 'UPDATE audit.chain SET prev_hash = $1, hash = $2 WHERE seq = $3', [prev, hash, row.seq]);
      prev = hash;
    }
    expect((await verify()).firstBroken).toMatchObject({ seq: 20, problem: AuditChainProblem.CHAIN_REWRITTEN });
  });

  it('names a truncated tail against a checkpoint kept outside the database', async () => {
    const [kept] = await f.dataSource.query('SELECT seq, hash FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    await f.sealer.stop();
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq > 40; DELETE FROM audit.checkpoint WHERE seq > 40');
    expect((await verify()).valid).toBe(true);
    const result = await verify({ trusted: [{ seq: Number(kept.seq), hash: kept.hash }] });
    expect(result.firstBroken).toMatchObject({ seq: 41, problem: AuditChainProblem.TRUNCATED });
  });

  it('agrees with the row-by-row verifier on every single-row edit of the sealed bytes', async () => {
    for (const seq of [1, 10, 11, 25, 50]) {
      await tamper(f.dataSource, `UPDATE audit.chain SET canonical = canonical || '\\x20'::bytea WHERE seq = $1`, [seq]);
      const fast = await verify();
      const slow = await f.chain.verify({ checkColumns: true });
      expect(fast.firstBroken).toEqual(slow.firstBroken);
      expect(fast.firstBroken).toMatchObject({ seq });
      await tamper(f.dataSource, `UPDATE audit.chain SET canonical = substring(canonical from 1 for length(canonical) - 1) WHERE seq = $1`, [seq]);
    }
  });
});
