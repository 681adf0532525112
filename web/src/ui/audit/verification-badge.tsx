'use client';

import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { VerifyAuditChainQuery } from '../../graphql/audit/audit-events';
import { problemOf } from '../shell/apollo-error';

/**
 * VerificationBadge verifies the whole hash chain and its signed checkpoints (in the database)
 * once per visit — paging through the trail does not repeat it — and says what it found: valid
 * up to which seq, the last checkpoint, or the first broken seq. "Verify again" re-runs it.
 */
export function VerificationBadge() {
  const { data, error, loading, refetch } = useQuery(VerifyAuditChainQuery, {
    variables: { input: { checkColumns: false } },
    fetchPolicy: 'cache-first',
    notifyOnNetworkStatusChange: true,
  });
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  useEffect(() => {
    if (data) setCheckedAt((previous) => previous ?? new Date().toISOString().slice(11, 19));
  }, [data]);
  const again = (
    <button
      type="button"
      className="secondary no-print"
      style={{ marginLeft: '0.5rem', fontSize: '0.85em', padding: '0.1rem 0.5rem' }}
      disabled={loading}
      onClick={() => {
        void refetch().then(() => setCheckedAt(new Date().toISOString().slice(11, 19)), () => undefined);
      }}
    >
      {loading ? 'Verifying…' : 'Verify again'}
    </button>
  );
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
      <p>
        <span className="badge badge-warn" role="alert" data-testid="chain-status">
          Chain not verified: {problem.message}
          {problem.requestId ? ` (request id ${problem.requestId})` : ''}
        </span>
        {again}
      </p>
    );
  }
  const result = data.verifyAuditChain;
  if (!result.valid) {
    return (
      <p>
        <span className="badge badge-bad" role="alert" data-testid="chain-status">
          Chain BROKEN at seq {result.firstBroken?.seq}: {result.firstBroken?.problem} — {result.firstBroken?.message}
        </span>
        {again}
      </p>
    );
  }
  const checkpoint = result.lastCheckpoint;
  return (
    <p>
      <span className="badge badge-ok" role="status" data-testid="chain-status">
        {result.sealedTo === 0 ? 'Chain verified: nothing sealed yet' : `Chain verified: seq ${result.sealedFrom}–${result.sealedTo}`}
        {result.sealedTo === 0 ? '' : checkpoint ? `, last signed checkpoint seq ${checkpoint.seq} at ${checkpoint.time} (key ${checkpoint.keyId.slice(0, 12)}…)` : ', no checkpoint signed yet'}
        {result.unsignedTail ? `, ${result.unsignedTail} chained after it` : ''}
        {result.pendingCount ? `; ${result.pendingCount} pending sealing` : ''}
        {checkedAt ? ` (checked ${checkedAt} UTC)` : ''}
      </span>
      {again}
    </p>
  );
}
