import examples from '@octokit/webhooks-examples';
import { mapGithubEvent } from './github.mapper';

// GitHub's own samples (@octokit/webhooks-examples, pinned as a devDependency).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;
function sample(event: string, pick: (example: Payload) => boolean = () => true): Payload {
  return structuredClone((examples as { name: string; examples: Payload[] }[]).find((entry) => entry.name === event)!.examples.find(pick)!);
}

describe(mapGithubEvent.name, () => {
  describe('push', () => {
    it('registers the pushed commits, head first, with the paths they touch and a source digest', () => {
      const push = sample('push', (example) => example.ref === 'refs/heads/master');
      push.commits = [
        { ...push.commits[0], id: '1'.repeat(40), message: 'first', added: ['a.ts'], modified: [], removed: [] },
        { ...push.commits[0], id: '2'.repeat(40), message: 'second\n\nbody', added: [], modified: ['b.ts'], removed: ['a.ts'] },
      ];
      push.head_commit = { ...push.commits[1] };
      push.after = '2'.repeat(40);
      const action = mapGithubEvent('push', push);
      expect(action).toMatchObject({
        kind: 'register',
        change: {
          version: '222222222222',
          title: 'second',
          commits: [
            { sha: '2'.repeat(40), author: 'Codertocat', message: 'second\n\nbody' },
            { sha: '1'.repeat(40), author: 'Codertocat', message: 'first' },
          ],
          changedPaths: ['b.ts', 'a.ts'],
        },
        links: [`sha:${'2'.repeat(40)}`, 'version:222222222222'],
      });
      const again = mapGithubEvent('push', push);
      expect(again.kind === 'register' && again.change.artifactDigest).toBe(action.kind === 'register' && action.change.artifactDigest);
    });

    it('ignores tags and deleted branches', () => {
      expect(mapGithubEvent('push', sample('push', (example) => example.ref.startsWith('refs/tags/'))).kind).toBe('ignore');
      const deleted = sample('push', (example) => example.ref === 'refs/heads/master');
      deleted.deleted = true;
      expect(mapGithubEvent('push', deleted).kind).toBe('ignore');
    });
  });

  describe('workflow_run and check_suite', () => {
    it.each([
      ['success', 'PASSED'],
      ['neutral', 'PASSED'],
      ['failure', 'FAILED'],
      ['timed_out', 'FAILED'],
      ['cancelled', 'FAILED'],
    ])('a completed run concluding %s is a %s check', (conclusion, status) => {
      const run = sample('workflow_run', (example) => example.action === 'completed');
      run.workflow_run.conclusion = conclusion;
      run.workflow_run.name = 'CI / Build';
      expect(mapGithubEvent('workflow_run', run)).toMatchObject({ kind: 'evidence', lookup: [`sha:${run.workflow_run.head_sha}`], evidence: [{ kind: 'CHECK', check: { name: 'github-ci-build', status } }] });
    });

    it('a requested run is a pending check, a skipped one says nothing', () => {
      const requested = sample('workflow_run', (example) => example.action === 'requested');
      expect(mapGithubEvent('workflow_run', requested)).toMatchObject({ evidence: [{ check: { status: 'PENDING' } }] });
      const skipped = sample('check_suite', (example) => example.action === 'completed');
      skipped.check_suite.conclusion = 'skipped';
      expect(mapGithubEvent('check_suite', skipped).kind).toBe('ignore');
    });
  });

  describe('deployment_status', () => {
    it('maps success to SUCCEEDED in the deployment’s environment, with its log link', () => {
      const status = sample('deployment_status', (example) => example.deployment_status.state === 'in_progress');
      expect(mapGithubEvent('deployment_status', status)).toMatchObject({
        kind: 'deployment',
        deployment: { environment: 'github-pages', status: 'STARTED', url: status.deployment_status.target_url },
      });
      status.deployment_status.state = 'failure';
      expect(mapGithubEvent('deployment_status', status)).toMatchObject({ deployment: { status: 'FAILED' } });
      status.deployment_status.state = 'inactive';
      expect(mapGithubEvent('deployment_status', status).kind).toBe('ignore');
    });
  });

  it('refuses a body that is not an object', () => {
    expect(() => mapGithubEvent('push', [])).toThrow('the body must be a JSON object');
  });
});
