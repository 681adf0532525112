import Link from 'next/link';
import { StateBadge } from '../promotions/state-badge';
import { utc } from '../shell/format';
import type { ChangeEvidenceData } from './change-evidence-data';

/** PromotionsOfChange: every promotion of one change, oldest first, with its decision, votes and deployments. */
export function PromotionsOfChange({ promotions }: { promotions: ChangeEvidenceData['promotions'] }) {
  return (
    <section className="card" aria-labelledby="promotions">
      <h2 id="promotions">From commit to production: promotions</h2>
      {promotions.length === 0 ? <p>Not promoted anywhere yet.</p> : null}
      {promotions.map((p) => (
        <div key={p.id} style={{ marginBottom: '1rem' }} data-testid="evidence-promotion">
          <h3>
            <Link prefetch={false} href={`/promotions/${p.id}`}>Into {p.environment}</Link> <StateBadge state={p.state} /> {p.emergency ? <span className="badge badge-bad">emergency</span> : null}
          </h3>
          <p>
            Requested {utc(p.requestedAt)} by {p.requestedBy.displayName}
            {p.reason ? ` — “${p.reason}”` : ''}.
          </p>
          <p>
            Decided {p.decision.outcome} at {utc(p.decision.decidedAt)} by policy {p.decision.policyName ?? '—'} v{p.decision.policyVersion ?? '—'} (
            <code>{p.decision.policyHash?.slice(0, 16)}</code>), input <code>{p.decision.inputHash.slice(0, 16)}</code>;{' '}
            {p.decision.matchedRules.length ? `rules ${p.decision.matchedRules.map((r) => `${r.id} (${r.effect})`).join(', ')}` : `basis ${p.decision.basis}`}
            {p.decision.approvalsRequired.length ? `; required ${p.decision.approvalsRequired.map((a) => `${a.count} × ${a.group}`).join(', ')}` : ''}.
          </p>
          {p.approvals.length ? (
            <ul>
              {p.approvals.map((a, i) => (
                <li key={i}>
                  {a.vote === 'APPROVE' ? 'Approved' : 'Rejected'} by {a.approver.displayName} ({a.groups.join(', ') || 'no group'}) at {utc(a.createdAt)}
                  {a.comment ? `: “${a.comment}”` : ''}
                  {a.counted ? '' : a.dismissedAt ? ` — dismissed ${utc(a.dismissedAt)}` : ' — not counted'}
                </li>
              ))}
            </ul>
          ) : null}
          {p.deployments.length ? (
            <p>
              Deployments: {p.deployments.map((d) => `${d.status.toLowerCase()} ${utc(d.reportedAt)} (${d.reportedBy.displayName})`).join('; ')}
            </p>
          ) : null}
          {p.review ? <p>Emergency review: {p.review.completedAt ? `completed ${utc(p.review.completedAt)} by ${p.review.completedBy?.displayName}: “${p.review.comment}”` : 'open'}</p> : null}
        </div>
      ))}
    </section>
  );
}
