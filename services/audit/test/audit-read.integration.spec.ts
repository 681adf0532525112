import { AuditEventService } from '../src/audit-event/audit-event.service';
import { AuditActorKind } from '../src/audit-event/audit-event.types';
import { AuditChainProblem } from '../src/chain/audit-chain.verifier';
import { AuditSigner } from '../src/checkpoint/audit-signer';
import { AuditExportService } from '../src/export/audit-export.service';
import { verifyAuditExport } from '../src/export/audit-export.verifier';
import { anEvent, startAuditFixture, type AuditFixture } from './support/audit-fixture';

describe('reading and exporting the audit log (integration)', () => {
  let f: AuditFixture;
  let events: AuditEventService;
  let exports: AuditExportService;

  const collect = async (lines: AsyncIterable<string>) => {
    let text = '';
    for await (const chunk of lines) text += chunk;
    return text;
  };
  const jsonl = async (request: Parameters<AuditExportService['lines']>[0] = { format: 'jsonl' }) =>
    (await collect(exports.lines(request))).split('\n').filter(Boolean);

  beforeAll(async () => {
    f = await startAuditFixture({ checkpointEveryEvents: 7 });
    events = new AuditEventService(f.repository);
    exports = new AuditExportService(f.repository);
    f.sealer.start();
    const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
    for (let d = 1; d <= 20; d++) {
      await f.record([
        anEvent({ occurredAt: day(d), actor: { kind: AuditActorKind.USER, id: d % 2 ? 'alice' : 'bob', displayName: d % 2 ? 'Alice' : 'Bob' } }),
        anEvent({ occurredAt: day(d), action: 'promotion.requested', subject: { type: 'change', id: 'chg-1' }, data: { d, reason: 'ship, "now"\nplease' } }),
      ]);
    }
    await f.record([anEvent({ action: 'decision.made', subject: { type: 'promotion', id: 'p-9' }, data: { changeId: 'chg-1' } })]);
    await f.waitUntilSealed();
  });

  afterAll(async () => {
    await f.close();
  });

  describe('list', () => {
    it('pages newest first with a cursor and filters by subject', async () => {
      const first = await events.list({ subjectType: 'change', subjectId: 'chg-1' }, 15);
      expect(first.edges).toHaveLength(15);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await events.list({ subjectType: 'change', subjectId: 'chg-1' }, 15, first.pageInfo.endCursor);
      expect(second.edges).toHaveLength(5);
      expect(second.pageInfo.hasNextPage).toBe(false);
      const seqs = [...first.edges, ...second.edges].map((e) => e.node.seq!);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(new Set(seqs).size).toBe(20);
    });

    it('filters by actor, action, time and text together', async () => {
      const page = await events.list(
        { actors: ['alice'], actions: ['application.created'], since: new Date(Date.UTC(2026, 0, 5)), until: new Date(Date.UTC(2026, 0, 10)), text: 'hello' },
        50,
      );
      expect(page.edges.map((e) => e.node.occurredAt.getUTCDate())).toEqual([9, 7, 5]);
      expect(await events.count({ actors: ['alice'] })).toBe(10);
    });

    it('refuses more than 500 per page', async () => {
      await expect(events.list({}, 501)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('getBySeq', () => {
    it('returns an event with its chain links', async () => {
      const event = await events.getBySeq(5);
      const before = await events.getBySeq(4);
      expect(event).toMatchObject({ seq: 5, status: 'SEALED', previousSeq: 4, nextSeq: 6, prevHash: before.hash });
      expect(JSON.parse(event.canonical!)).toMatchObject({ seq: 5, id: event.id });
    });

    it('says NOT_FOUND for a seq that is not sealed', async () => {
      await expect(events.getBySeq(10_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('aboutChange', () => {
    it('finds events whose subject or data names the change, oldest first', async () => {
      const trail = await events.aboutChange('chg-1');
      expect(trail.events).toHaveLength(21);
      expect(trail.events.at(-1)).toMatchObject({ action: 'decision.made' });
      expect(trail.events.map((e) => e.seq)).toEqual([...trail.events.map((e) => e.seq)].sort((a, b) => a! - b!));
    });
  });

  describe('export', () => {
    it('writes a JSONL bundle the offline verifier accepts', async () => {
      const lines = await jsonl();
      const result = await verifyAuditExport(lines, { pinnedPublicKeys: [f.signer.publicKeyPem] });
      expect(result).toMatchObject({ valid: true, sealedFrom: 1, sealedTo: 41, eventsChecked: 41, checkpointsChecked: 5, firstBroken: null });
    });

    it('extends a time window to the next checkpoint so every exported event is signed', async () => {
      const lines = await jsonl({ format: 'jsonl', since: new Date(Date.UTC(2026, 0, 5)), until: new Date(Date.UTC(2026, 0, 8)) });
      const header = JSON.parse(lines[0]!);
      expect(header).toMatchObject({ fromSeq: 9, toSeq: 14 });
      expect(await verifyAuditExport(lines)).toMatchObject({ valid: true, eventsChecked: 6, unsignedTail: 0 });
    });

    it('names an edited event in the file', async () => {
      const lines = (await jsonl()).map((line) => (line.includes('"seq":9,') ? line.replace('application.created', 'application.deleted') : line));
      expect((await verifyAuditExport(lines)).firstBroken).toMatchObject({ seq: 9, problem: AuditChainProblem.HASH_MISMATCH });
    });

    it('names a file cut short', async () => {
      const lines = (await jsonl()).slice(0, 20);
      expect((await verifyAuditExport(lines)).firstBroken).toMatchObject({ problem: AuditChainProblem.INCOMPLETE_EXPORT });
    });

    it('refuses checkpoints signed by a key other than the pinned one', async () => {
      const result = await verifyAuditExport(await jsonl(), { pinnedPublicKeys: [AuditSigner.generate().publicKeyPem] });
      expect(result.firstBroken).toMatchObject({ seq: 7, problem: AuditChainProblem.UNKNOWN_SIGNING_KEY });
    });

    it('writes CSV with RFC 4180 quoting', async () => {
      const csv = await collect(exports.lines({ format: 'csv' }));
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe('seq,id,occurredAt,actorKind,actorId,actorDisplayName,actorIp,actorUserAgent,action,subjectType,subjectId,application,environment,requestId,data,prevHash,hash');
      expect(csv).toContain('"{""d"":1,""reason"":""ship, \\""now\\""\\nplease""}"');
    });
  });
});
