import Link from 'next/link';
import type { Metadata } from 'next';
import { PolicyDetailQuery, PolicyDiffQuery, PolicyVersionQuery } from '../../../graphql/policies/policies';
import { serverQuery } from '../../../graphql/server-query';
import { PolicyDiffView } from '../../../ui/policies/policy-diff-view';
import { runPolicyTests } from '../../../ui/policies/policy-tests';
import { SimulateForm } from '../../../ui/policies/simulate-form';
import { ApiErrorNotice } from '../../../ui/shell/api-problem';
import { utc } from '../../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Policy' };

const int = (value: string | string[] | undefined) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);

export default async function PolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const name = decodeURIComponent((await params).name);
  const search = await searchParams;
  const here = `/policies/${encodeURIComponent(name)}`;
  const policyAnswer = await serverQuery(PolicyDetailQuery, { name }, here);
  if (policyAnswer.error) return <ApiErrorNotice error={policyAnswer.error} />;
  const policy = policyAnswer.data.policy;
  const version = int(search.version) ?? policy.versions[0]!;
  const diffTo = int(search.to) ?? version;
  const diffFrom = int(search.from) ?? policy.versions.find((v) => v < diffTo) ?? diffTo;
  const [versionAnswer, diffAnswer, tests] = await Promise.all([
    serverQuery(PolicyVersionQuery, { name, version }, here),
    diffFrom !== diffTo ? serverQuery(PolicyDiffQuery, { name, from: diffFrom, to: diffTo }, here) : Promise.resolve(null),
    runPolicyTests(name, version),
  ]);
  const environments = [...new Set(policy.activations.map((a) => a.environment))];
  return (
    <>
      <p className="no-print">
        <Link prefetch={false} href="/policies">← Policies</Link>
      </p>
      <h1>Policy {policy.name}</h1>
      <section className="card" aria-labelledby="versions">
        <h2 id="versions">Versions</h2>
        <p>
          {policy.versions.map((v) => (
            <span key={v} style={{ marginRight: '0.6rem' }}>
              {v === version ? <strong aria-current="true">v{v}</strong> : <Link prefetch={false} href={`${here}?version=${v}`}>v{v}</Link>}
            </span>
          ))}
        </p>
        <p>
          Governs:{' '}
          {policy.activations.length
            ? policy.activations.map((a) => `${a.environment}${a.regulated ? ' (regulated)' : ''} with v${a.version} since ${utc(a.activatedAt)} (by ${a.activatedBy.displayName ?? a.activatedBy.id})`).join('; ')
            : 'no environment'}
        </p>
      </section>
      {versionAnswer.error ? (
        <ApiErrorNotice error={versionAnswer.error} />
      ) : (
        <section className="card" aria-labelledby="rules">
          <h2 id="rules">
            v{versionAnswer.data.policyVersion.version} rules
          </h2>
          <dl className="kv">
            <dt>Hash</dt>
            <dd>
              <code>{versionAnswer.data.policyVersion.hash}</code>
            </dd>
            <dt>Published</dt>
            <dd>
              {utc(versionAnswer.data.policyVersion.createdAt)} by {versionAnswer.data.policyVersion.author.displayName ?? versionAnswer.data.policyVersion.author.id}
              {versionAnswer.data.policyVersion.message ? ` — “${versionAnswer.data.policyVersion.message}”` : ''}
            </dd>
            <dt>Applies to</dt>
            <dd>
              {versionAnswer.data.policyVersion.appliesTo.environments.join(', ')}
              {versionAnswer.data.policyVersion.appliesTo.regulated ? ' (may govern regulated environments)' : ''}
            </dd>
            <dt>When no rule matches</dt>
            <dd>
              {versionAnswer.data.policyVersion.default}
              {versionAnswer.data.policyVersion.defaultApprovals
                ? ` (${versionAnswer.data.policyVersion.defaultApprovals.count} × ${versionAnswer.data.policyVersion.defaultApprovals.groups.join(' or ')})`
                : ''}
            </dd>
          </dl>
          <table>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Effect</th>
                <th scope="col">Reason</th>
                <th scope="col">When (JSON Logic)</th>
              </tr>
            </thead>
            <tbody>
              {versionAnswer.data.policyVersion.rules.map((rule) => (
                <tr key={rule.id}>
                  <td>
                    <code>{rule.id}</code>
                  </td>
                  <td>
                    {rule.effect}
                    {rule.approvals ? ` (${rule.approvals.count} × ${rule.approvals.groups.join(' or ')})` : ''}
                  </td>
                  <td>{rule.reason}</td>
                  <td>
                    <pre>{JSON.stringify(rule.when)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>Source as published</summary>
            <pre>{versionAnswer.data.policyVersion.source}</pre>
          </details>
        </section>
      )}
      <section className="card" aria-labelledby="tests">
        <h2 id="tests">Test results of v{version}</h2>
        {tests === null ? (
          <p className="muted">No tests.yaml for this policy in the policies directory the portal reads.</p>
        ) : (
          <>
            <p data-testid="test-summary">
              <span className={tests.every((t) => t.passed) ? 'status-ok' : 'status-bad'}>
                {tests.filter((t) => t.passed).length} passed, {tests.filter((t) => !t.passed).length} failed
              </span>{' '}
              <span className="muted">(policies/{name}/tests.yaml, each case decided by v{version} on the API)</span>
            </p>
            <ul>
              {tests.map((t) => (
                <li key={t.note}>
                  <span className={t.passed ? 'status-ok' : 'status-bad'}>{t.passed ? 'PASS' : 'FAIL'}</span> {t.note}
                  {t.failures.length ? (
                    <ul>
                      {t.failures.map((f) => (
                        <li key={f}>{f}</li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="diff">
        <h2 id="diff">Compare two versions</h2>
        <form className="filters no-print" method="get" action={here}>
          <input type="hidden" name="version" value={version} />
          <label>
            From
            <select name="from" defaultValue={diffFrom}>
              {policy.versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <label>
            To
            <select name="to" defaultValue={diffTo}>
              {policy.versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Compare</button>
        </form>
        {diffAnswer === null ? (
          <p className="muted">Only one version, or the same version on both sides: nothing to compare.</p>
        ) : diffAnswer.error ? (
          <ApiErrorNotice error={diffAnswer.error} />
        ) : (
          <PolicyDiffView diff={diffAnswer.data.diffPolicyVersions} />
        )}
      </section>
      <section className="card" aria-labelledby="simulate">
        <h2 id="simulate">Simulate a candidate against history</h2>
        <SimulateForm name={policy.name} versions={policy.versions} environments={environments} />
      </section>
    </>
  );
}
