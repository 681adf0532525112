import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditException } from '../src/audit.exception';
import { AuditChainProblem } from '../src/chain/audit-chain.verifier';
import { addMonths, monthKey, monthStart } from '../src/chain/audit-month';
import { AuditExportService } from '../src/export/audit-export.service';
import { verifyAuditExport } from '../src/export/audit-export.verifier';
import { AuditRetention } from '../src/retention/audit-retention';
import { anEvent, startAuditFixture, tamper, type AuditFixture } from './support/audit-fixture';

/** Old months with events, well beyond any retention: the test runs in 2026 or later. */
const OLD_MONTHS = ['2024-01', '2024-02', '2024-03'];
const PER_MONTH = 12;
/** The operator's command as built (`npm test` builds the services first). */
const PRUNE_SCRIPT = join(__dirname, '../dist/retention/prune-audit.js');

describe('audit retention (integration)', () => {
  let f: AuditFixture;
  let retention: AuditRetention;
  const prune = (overrides: Partial<Parameters<AuditRetention['prune']>[0]> = {}) =>
    retention.prune({ retentionMonths: 24, operator: 'Olga Operator', ticket: 'CHG-1', ...overrides });

  /** Inserts events recorded in `month` (as a backfill would be: the recorder always records now). */
  async function recordIn(month: string, count: number): Promise<void> {
    await f.dataSource.query(
      `INSERT INTO audit.event (id, recorded_at, occurred_at, actor_kind, actor_id, action, subject_type, subject_id, data)
       SELECT gen_random_uuid(), $1::timestamptz + i * interval '1 hour', $1::timestamptz + i * interval '1 hour', 'USER', 'user-' || i,
              'application.created', 'application', 'old-' || $1 || '-' || i, jsonb_build_object('i', i)
         FROM generate_series(1, $2::int) AS i`,
      [`${month}-01T00:00:00Z`, count],
    );
  }

  beforeEach(async () => {
    f = await startAuditFixture({ checkpointEveryEvents: 10 });
    retention = new AuditRetention(f.dataSource, f.chain);
    await f.dataSource.query(`SELECT audit.create_month_partitions('2024-01-01', '2024-04-01')`);
    for (const month of OLD_MONTHS) await recordIn(month, PER_MONTH);
    f.sealer.start();
    await f.record(Array.from({ length: 15 }, () => anEvent()));
    await f.waitUntilSealed();
  });

  afterEach(async () => {
    await f.close();
  });

  it('seals month by month: each month is one contiguous seq range, closed by a signed month seal', async () => {
    const ranges: { month: string; first: string; last: string; n: string }[] = await f.dataSource.query(
      `SELECT to_char(event_recorded_at, 'YYYY-MM') AS month, min(seq) AS first, max(seq) AS last, count(*) AS n
         FROM audit.chain GROUP BY 1 ORDER BY 1`,
    );
    expect(ranges.slice(0, 3).map((r) => [r.month, Number(r.first), Number(r.last)])).toEqual([
      ['2024-01', 1, 12],
      ['2024-02', 13, 24],
      ['2024-03', 25, 36],
    ]);
    const seals: { month: string; last_seq: string }[] = await f.dataSource.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, last_seq FROM audit.month_seal ORDER BY month`,
    );
    expect(seals.slice(0, 4).map((s) => [s.month, Number(s.last_seq)])).toEqual([
      ['2024-01', 12],
      ['2024-02', 24],
      ['2024-03', 36],
      ['2024-04', 36],
    ]);
    // Every month up to the one before this is sealed; this month is still open.
    const thisMonth = monthStart(new Date());
    expect(seals.at(-1)!.month).toBe(monthKey(addMonths(thisMonth, -1)));
    expect(await f.chain.verify()).toMatchObject({ valid: true, sealedFrom: 1, prunedBefore: 1, retentionAnchor: null, eventsChecked: 51 });
  });

  it('removes whole months older than the retention, anchors the cut, and what is kept still verifies', async () => {
    const result = await prune();
    expect(result).toMatchObject({
      dryRun: false,
      keptFrom: monthKey(addMonths(monthStart(new Date()), -24)),
      months: ['2024-01', '2024-02', '2024-03', '2024-04'],
      cutSeq: 36,
      sealMonth: '2024-04',
      eventsRemoved: 36,
    });
    expect(result.partitions).toEqual(expect.arrayContaining(['event_y2024m01', 'chain_y2024m01', 'event_y2024m04', 'chain_y2024m04']));
    const left: { n: number }[] = await f.dataSource.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE '%_y2024m0%'`);
    expect(left[0]!.n).toBe(0);

    // The prune is an audited action of its own, sealed after the cut like any other event.
    await f.waitUntilSealed();
    const verified = await f.chain.verify();
    expect(verified).toMatchObject({
      valid: true,
      prunedBefore: 37,
      sealedFrom: 37,
      checkedFrom: 37,
      eventsChecked: 16,
      retentionAnchor: { cutSeq: 36, sealMonth: '2024-04', operator: 'Olga Operator', ticket: 'CHG-1', retentionMonths: 24 },
      firstBroken: null,
    });
    expect(await f.chain.verify({ checkColumns: false, rangeSize: 4 })).toMatchObject({ valid: true, prunedBefore: 37, eventsChecked: 16 });
    await expect(f.chain.verify({ fromSeq: 10 })).rejects.toThrow(/seq 1–36 were removed by retention .*verify from seq 37/);
    const [event] = await f.dataSource.query(
      `SELECT e.actor_display_name, e.data, c.seq FROM audit.event e JOIN audit.chain c ON c.event_pk = e.pk WHERE e.action = 'audit.pruned'`,
    );
    expect(event).toMatchObject({ actor_display_name: 'Olga Operator', seq: '52', data: { cutSeq: 36, eventsRemoved: 36, ticket: 'CHG-1' } });

    // Row deletes stay refused after a prune, and the anchor is insert-only too.
    await expect(f.dataSource.query('DELETE FROM audit.chain WHERE seq = 40')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.retention_anchor')).rejects.toThrow(/append-only/);

    // A second prune with nothing new to remove changes nothing.
    expect(await prune()).toMatchObject({ months: [], cutSeq: null });
  });

  it('exports what is kept with the month seal at the cut, and the offline verifier checks it', async () => {
    await prune();
    await f.waitUntilSealed();
    const exports = new AuditExportService(f.repository);
    const lines: string[] = [];
    for await (const chunk of exports.lines({ format: 'jsonl' })) lines.push(...chunk.split('\n').filter(Boolean));
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ fromSeq: 37, retention: { prunedBefore: 37, seal: { month: '2024-04', lastSeq: 36 } } });
    expect(await verifyAuditExport(lines)).toMatchObject({ valid: true, prunedBefore: 37, checkedFrom: 37, anchoredBy: { month: '2024-04', lastSeq: 36 } });

    // A file whose anchor was swapped for another (valid-looking) hash no longer verifies.
    const forged = { ...header, anchorHash: 'ab'.repeat(32), retention: { ...header.retention, seal: { ...header.retention.seal, hash: 'ab'.repeat(32) } } };
    const result = await verifyAuditExport([JSON.stringify(forged), ...lines.slice(1)]);
    expect(result.firstBroken).toMatchObject({ seq: 36, problem: AuditChainProblem.FORGED_CHECKPOINT });
  });

  it('runs as the operator command: dry run, prune, refusal of a short retention', () => {
    expect(existsSync(PRUNE_SCRIPT)).toBe(true);
    const run = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, [PRUNE_SCRIPT, ...args], { env: { PATH: process.env.PATH!, DATABASE_URL: f.db.url, NODE_ENV: 'test', ...env }, encoding: 'utf8' });

    const missingOperator = run([], {});
    expect(missingOperator.status).toBe(1);
    expect(missingOperator.stderr).toContain('--operator is required');

    const tooShort = run(['--operator', 'Olga Operator'], { GATEHOUSE_AUDIT_RETENTION_MONTHS: '6' });
    expect(tooShort.status).toBe(1);
    expect(tooShort.stderr).toContain('GATEHOUSE_AUDIT_RETENTION_MONTHS="6": must be at least 12');

    const dry = run(['--operator', 'Olga Operator', '--dry-run'], { GATEHOUSE_AUDIT_RETENTION_MONTHS: '24' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('dry run: would remove 2024-01, 2024-02, 2024-03, 2024-04 (36 events, up to seq 36); nothing was removed');

    const done = run(['--operator', 'Olga Operator', '--ticket', 'CHG-9'], { GATEHOUSE_AUDIT_RETENTION_MONTHS: '24' });
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('the log now starts at seq 37, anchored by the month seal of 2024-04');
    expect(done.stdout).toContain('verification of what is kept: valid');
  }, 120_000); // four runs of a Node process that loads the audit service

  it('refuses a retention shorter than 12 months, and removes nothing', async () => {
    await expect(prune({ retentionMonths: 6 })).rejects.toThrow(/kept at least 12 whole months; a prune keeping 6 is refused/);
    await expect(prune({ retentionMonths: 11 })).rejects.toBeInstanceOf(AuditException);
    const [{ n }] = await f.dataSource.query('SELECT count(*)::int AS n FROM audit.chain');
    expect(n).toBe(51);
    expect(await f.dataSource.query('SELECT * FROM audit.retention_anchor')).toEqual([]);
  });

  it('removes nothing when every month is younger than the retention, and nothing on a dry run', async () => {
    expect(await prune({ retentionMonths: 1200 })).toMatchObject({ months: [], cutSeq: null });
    expect(await prune({ dryRun: true })).toMatchObject({ dryRun: true, months: ['2024-01', '2024-02', '2024-03', '2024-04'], cutSeq: 36 });
    const [{ n }] = await f.dataSource.query('SELECT count(*)::int AS n FROM audit.chain');
    expect(n).toBe(51);
    expect(await f.chain.verify()).toMatchObject({ valid: true, prunedBefore: 1 });
  });

  it('refuses to remove a month holding an event no chain vouches for', async () => {
    await recordIn('2024-02', 1); // after 2024-02 was sealed: it can never be sealed
    await expect(prune()).rejects.toThrow(/1 event\(s\) recorded before .* are not sealed at or below seq 36/);
    expect(await f.dataSource.query('SELECT * FROM audit.retention_anchor')).toEqual([]);
  });

  it('refuses to remove events that do not verify: they are evidence', async () => {
    await tamper(f.dataSource, `UPDATE audit.chain SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'user-3', 'user-X'), 'UTF8') WHERE seq = 3`);
    await expect(prune()).rejects.toThrow(/the events to remove do not verify \(seq 3: HASH_MISMATCH/);
    const [{ n }] = await f.dataSource.query('SELECT count(*)::int AS n FROM audit.chain');
    expect(n).toBe(51);
  });

  it('refuses TRUNCATE and DELETE on a partition: only a prune drops months', async () => {
    await expect(f.dataSource.query('TRUNCATE audit.chain_y2024m01')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.chain_y2024m01')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.event_y2024m01')).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query(`UPDATE audit.event_y2024m02 SET action = 'x.y'`)).rejects.toThrow(/append-only/);
    await expect(f.dataSource.query('DELETE FROM audit.month_seal')).rejects.toThrow(/append-only/);
  });

  it('creates partitions that roles reading the log can read, refusing everything else to them', async () => {
    const role = `gh_reader_${Date.now()}`;
    await f.dataSource.query(`CREATE ROLE ${role}`);
    try {
      await f.dataSource.query(`GRANT SELECT ON audit.event, audit.chain TO ${role}`);
      await f.dataSource.query(`SELECT audit.create_month_partitions('2023-06-01', '2023-06-01')`);
      const [privileges] = await f.dataSource.query(
        `SELECT has_table_privilege($1, 'audit.event_y2023m06', 'SELECT') AS event_select, has_table_privilege($1, 'audit.chain_y2023m06', 'SELECT') AS chain_select,
                has_table_privilege($1, 'audit.event_y2023m06', 'INSERT') AS event_insert, has_table_privilege($1, 'audit.chain_y2023m06', 'DELETE') AS chain_delete`,
        [role],
      );
      expect(privileges).toEqual({ event_select: true, chain_select: true, event_insert: false, chain_delete: false });
    } finally {
      await f.dataSource.query(`DROP OWNED BY ${role}`);
      await f.dataSource.query(`DROP ROLE ${role}`);
    }
  });

  it('names a start removed outside a prune: an anchor at a month too young to have been pruned', async () => {
    // An insider removes every event and fakes an anchor at last month's (genuine) seal.
    const [seal] = await f.dataSource.query(`SELECT month, last_seq, hash FROM audit.month_seal ORDER BY month DESC LIMIT 1`);
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq <= $1', [seal.last_seq]);
    await f.dataSource.query(
      `INSERT INTO audit.retention_anchor (kept_from, cut_seq, cut_hash, seal_month, retention_months, events_removed, partitions, operator)
       VALUES ($2, $1, $3, $2, 12, $1, '{}', 'insider')`,
      [seal.last_seq, seal.month, seal.hash],
    );
    const result = await f.chain.verify();
    expect(result.valid).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: Number(seal.last_seq), problem: AuditChainProblem.UNSANCTIONED_PRUNE });
  });

  it('names a kept event deleted after a prune, and a forged month seal at the cut', async () => {
    await prune();
    await tamper(f.dataSource, 'DELETE FROM audit.chain WHERE seq = 37');
    expect((await f.chain.verify()).firstBroken).toMatchObject({ seq: 37, problem: AuditChainProblem.MISSING_EVENT });
    await tamper(f.dataSource, `UPDATE audit.month_seal SET signature = decode(repeat('cd', 64), 'hex') WHERE month = '2024-04-01'`);
    expect((await f.chain.verify()).firstBroken).toMatchObject({ seq: 36, problem: AuditChainProblem.FORGED_CHECKPOINT });
  });
});
