import type { ReactNode } from 'react';
import type { PromotionDetailQuery } from '../../graphql/generated/graphql';
import { utc } from '../shell/format';
import { StateBadge } from './state-badge';

type Decision = PromotionDetailQuery['promotion']['decision'];

const BASIS: Record<string, string> = {
  rules: 'at least one rule matched; the most restrictive effect wins',
  default: 'no rule matched, so the policy’s default applied',
  'fail-closed': 'a rule failed to evaluate or the policy may not govern this environment, so it failed closed',
  'no-policy': 'no policy governs this environment, so it is denied',
  emergency: 'a break-glass promotion: it did not wait for approvals',
};

/** DecisionExplained: the outcome, the policy version that decided it, and every rule with the values that decided it. */
export function DecisionExplained({ decision, children }: { decision: Decision; children?: ReactNode }) {
  return (
    <section className="card" aria-labelledby="decision">
      <h2 id="decision">
        Decision: <StateBadge state={decision.outcome} testId="decision-outcome" />
      </h2>
      <dl className="kv">
        <dt>Why</dt>
        <dd>{BASIS[decision.basis] ?? decision.basis}</dd>
        <dt>Policy</dt>
        <dd>
          {decision.policyName ? (
            <>
              <a href={`/policies/${encodeURIComponent(decision.policyName)}?version=${decision.policyVersion}`}>
                {decision.policyName} v{decision.policyVersion}
              </a>{' '}
              <code>{decision.policyHash?.slice(0, 16)}</code>
            </>
          ) : (
            'none governs this environment'
          )}
        </dd>
        <dt>Decided</dt>
        <dd>
          {utc(decision.decidedAt)} ({decision.trigger.toLowerCase().replaceAll('_', ' ')})
        </dd>
        <dt>Approvals required</dt>
        <dd>{decision.approvalsRequired.length ? decision.approvalsRequired.map((a) => `${a.count} × ${a.group}`).join(', ') : 'none'}</dd>
        <dt>Input hash</dt>
        <dd>
          <code>{decision.inputHash}</code>
        </dd>
      </dl>
      {children}
      <table data-testid="decision-rules">
        <caption className="muted" style={{ textAlign: 'left' }}>
          Every rule of the policy, matched or not, with the values that decided it
        </caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Effect</th>
            <th scope="col">Matched</th>
            <th scope="col">The values that decided it</th>
          </tr>
        </thead>
        <tbody>
          {decision.explanation.map((rule) => {
            const matched = decision.matchedRules.find((m) => m.id === rule.id);
            return (
              <tr key={rule.id}>
                <td>
                  <code>{rule.id}</code>
                  {matched ? (
                    <>
                      <br />
                      <span className="muted">{matched.reason}</span>
                    </>
                  ) : null}
                </td>
                <td>{rule.effect.toUpperCase()}</td>
                <td>{rule.error ? <span className="status-bad">error</span> : rule.matched ? <strong>yes</strong> : 'no'}</td>
                <td>
                  {rule.facts.length ? (
                    <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
                      {rule.facts.map((fact) => (
                        <li key={fact}>{fact}</li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  )}
                  {rule.error ? <p className="status-bad">{rule.error}</p> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>The input document the policy decided on</summary>
        <pre>{JSON.stringify(decision.input, null, 2)}</pre>
      </details>
    </section>
  );
}
