import { ReplayDecisionQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import { ApiErrorNotice } from '../shell/api-problem';

/** DecisionReplay re-evaluates the stored input with the stored policy version and says whether the decision stands. */
export async function DecisionReplay({ decisionId, returnTo }: { decisionId: string; returnTo: string }) {
  const result = await serverQuery(ReplayDecisionQuery, { id: decisionId }, returnTo);
  if (result.error) return <ApiErrorNotice title="The decision could not be replayed" error={result.error} />;
  const replay = result.data.replayDecision;
  const ok = replay.matches && replay.inputHashMatches && replay.policyHashMatches;
  return (
    <p data-testid="decision-replay" className={ok ? 'status-ok' : 'status-bad'}>
      Replayed now with the stored input and policy version: {replay.replayedOutcome}
      {replay.matches ? ', the same decision' : `, which differs from the stored ${replay.storedOutcome}`}; input hash{' '}
      {replay.inputHashMatches ? 'matches' : 'DOES NOT match'}; policy content hash {replay.policyHashMatches ? 'matches' : 'DOES NOT match'}.
      {replay.differences.length ? ` ${replay.differences.join('; ')}` : ''}
    </p>
  );
}
