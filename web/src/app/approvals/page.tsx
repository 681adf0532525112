import Link from 'next/link';
import type { Metadata } from 'next';
import { PendingApprovalsQuery, PendingPromotionsQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { ApprovalActions } from '../../ui/promotions/approval-actions';
import { ApiErrorNotice } from '../../ui/shell/api-problem';
import { utc } from '../../ui/shell/format';
import { LiveRefresh } from '../../ui/shell/live-refresh';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Approvals' };

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const after = typeof (await searchParams).after === 'string' ? ((await searchParams).after as string) : undefined;
  const [result, pending] = await Promise.all([serverQuery(PendingApprovalsQuery, { first: 25, after }, '/approvals'), serverQuery(PendingPromotionsQuery, {}, '/approvals')]);
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const inbox = result.data.pendingApprovals;
  // Pending promotions that need one of my groups but that I may not vote on (I authored, requested or registered the change).
  const barred = (pending.data?.promotions.edges ?? []).map((e) => e.node).filter((p) => !p.myEligibility.canApprove && p.myEligibility.groups.length > 0);
  return (
    <>
      <h1>Approvals inbox</h1>
      <p>
        <span data-testid="inbox-count">
          {inbox.totalCount} {inbox.totalCount === 1 ? 'promotion waits' : 'promotions wait'} for your vote
        </span>. <LiveRefresh />
      </p>
      {inbox.edges.length === 0 ? <p className="card">Nothing waits for you.</p> : null}
      {inbox.edges.map(({ node }) => {
        const p = node.promotion;
        return (
          <section key={p.id} className="card" aria-labelledby={`p-${p.id}`} data-testid="inbox-item">
            <h2 id={`p-${p.id}`}>
              <Link prefetch={false} href={`/promotions/${p.id}`}>
                {p.application} {p.version} → {p.environment}
              </Link>
            </h2>
            <p>
              {p.change.title} {p.change.ticket ? `(${p.change.ticket})` : ''} — requested by {p.requestedBy.displayName} at {utc(p.requestedAt)}
              {p.reason ? `: “${p.reason}”` : ''}. {p.expiresAt ? `Expires ${utc(p.expiresAt)}.` : ''}
            </p>
            <p className="muted">
              Why you: {node.why}. Rules: {p.decision.matchedRules.map((r) => r.reason).join('; ') || 'policy default'}. Progress:{' '}
              {p.approvalProgress.map((g) => `${g.granted}/${g.required} ${g.group}`).join(', ')}
            </p>
            <ApprovalActions promotionId={p.id} eligibility={p.myEligibility} label={`${p.application} ${p.version} into ${p.environment}`} />
          </section>
        );
      })}
      {barred.length ? (
        <section className="card" aria-labelledby="barred">
          <h2 id="barred">Waiting for your groups, but not for you</h2>
          <ul data-testid="barred">
            {barred.map((p) => (
              <li key={p.id}>
                <Link prefetch={false} href={`/promotions/${p.id}`}>
                  {p.application} {p.version} → {p.environment}
                </Link>{' '}
                ({p.approvalProgress.map((g) => `${g.granted}/${g.required} ${g.group}`).join(', ')}):{' '}
                <button type="button" disabled aria-label={`Approve ${p.application} ${p.version}: not allowed, ${p.myEligibility.reason}`}>
                  Approve
                </button>{' '}
                <span className="status-warn">you may not vote: {p.myEligibility.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {pending.error ? <ApiErrorNotice error={pending.error} /> : null}
      {inbox.pageInfo.hasNextPage && inbox.pageInfo.endCursor ? (
        <Link prefetch={false} href={`/approvals?after=${encodeURIComponent(inbox.pageInfo.endCursor)}`} rel="next">
          More →
        </Link>
      ) : null}
    </>
  );
}
