import { CheckStatus, EvidenceKind } from '@gatehouse/pipelines';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import { PayloadProblems, SHA, slugOf, sourceDigestOf, titleOf, type DeploymentReport, type IncomingAction } from './incoming.action';

/** The GitHub events Gatehouse maps; any other is accepted and ignored. */
export const GITHUB_EVENTS = ['push', 'workflow_run', 'check_suite', 'deployment_status', 'ping'] as const;

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);

/**
 * Maps one GitHub webhook delivery (`X-GitHub-Event` and its JSON) to what Gatehouse does:
 * - `push` to a branch: registers the change `<head sha, 12 hex>` with the pushed commits
 *   (head first) and the paths they touch. A push carries no artifact: the change's digest is
 *   the SHA-256 of `<repository>@<sha>` (see sourceDigestOf). Tag pushes and deletions are ignored.
 * - `workflow_run`, `check_suite`: a named check on the change of the head commit
 *   (`github-<workflow name>`, `github-checks-<app>`): PASSED on success or neutral, FAILED on
 *   any other conclusion, PENDING while it runs.
 * - `deployment_status`: a deployment of the change of the deployed commit into the GitHub
 *   environment of the same name (success → SUCCEEDED, failure or error → FAILED, in
 *   progress → STARTED).
 */
export function mapGithubEvent(event: string, payload: unknown): IncomingAction {
  const body = object(payload);
  if (!body) throw invalid(['the body must be a JSON object']);
  switch (event) {
    case 'ping':
      return { kind: 'ignore', reason: 'ping: the integration is set up' };
    case 'push':
      return push(body);
    case 'workflow_run':
      return check(body, 'workflow_run', (run) => slugOf(String(run.name ?? object(body.workflow)?.name ?? 'workflow'), 'github'));
    case 'check_suite':
      return check(body, 'check_suite', (suite) => slugOf(String(object(suite.app)?.slug ?? 'suite'), 'github-checks'));
    case 'deployment_status':
      return deploymentStatus(body);
    default:
      return { kind: 'ignore', reason: `GitHub event "${event}" is not one Gatehouse maps (${GITHUB_EVENTS.join(', ')})` };
  }
}

function push(body: Json): IncomingAction {
  const ref = typeof body.ref === 'string' ? body.ref : '';
  if (!ref.startsWith('refs/heads/')) return { kind: 'ignore', reason: `push of ${ref || 'an unknown ref'}: only branch pushes register changes` };
  if (body.deleted === true) return { kind: 'ignore', reason: `push deleted ${ref}` };
  const problems = new PayloadProblems();
  const after = problems.matching('after', body.after, /^[0-9a-f]{40,64}$/, 'must be a commit SHA');
  const repository = problems.text('repository.full_name', object(body.repository)?.full_name, { max: 300 });
  const listed = Array.isArray(body.commits) ? body.commits.map(object) : [];
  const headCommit = object(body.head_commit);
  // GitHub lists a push's commits oldest first; a change lists its head first.
  const raw = (listed.length ? listed : headCommit ? [headCommit] : []).slice().reverse();
  if (!raw.length) problems.add('commits', 'must list at least one commit');
  const paths = new Set<string>();
  const commits = raw.map((commit, index) => {
    const path = `commits[${raw.length - 1 - index}]`;
    const author = object(commit?.author);
    const email = typeof author?.email === 'string' ? author.email.split('@')[0] : undefined;
    for (const list of ['added', 'modified', 'removed']) {
      for (const file of Array.isArray(commit?.[list]) ? (commit![list] as unknown[]) : []) if (typeof file === 'string' && file) paths.add(file.slice(0, 1024));
    }
    return {
      sha: problems.matching(`${path}.id`, commit?.id, SHA, 'must be a commit SHA') ?? '',
      author: problems.text(`${path}.author`, author?.username ?? email ?? author?.name, { max: 200 }) ?? '',
      message: (typeof commit?.message === 'string' ? commit.message : '').slice(0, 10000),
    };
  });
  if (problems.problems.length) throw invalid(problems.problems);
  const version = after!.slice(0, 12);
  const branch = ref.slice('refs/heads/'.length);
  return {
    kind: 'register',
    change: {
      application: '',
      version,
      commits,
      artifactDigest: sourceDigestOf(repository!, after!),
      title: titleOf(String(headCommit?.message ?? commits[0]!.message)) || `push to ${branch}`,
      ticket: null,
      labels: ['source-only'],
      changedPaths: [...paths].slice(0, 10000),
      linesAdded: 0,
      linesRemoved: 0,
    },
    evidence: [],
    links: [`sha:${after}`, `version:${version}`],
  };
}

function check(body: Json, key: 'workflow_run' | 'check_suite', nameOf: (run: Json) => string): IncomingAction {
  const run = object(body[key]);
  const problems = new PayloadProblems();
  const sha = problems.matching(`${key}.head_sha`, run?.head_sha, /^[0-9a-f]{40,64}$/, 'must be a commit SHA');
  if (problems.problems.length) throw invalid(problems.problems);
  const conclusion = typeof run!.conclusion === 'string' ? run!.conclusion : null;
  if (conclusion === 'skipped' || conclusion === 'stale') return { kind: 'ignore', reason: `${key} ${conclusion}: no result to record` };
  const status =
    body.action !== 'completed' || conclusion === null
      ? CheckStatus.PENDING
      : conclusion === 'success' || conclusion === 'neutral'
        ? CheckStatus.PASSED
        : CheckStatus.FAILED;
  const url = typeof run!.html_url === 'string' && /^https?:\/\//.test(run!.html_url) ? run!.html_url : null;
  return {
    kind: 'evidence',
    lookup: [`sha:${sha}`],
    changeId: null,
    evidence: [{ kind: EvidenceKind.CHECK, check: { name: nameOf(run!), status }, source: 'github', url }],
  };
}

function deploymentStatus(body: Json): IncomingAction {
  const deployment = object(body.deployment);
  const status = object(body.deployment_status);
  const problems = new PayloadProblems();
  const sha = problems.matching('deployment.sha', deployment?.sha, /^[0-9a-f]{40,64}$/, 'must be a commit SHA');
  const environment = problems.text('deployment.environment', deployment?.environment, { max: 63 });
  const state = problems.text('deployment_status.state', status?.state, { max: 50 });
  if (problems.problems.length) throw invalid(problems.problems);
  const mapped: Record<string, DeploymentReport['status']> = { success: 'SUCCEEDED', failure: 'FAILED', error: 'FAILED', in_progress: 'STARTED', queued: 'STARTED', pending: 'STARTED' };
  const outcome = mapped[state!];
  if (!outcome) return { kind: 'ignore', reason: `deployment_status "${state}" says nothing about a deployment's outcome` };
  const target = status!.target_url ?? status!.log_url ?? status!.environment_url;
  return {
    kind: 'deployment',
    lookup: [`sha:${sha}`],
    changeId: null,
    deployment: { environment: environment!, status: outcome, url: typeof target === 'string' && /^https?:\/\//.test(target) ? target : null },
  };
}

function invalid(problems: string[]): IntegrationException {
  return new IntegrationException(IntegrationErrorReason.PAYLOAD_INVALID, `The GitHub payload cannot be mapped: ${problems.join('; ')}.`, { problems });
}
