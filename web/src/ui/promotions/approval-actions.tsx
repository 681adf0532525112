'use client';

import { useMutation } from '@apollo/client/react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { ApprovePromotionMutation, RejectPromotionMutation } from '../../graphql/promotions/promotions';
import { ApiErrorNotice, type ApiProblem } from '../shell/api-problem';
import { problemOf } from '../shell/apollo-error';

/** What the API says about the caller and this promotion (myEligibility). */
export interface Eligibility {
  canApprove: boolean;
  code?: string | null;
  reason: string;
  groups: string[];
}

/**
 * ApprovalActions approves or rejects with a comment. When the caller may not vote, the
 * buttons stay disabled and say why, in the API's words ("you authored a commit of this change").
 */
export function ApprovalActions({ promotionId, eligibility, label }: { promotionId: string; eligibility: Eligibility; label: string }) {
  const router = useRouter();
  const id = useId();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [approve, approving] = useMutation(ApprovePromotionMutation);
  const [reject, rejecting] = useMutation(RejectPromotionMutation);
  const busy = approving.loading || rejecting.loading;

  async function vote(kind: 'approve' | 'reject') {
    setProblem(null);
    if (kind === 'reject' && !comment.trim()) {
      setProblem({ message: 'Say why you reject it: a rejection needs a comment.' });
      return;
    }
    try {
      const input = { promotion: promotionId, comment: comment.trim() };
      const result = kind === 'approve' ? (await approve({ variables: { input } })).data?.approvePromotion : (await reject({ variables: { input } })).data?.rejectPromotion;
      setDone(`${kind === 'approve' ? 'Approved' : 'Rejected'}; the promotion is now ${result?.state.replaceAll('_', ' ').toLowerCase()}.`);
      setComment('');
      router.refresh();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  const why = `${id}-why`;
  return (
    <div className="approval-actions" aria-label={`Vote on ${label}`} role="group">
      {eligibility.canApprove ? (
        <p className="muted" id={why}>
          You may vote{eligibility.reason ? `: ${eligibility.reason}` : eligibility.groups.length ? ` for ${eligibility.groups.join(', ')}` : ''}.
        </p>
      ) : (
        <p className="status-warn" id={why} data-testid="not-eligible">
          You may not vote: {eligibility.reason}
        </p>
      )}
      <label htmlFor={`${id}-comment`}>Comment</label>
      <br />
      <textarea
        id={`${id}-comment`}
        rows={2}
        cols={60}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        disabled={!eligibility.canApprove || busy}
        aria-describedby={why}
      />
      <p style={{ display: 'flex', gap: '0.5rem' }}>
        <button type="button" onClick={() => vote('approve')} disabled={!eligibility.canApprove || busy} aria-describedby={why}>
          Approve
        </button>
        <button type="button" className="danger" onClick={() => vote('reject')} disabled={!eligibility.canApprove || busy} aria-describedby={why}>
          Reject
        </button>
      </p>
      {done ? (
        <p className="status-ok" role="status">
          {done}
        </p>
      ) : null}
      {problem ? <ApiErrorNotice title="The vote was not recorded" error={problem} /> : null}
    </div>
  );
}
