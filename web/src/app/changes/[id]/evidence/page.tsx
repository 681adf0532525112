import Link from 'next/link';
import type { Metadata } from 'next';
import { ApplicationEnvironmentsQuery } from '../../../../graphql/promotions/promotions';
import { currentUser } from '../../../../ui/auth/current-user';
import { RequestPromotionForm } from '../../../../ui/promotions/request-promotion-form';
import { serverQuery } from '../../../../graphql/server-query';
import { chainLinkHolds } from '../../../../ui/audit/chain-check';
import { loadChangeEvidence } from '../../../../ui/evidence/change-evidence-data';
import { EvidenceTable } from '../../../../ui/evidence/evidence-summary';
import { PromotionsOfChange } from '../../../../ui/evidence/promotions-of-change';
import { PrintButton } from '../../../../ui/evidence/print-button';
import { ApiErrorNotice } from '../../../../ui/shell/api-problem';
import { utc } from '../../../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Change evidence' };

export default async function ChangeEvidencePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await loadChangeEvidence(id);
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const { change, changeEvidence, auditPublicKey, promotions, events } = result.data;
  const [user, app] = await Promise.all([currentUser(), serverQuery(ApplicationEnvironmentsQuery, { name: change.application }, `/changes/${id}/evidence`)]);
  const mayRequest = Boolean(user?.roles.includes('DEVELOPER') && app.data);
  const checks = events.map((e) => chainLinkHolds(e.prevHash, e.canonical, e.hash));
  const broken = checks.filter((c) => c === false).length;
  const sealed = checks.filter((c) => c === true).length;
  return (
    <article aria-labelledby="title">
      <p className="no-print">
        <Link prefetch={false} href={`/applications/${encodeURIComponent(change.application)}`}>← {change.application}</Link>
      </p>
      <h1 id="title">
        Change evidence: {change.application} {change.version}
      </h1>
      <p className="print-only">Printed from Gatehouse at {utc(new Date().toISOString())}.</p>
      <p className="no-print" style={{ display: 'flex', gap: '0.75rem' }}>
        <a className="button" href={`/changes/${change.id}/evidence/pack`} download>
          Download the evidence pack (JSON)
        </a>
        <PrintButton />
      </p>
      {mayRequest && app.data ? <RequestPromotionForm changeId={change.id} environments={app.data.application.environments.map((e) => e.name)} /> : null}
      <section className="card" aria-labelledby="change">
        <h2 id="change">The change</h2>
        <dl className="kv">
          <dt>Title</dt>
          <dd>{change.title}</dd>
          <dt>Ticket</dt>
          <dd>{change.ticket ?? '—'}</dd>
          <dt>Head commit</dt>
          <dd>
            <code>{change.sha}</code>
          </dd>
          <dt>Artifact</dt>
          <dd>
            <code>{change.artifactDigest}</code>
          </dd>
          <dt>Content hash</dt>
          <dd>
            <code>{change.contentHash}</code>
          </dd>
          <dt>Registered</dt>
          <dd>
            {utc(change.createdAt)} by <code>{change.registeredBy}</code>
          </dd>
          <dt>Size</dt>
          <dd>
            +{change.linesAdded} −{change.linesRemoved} lines in {change.changedPaths.length} paths
          </dd>
          <dt>Labels</dt>
          <dd>{change.labels.join(', ') || '—'}</dd>
        </dl>
        <h3>Commits</h3>
        <table>
          <thead>
            <tr>
              <th scope="col">SHA</th>
              <th scope="col">Author</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {change.commits.map((c) => (
              <tr key={c.sha}>
                <td>
                  <code>{c.sha.slice(0, 12)}</code>
                </td>
                <td>{c.author}</td>
                <td>{c.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <details>
          <summary>Changed paths ({change.changedPaths.length})</summary>
          <ul>
            {change.changedPaths.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </details>
      </section>
      <section className="card" aria-labelledby="evidence">
        <h2 id="evidence">Evidence</h2>
        <EvidenceTable evidence={change.currentEvidence} />
      </section>
      <PromotionsOfChange promotions={promotions} />
      <section className="card" aria-labelledby="trail">
        <h2 id="trail">Audit trail of this change</h2>
        <p data-testid="evidence-chain">
          {events.length} events about the change and its promotions; chain head when this page was made: seq {changeEvidence.headSeq}
          {changeEvidence.pendingCount ? ` (${changeEvidence.pendingCount} events pending sealing)` : ''}.{' '}
          {broken ? (
            <span className="status-bad">{broken} events do not hash to their stored chain hash.</span>
          ) : (
            <span className="status-ok">All {sealed} sealed events recompute to their chain hash.</span>
          )}{' '}
          Checkpoints are signed with Ed25519 key <code>{auditPublicKey.keyId}</code>.
        </p>
        <table data-testid="evidence-trail">
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Environment</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={e.id}>
                <td>{e.seq ? <Link prefetch={false} href={`/audit/${e.seq}`}>{e.seq}</Link> : 'pending'}</td>
                <td>{utc(e.occurredAt)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.actor.displayName ?? e.actor.id}</td>
                <td>{e.environment ?? '—'}</td>
                <td>
                  <code>{e.hash?.slice(0, 16) ?? '—'}</code> {checks[i] === true ? '✓' : checks[i] === false ? '✗' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
