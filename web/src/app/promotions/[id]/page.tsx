import Link from 'next/link';
import type { Metadata } from 'next';
import { PromotionAuditQuery, PromotionDetailQuery } from '../../../graphql/promotions/promotions';
import { serverQuery } from '../../../graphql/server-query';
import { ApprovalActions } from '../../../ui/promotions/approval-actions';
import { DecisionExplained } from '../../../ui/promotions/decision-explained';
import { DecisionReplay } from '../../../ui/promotions/decision-replay';
import { LivePromotion } from '../../../ui/promotions/live-promotion';
import { StateBadge } from '../../../ui/promotions/state-badge';
import { ApiErrorNotice } from '../../../ui/shell/api-problem';
import { utc } from '../../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Promotion' };

export default async function PromotionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const here = `/promotions/${id}`;
  const [result, audit] = await Promise.all([
    serverQuery(PromotionDetailQuery, { id }, here),
    serverQuery(PromotionAuditQuery, { filter: { subjectType: 'promotion', subjectId: id } }, here),
  ]);
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const p = result.data.promotion;
  return (
    <>
      <p className="no-print">
        <Link prefetch={false} href="/promotions">← Promotions</Link>
      </p>
      <h1>
        {p.application} {p.version} → {p.environment} <StateBadge state={p.state} testId="promotion-state" /> {p.emergency ? <span className="badge badge-bad">emergency</span> : null}
      </h1>
      <p>
        <LivePromotion id={p.id} updatedAt={p.updatedAt} /> · Requested by {p.requestedBy.displayName} ({p.requestedBy.username}) at {utc(p.requestedAt)}
        {p.sourceEnvironment ? `, from ${p.sourceEnvironment}` : ''}
        {p.reason ? ` — “${p.reason}”` : ''}
        {p.expiresAt && p.state === 'PENDING_APPROVAL' ? `. Expires ${utc(p.expiresAt)} unless approved.` : '.'}{' '}
        <Link prefetch={false} href={`/changes/${p.change.id}/evidence`}>Change evidence, commit to production</Link>
      </p>
      <section className="card" aria-labelledby="change">
        <h2 id="change">Change</h2>
        <p>
          {p.change.title} {p.change.ticket ? `(${p.change.ticket})` : ''} — <code>{p.change.sha.slice(0, 12)}</code>, artifact <code>{p.change.artifactDigest.slice(0, 19)}…</code>
        </p>
        <p className="muted">
          Commits by {[...new Set(p.change.commits.map((c) => c.author))].join(', ')}; registered by <code>{p.change.registeredBy}</code>. None of them may approve.
        </p>
      </section>
      <DecisionExplained decision={p.decision}>
        <DecisionReplay decisionId={p.decision.id} returnTo={here} />
      </DecisionExplained>
      <section className="card" aria-labelledby="approvals">
        <h2 id="approvals">Approvals</h2>
        {p.approvalProgress.length ? (
          <ul data-testid="approval-progress">
            {p.approvalProgress.map((g) => (
              <li key={g.group}>
                <strong>{g.group}</strong>: {g.granted} of {g.required}
                {g.approvers.length ? ` (${g.approvers.join(', ')})` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">The decision requires no approval.</p>
        )}
        {p.approvals.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">When</th>
                <th scope="col">Vote</th>
                <th scope="col">For group</th>
                <th scope="col">Comment</th>
                <th scope="col">Counts</th>
              </tr>
            </thead>
            <tbody>
              {p.approvals.map((a) => (
                <tr key={a.id}>
                  <td>{a.approver.displayName}</td>
                  <td>{utc(a.createdAt)}</td>
                  <td>{a.vote === 'APPROVE' ? 'approve' : 'reject'}</td>
                  <td>{a.groups.join(', ') || '—'}</td>
                  <td>{a.comment || '—'}</td>
                  <td>{a.counted ? 'yes' : a.dismissedAt ? `dismissed ${utc(a.dismissedAt)}: ${a.dismissReason}` : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {p.state === 'PENDING_APPROVAL' ? <ApprovalActions promotionId={p.id} eligibility={p.myEligibility} label={`${p.application} ${p.version} into ${p.environment}`} /> : null}
      </section>
      <section className="card" aria-labelledby="deployments">
        <h2 id="deployments">Deployments</h2>
        {p.deployments.length ? (
          <table data-testid="deployments">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Reported</th>
                <th scope="col">By</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {p.deployments.map((d) => (
                <tr key={d.id}>
                  <td>{d.status.toLowerCase().replace('_', ' ')}</td>
                  <td>{utc(d.reportedAt)}</td>
                  <td>{d.reportedBy.displayName}</td>
                  <td>{d.url ? <a href={d.url}>{d.url}</a> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No deployment reported yet.</p>
        )}
        {p.review ? (
          <p>
            After-the-fact review by {p.review.groups.join(' or ')}, due {utc(p.review.dueAt)}:{' '}
            {p.review.completedAt ? `completed ${utc(p.review.completedAt)} by ${p.review.completedBy?.displayName} — “${p.review.comment}”` : p.review.overdue ? <span className="status-bad">OVERDUE</span> : 'open'}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol className="timeline" data-testid="timeline">
          {p.timeline.map((t, i) => (
            <li key={i}>
              <strong>{utc(t.at)}</strong> <span className="muted">{t.kind.toLowerCase()}</span> — {t.summary} <span className="muted">({t.actor})</span>
            </li>
          ))}
        </ol>
        {p.decisions.length > 1 ? (
          <>
            <h3>Decisions, oldest first</h3>
            <ul>
              {p.decisions.map((d) => (
                <li key={d.id}>
                  {utc(d.decidedAt)}: {d.outcome} by {d.policyName ?? 'no policy'} v{d.policyVersion ?? '—'} ({d.trigger.toLowerCase()})
                  {d.supersededAt ? `, superseded ${utc(d.supersededAt)}` : ', in force'}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="audit">
        <h2 id="audit">Audit events behind it</h2>
        {audit.error ? (
          <ApiErrorNotice error={audit.error} />
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Seq</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
              </tr>
            </thead>
            <tbody>
              {[...audit.data.auditEvents.edges].reverse().map(({ node }) => (
                <tr key={node.id}>
                  <td>{node.seq ? <Link prefetch={false} href={`/audit/${node.seq}`}>{node.seq}</Link> : 'pending'}</td>
                  <td>{utc(node.occurredAt)}</td>
                  <td>
                    <code>{node.action}</code>
                  </td>
                  <td>{node.actor.displayName ?? node.actor.id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
