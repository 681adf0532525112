import { Client } from 'pg';
import { isLegalTransition, PromotionState } from '@gatehouse/pipelines';
import { POLICIES_DIR, PromotionDriver } from './support/promotions';
import { startTestApp, type TestApp } from './support/test-app';

/** Runs `tasks` with at most `limit` in flight, like 32 CI jobs hitting the API at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/** A deterministic pseudo-random sequence, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

jest.setTimeout(300_000);

describe('promotions under concurrency', () => {
  let api: TestApp;
  let db: Client;
  let p: PromotionDriver;

  beforeAll(async () => {
    api = await startTestApp({ GATEHOUSE_POLICIES_DIR: POLICIES_DIR });
    db = new Client({ connectionString: api.database.url });
    await db.connect();
    p = new PromotionDriver(api, await api.tokenFor('ci', ['DEVELOPER']));
  });
  afterAll(async () => {
    await db.end();
    await api.close();
  });

  it('counts twenty eligible people approving at once each once, with one transition to APPROVED and one event each', async () => {
    const policy = {
      name: 'board',
      version: 1,
      description: 'Everything needs both committees in full.',
      appliesTo: { environments: ['board'], regulated: false },
      default: 'require_approval',
      defaultApprovals: { count: 10, groups: ['committee-a'] },
      rules: [
        { id: 'committee-a', when: true, effect: 'require_approval', approvals: { count: 10, groups: ['committee-a'] }, reason: 'Committee A decides' },
        { id: 'committee-b', when: true, effect: 'require_approval', approvals: { count: 10, groups: ['committee-b'] }, reason: 'Committee B decides' },
      ],
    };
    expect((await api.graphql('mutation($input: PublishPolicyVersionInput!) { publishPolicyVersion(input: $input) { created } }', { input: { document: JSON.stringify(policy), message: 'committee' } })).errors).toBeUndefined();
    expect(
      (await api.graphql('mutation($input: ActivatePolicyVersionInput!) { activatePolicyVersion(input: $input) { version } }', { input: { name: 'board', version: 1, environments: [{ name: 'board', regulated: false }] } })).errors,
    ).toBeUndefined();
    await p.createApplication('committee-app', ['board']);
    const members: string[] = [];
    for (let i = 0; i < 20; i++) members.push(await api.tokenFor(`member-${i}`, ['VIEWER'], { groups: [i < 10 ? 'committee-a' : 'committee-b'] }));
    const change = await p.change('committee-app', '1.0.0', { authors: ['someone-else'] });
    const promotion = await p.requested(change, 'board');
    expect(promotion.state).toBe('PENDING_APPROVAL');

    const votes = await Promise.all(members.map((token) => p.vote(promotion.id, token)));
    expect(votes.map((v) => v.errors)).toEqual(votes.map(() => undefined));
    const states = votes.map((v) => v.data!.approvePromotion!.state);
    expect(states.filter((s) => s === 'APPROVED')).toHaveLength(1);

    const transitions = await db.query("SELECT count(*)::int AS n FROM pipelines.promotion_transition WHERE promotion_id = $1 AND to_state = 'APPROVED'", [promotion.id]);
    expect(transitions.rows[0].n).toBe(1);
    const counted = await db.query("SELECT count(DISTINCT voter_id)::int AS voters, count(*)::int AS votes FROM pipelines.vote WHERE promotion_id = $1 AND vote = 'APPROVE'", [promotion.id]);
    expect(counted.rows[0]).toEqual({ voters: 20, votes: 20 });
    const events = await db.query('SELECT action, count(*)::int AS n FROM audit.event WHERE subject_id = $1 GROUP BY action ORDER BY action', [promotion.id]);
    expect(Object.fromEntries(events.rows.map((r) => [r.action, r.n]))).toMatchObject({ 'approval.granted': 20, 'promotion.approved': 1 });
  });

  it('drives 200 promotions at once through requests, votes and deployments, and the recorded history checks out', async () => {
    const next = random(20261126);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const people = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
    const tokens = Object.fromEntries(await Promise.all(people.map(async (name) => [name, await api.tokenFor(name, ['VIEWER'], { groups: ['payments-leads'] })] as const)));
    await p.createApplication('checked', ['dev', 'prod']);

    // Setup: 200 changes by random authors, each deployed in dev, then requested into prod.
    const changes = await pool(
      Array.from({ length: 200 }, (_, i) => async () => {
        const authors = [pick(people), pick(people)];
        const payments = next() < 0.8;
        const change = await p.change('checked', `1.0.${i}`, { authors, paths: [payments ? 'payments/ledger.ts' : 'docs/notes.md'] });
        const dev = await p.requested(change, 'dev');
        await p.deployed(dev.id);
        return { change, authors };
      }),
      32,
    );
    const prod = await pool(
      changes.map(({ change, authors }) => async () => ({ promotion: await p.requested(change, 'prod'), authors })),
      32,
    );

    // The storm: every promotion gets a random mix of votes (authors included: they must be
    // refused), duplicate approvals, rejections and deployment reports, all at once.
    const accepted = { approve: 0, reject: 0, deploy: 0 };
    const actions: (() => Promise<void>)[] = [];
    for (const { promotion } of prod) {
      for (let k = 0; k < 5; k++) {
        const roll = next();
        const who = pick(people);
        if (roll < 0.75) {
          actions.push(async () => {
            const r = await p.vote(promotion.id, tokens[who]!);
            if (!r.errors) accepted.approve++;
            else expect(['FORBIDDEN', 'CONFLICT']).toContain(r.errors[0]!.extensions.code);
          });
        } else if (roll < 0.82) {
          actions.push(async () => {
            const r = await p.vote(promotion.id, tokens[who]!, 'reject', 'not convinced');
            if (!r.errors) accepted.reject++;
            else expect(['FORBIDDEN', 'CONFLICT']).toContain(r.errors[0]!.extensions.code);
          });
        } else {
          actions.push(async () => {
            const r = await p.report(promotion.id, pick(['STARTED', 'SUCCEEDED', 'FAILED']));
            if (!r.errors) accepted.deploy++;
            else expect(r.errors[0]!.extensions.code).toBe('CONFLICT');
          });
        }
      }
    }
    for (let i = actions.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [actions[i], actions[j]] = [actions[j]!, actions[i]!];
    }
    await pool(actions, 32);

    const ids = prod.map(({ promotion }) => promotion.id);
    // 1. Every transition legal, chained, and the last one is the state.
    const transitions = await db.query('SELECT promotion_id, from_state, to_state FROM pipelines.promotion_transition WHERE promotion_id = ANY($1) ORDER BY seq', [ids]);
    const states = new Map((await db.query('SELECT id, state FROM pipelines.promotion WHERE id = ANY($1)', [ids])).rows.map((r) => [r.id, r.state]));
    const walked = new Map<string, PromotionState | null>();
    const illegal: string[] = [];
    for (const t of transitions.rows) {
      const before = walked.has(t.promotion_id) ? walked.get(t.promotion_id)! : null;
      if (t.from_state !== before || !isLegalTransition(before, t.to_state)) illegal.push(`${t.promotion_id}: ${before} → ${t.from_state} → ${t.to_state}`);
      walked.set(t.promotion_id, t.to_state);
    }
    expect(illegal).toEqual([]);
    expect(ids.filter((id) => walked.get(id) !== states.get(id))).toEqual([]);

    // 2. No vote by an author, the requester or the registrar was accepted.
    const selfApprovals = await db.query(
      `SELECT v.id FROM pipelines.vote v JOIN pipelines.promotion p ON p.id = v.promotion_id JOIN pipelines.change c ON c.id = p.change_id
        WHERE v.promotion_id = ANY($1)
          AND (v.voter_id = p.requested_by OR v.voter_id = c.registered_by
               OR EXISTS (SELECT 1 FROM pipelines.change_commit cc WHERE cc.change_id = c.id AND lower(cc.author) = lower(v.voter_username)))`,
      [ids],
    );
    expect(selfApprovals.rows).toEqual([]);

    // 3. No vote counted twice: each promotion approved by votes had enough different people
    //    on the decision in force, and moved to APPROVED exactly once.
    const approvedByVotes = await db.query(
      `SELECT t.promotion_id, count(*)::int AS moves,
              (SELECT count(DISTINCT v.voter_id)::int FROM pipelines.vote v JOIN pipelines.promotion p ON p.id = v.promotion_id
                WHERE v.promotion_id = t.promotion_id AND v.decision_id = p.current_decision_id AND v.vote = 'APPROVE' AND v.dismissed_at IS NULL) AS approvers,
              (SELECT sum((r->>'count')::int)::int FROM pipelines.promotion p JOIN pipelines.decision d ON d.id = p.current_decision_id, jsonb_array_elements(d.approvals) r
                WHERE p.id = t.promotion_id) AS required
         FROM pipelines.promotion_transition t
        WHERE t.promotion_id = ANY($1) AND t.to_state = 'APPROVED' AND t.from_state = 'PENDING_APPROVAL'
        GROUP BY t.promotion_id`,
      [ids],
    );
    expect(approvedByVotes.rows.length).toBeGreaterThan(20);
    for (const row of approvedByVotes.rows) {
      expect(row.moves).toBe(1);
      expect(row.approvers).toBeGreaterThanOrEqual(row.required);
    }
    const doubleSeats = await db.query(
      `SELECT promotion_id, voter_id FROM pipelines.vote WHERE promotion_id = ANY($1) AND vote = 'APPROVE'
        GROUP BY promotion_id, decision_id, voter_id HAVING count(*) > 1`,
      [ids],
    );
    // Repeated approvals by one person exist (the storm sends them) but never moved a promotion on their own.
    for (const { promotion_id } of doubleSeats.rows) {
      const row = approvedByVotes.rows.find((r) => r.promotion_id === promotion_id);
      if (row) expect(row.approvers).toBeGreaterThanOrEqual(row.required);
    }

    // 4. Audit events match the actions, one for one.
    const count = async (sql: string) => (await db.query(sql, [ids])).rows[0].n as number;
    const audit = async (action: string) => count(`SELECT count(*)::int AS n FROM audit.event WHERE action = '${action}' AND subject_type = 'promotion' AND subject_id = ANY($1::text[])`);
    expect(await audit('approval.granted')).toBe(await count("SELECT count(*)::int AS n FROM pipelines.vote WHERE promotion_id = ANY($1) AND vote = 'APPROVE'"));
    expect(await audit('approval.granted')).toBe(accepted.approve);
    expect(await audit('approval.rejected')).toBe(accepted.reject);
    expect(await audit('approval.rejected')).toBe(await count("SELECT count(*)::int AS n FROM pipelines.vote WHERE promotion_id = ANY($1) AND vote = 'REJECT'"));
    expect(await audit('promotion.rejected')).toBe(await count("SELECT count(*)::int AS n FROM pipelines.promotion_transition WHERE promotion_id = ANY($1) AND to_state = 'REJECTED'"));
    expect(await audit('promotion.approved')).toBe(await count("SELECT count(*)::int AS n FROM pipelines.promotion_transition WHERE promotion_id = ANY($1) AND to_state = 'APPROVED'"));
    expect(await audit('decision.made')).toBe(await count('SELECT count(*)::int AS n FROM pipelines.decision WHERE promotion_id = ANY($1)'));
    expect(await audit('promotion.requested')).toBe(ids.length);
    const deployments = await count('SELECT count(*)::int AS n FROM pipelines.deployment WHERE promotion_id = ANY($1)');
    expect(deployments).toBe(accepted.deploy);
    expect(
      (await audit('deployment.started')) + (await audit('deployment.succeeded')) + (await audit('deployment.failed')) + (await audit('deployment.rolled_back')),
    ).toBe(deployments);

    // 5. Every decision replays to the same outcome.
    const decisions = (await db.query('SELECT id FROM pipelines.decision WHERE promotion_id = ANY($1)', [ids])).rows.map((r) => r.id as string);
    const replays = await pool(
      decisions.map((id) => async () => {
        const { data } = await api.graphql<{ replayDecision: { matches: boolean } }>('query($id: ID!) { replayDecision(id: $id) { matches } }', { id });
        return data?.replayDecision.matches ? null : id;
      }),
      16,
    );
    expect(replays.filter(Boolean)).toEqual([]);
  });
});
