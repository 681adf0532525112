import { formatTable, guarded, printJson, UsageError, type CommandOutput } from '../client/command-output';
import { graphql, resolveServer, type Server, type ServerFlags } from '../client/gatehouse-client';

const PROMOTION_FIELDS = `id application environment sourceEnvironment changeId version state emergency reason requestedAt updatedAt expiresAt
  requestedBy { username }
  decision { outcome basis policyName policyVersion approvalsRequired { group count } matchedRules { id effect reason } }
  approvalProgress { group required granted approvers }
  approvals { approver { username } vote comment dismissedAt }
  deployments { status url reportedAt }`;

const REQUEST = `mutation Promote($input: RequestPromotionInput!) { requestPromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
const APPROVE = `mutation Approve($input: ApprovePromotionInput!) { approvePromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
const REJECT = `mutation Reject($input: RejectPromotionInput!) { rejectPromotion(input: $input) { ${PROMOTION_FIELDS} } }`;
const REPORT = `mutation Report($input: ReportDeploymentInput!) { reportDeployment(input: $input) { ${PROMOTION_FIELDS} } }`;
const GET = `query Promotion($id: ID!) { promotion(id: $id) { ${PROMOTION_FIELDS} } }`;
const ENVIRONMENTS = `query EnvironmentStatus($application: String!) { environmentStatus(application: $application) {
  environment position version deployedAt promotion { id } inFlight { id version state } } }`;

/** PromotionView is a promotion as the CLI reads it. */
export interface PromotionView {
  id: string;
  application: string;
  environment: string;
  sourceEnvironment: string | null;
  changeId: string;
  version: string;
  state: string;
  emergency: boolean;
  reason: string;
  requestedAt: string;
  updatedAt: string;
  expiresAt: string | null;
  requestedBy: { username: string };
  decision: {
    outcome: string;
    basis: string;
    policyName: string | null;
    policyVersion: number | null;
    approvalsRequired: { group: string; count: number }[];
    matchedRules: { id: string; effect: string; reason: string }[];
  };
  approvalProgress: { group: string; required: number; granted: number; approvers: string[] }[];
  approvals: { approver: { username: string }; vote: string; comment: string | null; dismissedAt: string | null }[];
  deployments: { status: string; url: string | null; reportedAt: string }[];
}

/** States in which a pipeline may go on (the gate is open). */
export const GATE_OPEN = ['APPROVED', 'DEPLOYING', 'DEPLOYED'];
/** States that will never open the gate. */
export const GATE_CLOSED = ['DENIED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'FAILED', 'ROLLED_BACK'];

/** Exit codes of `gatehouse wait`. */
export const WAIT_EXIT = { approved: 0, error: 1, closed: 2, timedOut: 3 } as const;

type Json = { json?: boolean };

/** `gatehouse promote`: requests a promotion and prints the decision. */
export async function promoteAction(
  options: ServerFlags & Json & { change: string; env: string; reason?: string; idempotencyKey?: string },
  output: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return guarded(output, options.json, async () => {
    const input = { change: options.change, environment: options.env, reason: options.reason, idempotencyKey: options.idempotencyKey };
    const { requestPromotion } = await graphql<{ requestPromotion: PromotionView }>(resolveServer(options, env), REQUEST, { input });
    show(output, options.json, requestPromotion);
    return 0;
  });
}

/** `gatehouse approve` / `gatehouse reject`: votes on a promotion. */
export async function voteAction(
  vote: 'approve' | 'reject',
  promotion: string,
  options: ServerFlags & Json & { comment?: string },
  output: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return guarded(output, options.json, async () => {
    if (vote === 'reject' && !options.comment?.trim()) throw new UsageError('reject needs --comment saying why');
    const input = { promotion, comment: options.comment };
    const server = resolveServer(options, env);
    const result =
      vote === 'approve'
        ? (await graphql<{ approvePromotion: PromotionView }>(server, APPROVE, { input })).approvePromotion
        : (await graphql<{ rejectPromotion: PromotionView }>(server, REJECT, { input })).rejectPromotion;
    show(output, options.json, result);
    return 0;
  });
}

const DEPLOYMENT_STATUSES = ['STARTED', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK'];

/** `gatehouse deploy report`: reports what the deployer did. */
export async function deployReportAction(
  promotion: string,
  options: ServerFlags & Json & { status: string; deploymentUrl?: string; details?: string },
  output: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return guarded(output, options.json, async () => {
    const status = options.status.toUpperCase();
    if (!DEPLOYMENT_STATUSES.includes(status)) throw new UsageError(`--status must be one of ${DEPLOYMENT_STATUSES.join(', ')}, got ${options.status}`);
    let details: unknown;
    if (options.details !== undefined) {
      try {
        details = JSON.parse(options.details);
      } catch (error) {
        throw new UsageError(`--details must be a JSON object: ${(error as Error).message}`);
      }
    }
    const input = { promotion, status, url: options.deploymentUrl, details };
    const { reportDeployment } = await graphql<{ reportDeployment: PromotionView }>(resolveServer(options, env), REPORT, { input });
    show(output, options.json, reportDeployment);
    return 0;
  });
}

/** `gatehouse status <promotion>` or `gatehouse status --app <name>` (where each environment stands). */
export async function statusAction(promotion: string | undefined, options: ServerFlags & Json & { app?: string }, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, options.json, async () => {
    const server = resolveServer(options, env);
    if (promotion && options.app) throw new UsageError('give a promotion id or --app, not both');
    if (promotion) {
      show(output, options.json, await getPromotion(server, promotion));
      return 0;
    }
    if (!options.app) throw new UsageError('give a promotion id, or --app <name> for every environment');
    type Row = { environment: string; position: number; version: string | null; deployedAt: string | null; promotion: { id: string } | null; inFlight: { id: string; version: string; state: string }[] };
    const { environmentStatus } = await graphql<{ environmentStatus: Row[] }>(server, ENVIRONMENTS, { application: options.app });
    if (options.json) printJson(output, environmentStatus);
    else
      output.out(
        formatTable(
          ['ENVIRONMENT', 'DEPLOYED', 'AT', 'IN FLIGHT'],
          [...environmentStatus]
            .sort((a, b) => a.position - b.position)
            .map((row) => [row.environment, row.version ?? '—', row.deployedAt ?? '—', row.inFlight.map((p) => `${p.version} ${p.state} (${p.id})`).join(', ') || '—']),
        ),
      );
    return 0;
  });
}

export function getPromotion(server: Server, id: string): Promise<PromotionView> {
  return graphql<{ promotion: PromotionView }>(server, GET, { id }).then((data) => data.promotion);
}

/** What `wait` prints while it waits: the state and, when pending, the approvals still missing. */
export function progressLine(promotion: PromotionView, elapsedSeconds: number): string {
  const missing = promotion.approvalProgress
    .filter((group) => group.granted < group.required)
    .map((group) => `${group.group} ${group.granted}/${group.required}`)
    .join(', ');
  return `${promotion.application} ${promotion.version} → ${promotion.environment}: ${promotion.state}${missing ? ` (waiting for ${missing})` : ''} — ${formatDuration(elapsedSeconds)}`;
}

/** Options of `gatehouse wait`. */
export interface WaitOptions extends ServerFlags, Json {
  timeout: string;
  interval: string;
}

/** A clock the wait loop reads and sleeps on; tests pass their own. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: WaitClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * `gatehouse wait <promotion>`: blocks until the gate opens (exit 0: APPROVED, DEPLOYING or
 * DEPLOYED), closes for good (exit 2: DENIED, REJECTED, EXPIRED, CANCELLED, FAILED, ROLLED_BACK),
 * or the timeout passes (exit 3). A failed call exits 1. Progress goes to stderr, one line
 * per change (rewritten in place on a terminal); the result to stdout.
 */
export async function waitAction(promotion: string, options: WaitOptions, output: CommandOutput, env: NodeJS.ProcessEnv = process.env, clock: WaitClock = realClock, tty = Boolean(process.stderr.isTTY)): Promise<number> {
  return guarded(output, options.json, async () => {
    const timeoutMs = parseDuration(options.timeout, '--timeout') * 1000;
    const intervalMs = Math.max(1, parseDuration(options.interval, '--interval')) * 1000;
    const server = resolveServer(options, env);
    const started = clock.now();
    let last = '';
    for (;;) {
      const current = await getPromotion(server, promotion);
      const elapsed = Math.round((clock.now() - started) / 1000);
      const state = current.state;
      const line = progressLine(current, elapsed);
      const shown = line.replace(/ — .*$/, '');
      if (tty) output.err(`\r\u001b[2K${line}`);
      else if (shown !== last) output.err(`${line}\n`);
      last = shown;
      const done = GATE_OPEN.includes(state) ? WAIT_EXIT.approved : GATE_CLOSED.includes(state) ? WAIT_EXIT.closed : null;
      const timedOut = done === null && clock.now() - started >= timeoutMs;
      if (done !== null || timedOut) {
        if (tty) output.err('\n');
        const result = done === null ? WAIT_EXIT.timedOut : done;
        if (options.json) printJson(output, { promotion: current, result: result === 0 ? 'approved' : result === 2 ? 'closed' : 'timed-out', exitCode: result });
        else output.out(result === WAIT_EXIT.timedOut ? `Timed out after ${formatDuration(elapsed)}: ${promotion} is still ${state}\n` : `${promotion}: ${state}\n`);
        return result;
      }
      await clock.sleep(Math.min(intervalMs, Math.max(0, timeoutMs - (clock.now() - started))));
    }
  });
}

/** `90`, `90s`, `15m`, `2h` → seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 90s, 15m or 2h, got ${text}`);
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m ? `${m}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** A promotion as a tidy block: what, where, the decision, approvals, deployments. */
export function formatPromotion(p: PromotionView): string {
  const rows: string[][] = [
    ['PROMOTION', p.id],
    ['CHANGE', `${p.application} ${p.version} (${p.changeId})`],
    ['TO', `${p.environment}${p.sourceEnvironment ? ` (from ${p.sourceEnvironment})` : ''}${p.emergency ? ' — BREAK-GLASS' : ''}`],
    ['STATE', p.state],
    ['DECISION', `${p.decision.outcome} (${p.decision.basis}${p.decision.policyName ? `, policy ${p.decision.policyName} v${p.decision.policyVersion}` : ''})`],
    ...p.decision.matchedRules.map((rule) => ['  RULE', `${rule.id}: ${rule.effect} — ${rule.reason}`]),
    ...p.approvalProgress.map((group) => ['  APPROVALS', `${group.group} ${group.granted}/${group.required}${group.approvers.length ? ` (${group.approvers.join(', ')})` : ''}`]),
    ...p.deployments.map((deployment) => ['  DEPLOYMENT', `${deployment.status} ${deployment.reportedAt}${deployment.url ? ` ${deployment.url}` : ''}`]),
    ['REQUESTED', `${p.requestedAt} by ${p.requestedBy.username}`],
  ];
  if (p.expiresAt && !GATE_OPEN.includes(p.state) && !GATE_CLOSED.includes(p.state)) rows.push(['EXPIRES', p.expiresAt]);
  const width = Math.max(...rows.map((row) => row[0]!.length));
  return `${rows.map(([key, value]) => `${key!.padEnd(width)}  ${value}`).join('\n')}\n`;
}

function show(output: CommandOutput, json: boolean | undefined, promotion: PromotionView): void {
  if (json) printJson(output, promotion);
  else output.out(formatPromotion(promotion));
}
