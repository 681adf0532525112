'use client';

import { useApolloClient } from '@apollo/client/react';
import { useCallback, useEffect, useState } from 'react';
import { AuditHeadQuery, VerifyAuditChainQuery } from '../../graphql/audit/audit-events';
import type { VerifyAuditChainQuery as Verification } from '../../graphql/generated/graphql';
import type { ApiProblem } from '../shell/api-problem';
import { problemOf } from '../shell/apollo-error';

/** How many of the newest events a page visit verifies; the whole chain is one click away. */
export const RECENT_EVENTS = 10_000;

type Result = Verification['verifyAuditChain'];

// One verification per browser tab, shared by every page that shows the badge.
let remembered: { result: Result; whole: boolean; at: string } | null = null;

/**
 * VerificationBadge verifies the hash chain and its signed checkpoints in the database: the
 * newest RECENT_EVENTS events (linked to the stored hash before them) once per visit, the whole
 * chain on request, and says what it found — the verified range, the last signed checkpoint, or
 * the first broken seq.
 */
export function VerificationBadge() {
  const client = useApolloClient();
  const [state, setState] = useState(remembered);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = useCallback(
    async (whole: boolean) => {
      setBusy(true);
      setProblem(null);
      try {
        let fromSeq = 1;
        if (!whole) {
          const head = await client.query({ query: AuditHeadQuery, fetchPolicy: 'network-only' });
          // The newest events may still be pending (no seq yet): take the newest sealed one.
          const newest = Math.max(0, ...(head.data?.auditEvents.edges ?? []).map((e) => e.node.seq ?? 0));
          fromSeq = Math.max(1, newest - RECENT_EVENTS + 1);
        }
        const answer = await client.query({ query: VerifyAuditChainQuery, variables: { input: { fromSeq, checkColumns: false } }, fetchPolicy: 'network-only' });
        if (!answer.data) throw answer.error ?? new Error('The API answered without data.');
        remembered = { result: answer.data.verifyAuditChain, whole: fromSeq === 1, at: new Date().toISOString().slice(11, 19) };
        setState(remembered);
      } catch (error) {
        setProblem(problemOf(error));
      } finally {
        setBusy(false);
      }
    },
    [client],
  );

  useEffect(() => {
    if (!remembered) void verify(false);
  }, [verify]);

  const buttons = (
    <span className="no-print">
      <button type="button" className="secondary small" disabled={busy} onClick={() => void verify(false)}>
        {busy ? 'Verifying…' : 'Verify again'}
      </button>
      {state && !state.whole ? (
        <button type="button" className="secondary small" disabled={busy} onClick={() => void verify(true)}>
          Verify the whole chain
        </button>
      ) : null}
    </span>
  );

  if (problem) {
    return (
      <p>
        <span className="badge badge-warn" role="alert" data-testid="chain-status">
          Chain not verified: {problem.message}
          {problem.requestId ? ` (request id ${problem.requestId})` : ''}
        </span>
        {buttons}
      </p>
    );
  }
  if (!state) {
    return (
      <p>
        <span className="badge badge-info" role="status" data-testid="chain-status">
          Verifying the audit chain…
        </span>
      </p>
    );
  }
  const result = state.result;
  if (!result.valid) {
    return (
      <p>
        <span className="badge badge-bad" role="alert" data-testid="chain-status">
          Chain BROKEN at seq {result.firstBroken?.seq}: {result.firstBroken?.problem} — {result.firstBroken?.message}
        </span>
        {buttons}
      </p>
    );
  }
  const checkpoint = result.lastCheckpoint;
  const from = result.checkedFrom ?? result.sealedFrom;
  return (
    <p>
      <span className="badge badge-ok" role="status" data-testid="chain-status">
        {result.sealedTo === 0 ? 'Chain verified: nothing sealed yet' : `Chain verified: seq ${from}–${result.checkedTo ?? result.sealedTo}`}
        {result.sealedTo > 0 && !state.whole ? ` (the newest ${RECENT_EVENTS.toLocaleString('en')}, linked to the hash before them)` : ''}
        {result.sealedTo === 0 ? '' : checkpoint ? `, last signed checkpoint seq ${checkpoint.seq} at ${checkpoint.time} (key ${checkpoint.keyId.slice(0, 12)}…)` : ', no checkpoint signed yet'}
        {result.unsignedTail ? `, ${result.unsignedTail} chained after it` : ''}
        {result.pendingCount ? `; ${result.pendingCount} pending sealing` : ''} (checked {state.at} UTC)
      </span>
      {buttons}
    </p>
  );
}
