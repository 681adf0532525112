import { AuditActorKind, AuditRecorder } from '@gatehouse/audit';
import { Role } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './support/test-app';

const EVENTS = `query Events($filter: AuditEventFilterInput, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { seq status action actor { kind id } subject { type id } data hash prevHash } }
  }
}`;

interface EventsPage {
  auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { seq: number } }[] };
}
interface OneEvent {
  auditEvent: { seq: number; previousSeq: number | null; nextSeq: number | null; prevHash: string; hash: string };
}
type ExportLine = { type: string; seq?: number } & Record<string, unknown>;

describe('audit GraphQL API', () => {
  let app: TestApp;

  const record = async (count: number, subjectId: string) => {
    const recorder = app.app.get(AuditRecorder);
    await app.app.get(DataSource).transaction(async (manager) => {
      for (let i = 0; i < count; i++) {
        await recorder.record(manager, {
          action: 'promotion.requested',
          actor: { kind: AuditActorKind.USER, id: 'alice', displayName: 'Alice' },
          subject: { type: 'change', id: subjectId },
          data: { i },
        });
      }
    });
  };
  const sealed = async () => {
    for (;;) {
      const { data } = await app.graphql<{ verifyAuditChain: { pendingCount: number } }>('{ verifyAuditChain { pendingCount } }');
      if (data!.verifyAuditChain.pendingCount === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  // Start-up may record events of its own (the bootstrap admin); seqs here count from after them.
  let base = 0;

  beforeAll(async () => {
    app = await startTestApp({ GATEHOUSE_AUDIT_CHECKPOINT_EVERY: '5' });
    await sealed();
    const head = await app.graphql<{ verifyAuditChain: { sealedTo: number } }>('{ verifyAuditChain { sealedTo } }');
    base = head.data!.verifyAuditChain.sealedTo;
    await record(12, 'chg-1');
    await record(3, 'chg-2');
    await sealed();
  });

  afterAll(async () => {
    await app.close();
  });

  it('lists events newest first, filtered by subject, page by page', async () => {
    const first = await app.graphql<EventsPage>(EVENTS, { filter: { subjectType: 'change', subjectId: 'chg-1' }, first: 10 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.auditEvents;
    expect(page1.totalCount).toBe(12);
    expect(page1.edges.map((e) => e.node.seq - base)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    const second = await app.graphql<EventsPage>(EVENTS, { filter: { subjectType: 'change', subjectId: 'chg-1' }, first: 10, after: page1.pageInfo.endCursor });
    expect(second.data!.auditEvents.edges.map((e) => e.node.seq - base)).toEqual([2, 1]);
    expect(second.data!.auditEvents.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a page larger than 500 with VALIDATION_FAILED', async () => {
    const response = await app.graphql(EVENTS, { first: 501 });
    expect(response.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
  });

  it('returns one event by seq with its chain links, and NOT_FOUND past the head', async () => {
    const query = 'query One($seq: Int!) { auditEvent(seq: $seq) { seq previousSeq nextSeq prevHash hash canonical } }';
    const found = await app.graphql<OneEvent>(query, { seq: base + 2 });
    const before = await app.graphql<OneEvent>(query, { seq: base + 1 });
    expect(found.data!.auditEvent).toMatchObject({ seq: base + 2, previousSeq: base + 1, nextSeq: base + 3, prevHash: before.data!.auditEvent.hash });
    const missing = await app.graphql('query { auditEvent(seq: 999) { seq } }');
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('verifies the chain and reports range, pending count and checkpoints', async () => {
    const response = await app.graphql<{ verifyAuditChain: unknown }>(
      '{ verifyAuditChain(input: { fromSeq: 1 }) { valid sealedFrom sealedTo pendingCount checkedFrom checkedTo checkpointsChecked firstBroken { seq problem } } }',
    );
    expect(response.data!.verifyAuditChain).toEqual({
      valid: true, sealedFrom: 1, sealedTo: base + 15, pendingCount: 0, checkedFrom: 1, checkedTo: base + 15,
      checkpointsChecked: Math.floor((base + 15) / 5), firstBroken: null,
    });
  });

  it('publishes the checkpoint public key', async () => {
    const response = await app.graphql<{ auditPublicKey: { keyId: string; algorithm: string; publicKeyPem: string; knownKeys: { keyId: string }[] } }>(
      '{ auditPublicKey { keyId algorithm publicKeyPem knownKeys { keyId } } }',
    );
    const key = response.data!.auditPublicKey;
    expect(key.algorithm).toBe('Ed25519');
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(key.knownKeys.map((k) => k.keyId)).toContain(key.keyId);
  });

  it('gathers the audit trail of a change', async () => {
    const response = await app.graphql<{ changeEvidence: unknown }>('query { changeEvidence(change: "chg-2") { changeId headSeq events { seq action } } }');
    expect(response.data!.changeEvidence).toEqual({
      changeId: 'chg-2', headSeq: base + 15, events: [13, 14, 15].map((seq) => ({ seq: base + seq, action: 'promotion.requested' })),
    });
  });

  it('streams a JSONL export over HTTP that carries the checkpoints and the key', async () => {
    const response = await fetch(`${app.url}/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${app.rootToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as ExportLine);
    const head = base + 15;
    expect(lines[0]).toMatchObject({ type: 'gatehouse.audit.export', fromSeq: 1, toSeq: head });
    expect(lines.filter((l) => l.type === 'event')).toHaveLength(head);
    expect(lines.filter((l) => l.type === 'checkpoint').map((l) => l.seq)).toEqual(Array.from({ length: Math.floor(head / 5) }, (_, i) => (i + 1) * 5));
    expect(lines.at(-1)).toEqual({ type: 'end', events: head, checkpoints: Math.floor(head / 5), lastSeq: head });
  });

  it('refuses an export with a bad format', async () => {
    const response = await fetch(`${app.url}/audit/export?format=xml`, { headers: { authorization: `Bearer ${app.rootToken}` } });
    expect(response.status).toBe(400);
  });

  it('lets only auditors and admins export, and nobody anonymously', async () => {
    const viewer = await app.tokenFor('audit-viewer', [Role.VIEWER], { scopes: ['READ'] });
    expect((await fetch(`${app.url}/audit/export`, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403);
    expect((await fetch(`${app.url}/audit/export`)).status).toBe(401);
    const auditor = await app.tokenFor('audit-auditor', [Role.AUDITOR], { scopes: ['READ'] });
    expect((await fetch(`${app.url}/audit/export`, { headers: { authorization: `Bearer ${auditor}` } })).status).toBe(200);
  });

  it('lets any signed-in role read events, and serves the public key to anyone', async () => {
    const viewer = await app.tokenFor('audit-reader', [Role.VIEWER], { scopes: ['READ'] });
    const read = await app.graphql<EventsPage>(EVENTS, { first: 1 }, { authorization: `Bearer ${viewer}` });
    expect(read.errors).toBeUndefined();
    const anonymousRead = await app.graphql(EVENTS, { first: 1 }, { authorization: '' });
    expect(anonymousRead.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const anonymousKey = await app.graphql('{ auditPublicKey { keyId } }', {}, { authorization: '' });
    expect(anonymousKey.errors).toBeUndefined();
  });
});
