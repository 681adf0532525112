import { Command } from 'commander';
import { registerPromotionCommands } from './promotion.commands';
import { parseDuration, progressLine, waitAction, type PromotionView } from './promotion.actions';

function promotion(overrides: Partial<PromotionView> = {}): PromotionView {
  return {
    id: 'prm-1',
    application: 'payments-api',
    environment: 'prod',
    sourceEnvironment: 'staging',
    changeId: 'chg-1',
    version: '1.4.2',
    state: 'PENDING_APPROVAL',
    emergency: false,
    reason: 'release',
    requestedAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    expiresAt: '2026-11-27T10:00:00.000Z',
    requestedBy: { username: 'ci' },
    decision: { outcome: 'REQUIRE_APPROVAL', basis: 'rules', policyName: 'production', policyVersion: 1, approvalsRequired: [{ group: 'payments-leads', count: 2 }], matchedRules: [{ id: 'payments-four-eyes', effect: 'require_approval', reason: 'Payments code needs two payments leads' }] },
    approvalProgress: [{ group: 'payments-leads', required: 2, granted: 1, approvers: ['lead-1'] }],
    approvals: [],
    deployments: [],
    ...overrides,
  };
}

/** A program whose commands write into `written`, against a server that answers from `answers` in turn and records each request. */
function harness(...answers: unknown[]) {
  const written = { out: '', err: '' };
  const output = { out: (text: string) => (written.out += text), err: (text: string) => (written.err += text) };
  const program = new Command('gatehouse').exitOverride();
  registerPromotionCommands(program, output);
  const requests: { query: string; variables: Record<string, unknown> }[] = [];
  jest.spyOn(global, 'fetch').mockImplementation(async (_url, init) => {
    requests.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify(answers[Math.min(requests.length - 1, answers.length - 1)]));
  });
  const run = (...args: string[]) => program.parseAsync(['node', 'gatehouse', ...args, '--url', 'http://gatehouse.test', '--token', 't']);
  return { written, requests, run };
}

afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
});

describe(registerPromotionCommands.name, () => {
  it('promote sends change, environment, reason and idempotency key, and prints the decision', async () => {
    const { written, requests, run } = harness({ data: { requestPromotion: promotion() } });
    await run('promote', '--change', 'chg-1', '--env', 'prod', '--reason', 'release 1.4.2', '--idempotency-key', 'build-77');
    expect(requests[0]!.variables.input).toEqual({ change: 'chg-1', environment: 'prod', reason: 'release 1.4.2', idempotencyKey: 'build-77' });
    expect(process.exitCode).toBe(0);
    expect(written.out).toMatch(/^STATE +PENDING_APPROVAL$/m);
    expect(written.out).toMatch(/^DECISION +REQUIRE_APPROVAL \(rules, policy production v1\)$/m);
    expect(written.out).toMatch(/^ {2}APPROVALS +payments-leads 1\/2 \(lead-1\)$/m);
  });

  it('approve and reject send the promotion and comment; reject without a comment is refused before any call', async () => {
    const approve = harness({ data: { approvePromotion: promotion({ state: 'APPROVED' }) } });
    await approve.run('approve', 'prm-1', '--comment', 'ok', '--json');
    expect(approve.requests[0]!.query).toContain('approvePromotion');
    expect(approve.requests[0]!.variables.input).toEqual({ promotion: 'prm-1', comment: 'ok' });
    expect(JSON.parse(approve.written.out).state).toBe('APPROVED');
    jest.restoreAllMocks();
    const reject = harness({ data: { rejectPromotion: promotion({ state: 'REJECTED' }) } });
    await reject.run('reject', 'prm-1', '--comment', '  ');
    expect(process.exitCode).toBe(1);
    expect(reject.requests).toHaveLength(0);
    expect(reject.written.err).toBe('reject needs --comment saying why\n');
  });

  it('deploy report upper-cases the status, parses --details and refuses an unknown status', async () => {
    const { requests, run } = harness({ data: { reportDeployment: promotion({ state: 'DEPLOYED' }) } });
    await run('deploy', 'report', 'prm-1', '--status', 'succeeded', '--deployment-url', 'https://ci.example/run/1', '--details', '{"cluster":"eu-1"}');
    expect(requests[0]!.variables.input).toEqual({ promotion: 'prm-1', status: 'SUCCEEDED', url: 'https://ci.example/run/1', details: { cluster: 'eu-1' } });
    await run('deploy', 'report', 'prm-1', '--status', 'DONE');
    expect(process.exitCode).toBe(1);
    expect(requests).toHaveLength(1);
  });

  it('status --app prints one row per environment in promotion order', async () => {
    const { written, run } = harness({
      data: {
        environmentStatus: [
          { environment: 'prod', position: 2, version: null, deployedAt: null, promotion: null, inFlight: [{ id: 'prm-1', version: '1.4.2', state: 'PENDING_APPROVAL' }] },
          { environment: 'dev', position: 0, version: '1.4.2', deployedAt: '2026-11-26T09:00:00.000Z', promotion: { id: 'prm-0' }, inFlight: [] },
        ],
      },
    });
    await run('status', '--app', 'payments-api');
    expect(written.out.split('\n').map((line) => line.split(/\s{2,}/)[0])).toEqual(['ENVIRONMENT', 'dev', 'prod', '']);
    expect(written.out).toContain('1.4.2 PENDING_APPROVAL (prm-1)');
  });

  it('prints the server’s code and message and exits 1 when the call is refused', async () => {
    const { written, run } = harness({ errors: [{ message: 'No promotion with id "prm-9".', extensions: { code: 'NOT_FOUND', requestId: 'r-1' } }] });
    await run('status', 'prm-9');
    expect(process.exitCode).toBe(1);
    expect(written.err).toBe('NOT_FOUND: No promotion with id "prm-9". (request r-1)\n');
  });

  it('wait takes --timeout and --interval durations', async () => {
    const { run } = harness({ data: { promotion: promotion({ state: 'APPROVED' }) } });
    await run('wait', 'prm-1', '--timeout', '2m', '--interval', '1s');
    expect(process.exitCode).toBe(0);
  });
});

describe(waitAction.name, () => {
  function clock() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  }
  const sink = () => {
    const written = { out: '', err: '' };
    return { written, output: { out: (text: string) => (written.out += text), err: (text: string) => (written.err += text) } };
  };
  const env = { GATEHOUSE_URL: 'http://gatehouse.test', GATEHOUSE_TOKEN: 't' };
  const answering = (...states: string[]) => {
    let call = 0;
    jest.spyOn(global, 'fetch').mockImplementation(async () => new Response(JSON.stringify({ data: { promotion: promotion({ state: states[Math.min(call++, states.length - 1)]! }) } })));
  };

  it('exits 0 once approved, with one progress line per change of state', async () => {
    answering('PENDING_APPROVAL', 'PENDING_APPROVAL', 'APPROVED');
    const { written, output } = sink();
    expect(await waitAction('prm-1', { timeout: '10m', interval: '5s' }, output, env, clock(), false)).toBe(0);
    expect(written.err.trim().split('\n')).toEqual([
      'payments-api 1.4.2 → prod: PENDING_APPROVAL (waiting for payments-leads 1/2) — 0s',
      'payments-api 1.4.2 → prod: APPROVED (waiting for payments-leads 1/2) — 10s',
    ]);
    expect(written.out).toBe('prm-1: APPROVED\n');
  });

  it.each(['DENIED', 'REJECTED', 'EXPIRED', 'CANCELLED'])('exits 2 when the promotion is %s', async (state) => {
    answering('PENDING_APPROVAL', state);
    expect(await waitAction('prm-1', { timeout: '10m', interval: '5s' }, sink().output, env, clock(), false)).toBe(2);
  });

  it('exits 3 when the timeout passes first, and says so', async () => {
    answering('PENDING_APPROVAL');
    const { written, output } = sink();
    expect(await waitAction('prm-1', { timeout: '1m', interval: '20s', json: true }, output, env, clock(), false)).toBe(3);
    expect(JSON.parse(written.out)).toMatchObject({ result: 'timed-out', exitCode: 3, promotion: { state: 'PENDING_APPROVAL' } });
  });

  it('exits 1 on a bad duration or a failed call', async () => {
    answering('PENDING_APPROVAL');
    expect(await waitAction('prm-1', { timeout: 'soon', interval: '5s' }, sink().output, env, clock(), false)).toBe(1);
    jest.restoreAllMocks();
    jest.spyOn(global, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    expect(await waitAction('prm-1', { timeout: '1m', interval: '5s' }, sink().output, env, clock(), false)).toBe(1);
  });
});

describe(parseDuration.name, () => {
  it('reads seconds, minutes and hours', () => {
    expect(['90', '90s', '15m', '2h'].map((text) => parseDuration(text, '--timeout'))).toEqual([90, 90, 900, 7200]);
  });
});

describe(progressLine.name, () => {
  it('names the groups still missing approvals', () => {
    expect(progressLine(promotion(), 75)).toBe('payments-api 1.4.2 → prod: PENDING_APPROVAL (waiting for payments-leads 1/2) — 1m15s');
  });
});
