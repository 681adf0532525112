'use client';

import { useQuery } from '@apollo/client/react';
import { VerifyAuditChainQuery } from '../../graphql/audit/audit-events';
import { problemOf } from '../shell/apollo-error';

/**
 * VerificationBadge verifies the whole hash chain and its signed checkpoints (in the database)
 * once per visit and says what it found: valid up to which seq, the last checkpoint, or the
 * first broken seq.
 */
export function VerificationBadge() {
  const { data, error, loading } = useQuery(VerifyAuditChainQuery, { variables: { input: { checkColumns: false } }, fetchPolicy: 'cache-first' });
  if (loading && !data) {
    return (
      <p className="badge badge-info" role="status" data-testid="chain-status">
        Verifying the audit chain…
      </p>
    );
  }
  if (error || !data) {
    const problem = problemOf(error);
    return (
      <p className="badge badge-warn" role="alert" data-testid="chain-status">
        Chain not verified: {problem.message}
        {problem.requestId ? ` (request id ${problem.requestId})` : ''}
      </p>
    );
  }
  const result = data.verifyAuditChain;
  if (!result.valid) {
    return (
      <p className="badge badge-bad" role="alert" data-testid="chain-status">
        Chain BROKEN at seq {result.firstBroken?.seq}: {result.firstBroken?.problem} — {result.firstBroken?.message}
      </p>
    );
  }
  const checkpoint = result.lastCheckpoint;
  return (
    <p className="badge badge-ok" role="status" data-testid="chain-status">
      Chain verified: seq {result.sealedFrom}–{result.sealedTo}
      {checkpoint ? `, last signed checkpoint seq ${checkpoint.seq} at ${checkpoint.time} (key ${checkpoint.keyId.slice(0, 12)}…)` : ', no checkpoint signed yet'}
      {result.unsignedTail ? `, ${result.unsignedTail} chained after it` : ''}
      {result.pendingCount ? `; ${result.pendingCount} pending sealing` : ''}
    </p>
  );
}
