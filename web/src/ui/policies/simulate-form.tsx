'use client';

import { useLazyQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { SimulatePolicyQuery } from '../../graphql/policies/policies';
import { ApiErrorNotice } from '../shell/api-problem';
import { problemOf } from '../shell/apollo-error';
import { utc } from '../shell/format';

const approvals = (list: { group: string; count: number }[]) => (list.length ? list.map((a) => `${a.count} × ${a.group}`).join(', ') : '');

/**
 * SimulateForm replays a candidate (a published version, or a pasted policy.yaml) over the
 * stored inputs of the policy's past decisions and lists the decisions that would change.
 */
export function SimulateForm({ name, versions, environments }: { name: string; versions: number[]; environments: string[] }) {
  const [simulate, { data, error, loading }] = useLazyQuery(SimulatePolicyQuery, { fetchPolicy: 'network-only' });
  const [mode, setMode] = useState<'version' | 'document'>('version');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const candidate = mode === 'version' ? { version: Number(text('version')) } : { document: text('document') };
    void simulate({
      variables: {
        input: {
          name,
          candidate,
          environment: text('environment') || undefined,
          since: text('since') ? new Date(`${text('since')}Z`).toISOString() : undefined,
          until: text('until') ? new Date(`${text('until')}Z`).toISOString() : undefined,
        },
      },
    }).catch(() => undefined);
  }

  const result = data?.simulatePolicy;
  return (
    <>
      <form className="filters" onSubmit={submit} aria-label="Simulate a candidate against history">
        <fieldset style={{ border: 'none', padding: 0, margin: 0, display: 'flex', gap: '0.75rem' }}>
          <legend className="muted">Candidate</legend>
          <label style={{ flexDirection: 'row', alignItems: 'center' }}>
            <input type="radio" name="mode" checked={mode === 'version'} onChange={() => setMode('version')} /> a published version
          </label>
          <label style={{ flexDirection: 'row', alignItems: 'center' }}>
            <input type="radio" name="mode" checked={mode === 'document'} onChange={() => setMode('document')} /> an unpublished policy.yaml
          </label>
        </fieldset>
        {mode === 'version' ? (
          <label>
            Version
            <select name="version" defaultValue={versions[0]}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label style={{ flexBasis: '100%' }}>
            policy.yaml
            <textarea name="document" rows={10} required />
          </label>
        )}
        <label>
          Environment
          <select name="environment" defaultValue="">
            <option value="">all</option>
            {environments.map((env) => (
              <option key={env}>{env}</option>
            ))}
          </select>
        </label>
        <label>
          Decided from (UTC)
          <input type="datetime-local" name="since" />
        </label>
        <label>
          until (UTC)
          <input type="datetime-local" name="until" />
        </label>
        <button type="submit" disabled={loading}>
          {loading ? 'Replaying…' : 'Simulate'}
        </button>
      </form>
      {error ? <ApiErrorNotice error={problemOf(error)} /> : null}
      {result ? (
        <div data-testid="simulation">
          <p>
            Replayed <strong>{result.total}</strong> past decisions with v{result.candidateVersion}: <strong>{result.changed}</strong> would change,{' '}
            {result.unchanged} would not{result.failedClosed ? `, ${result.failedClosed} failed closed (a rule could not be evaluated)` : ''}.
          </p>
          {result.transitions.length ? (
            <p>
              {result.transitions.map((t) => (
                <span key={t.label} className="badge badge-info" style={{ marginRight: '0.4rem' }}>
                  {t.label}: {t.count}
                </span>
              ))}
            </p>
          ) : null}
          {result.samples.length ? (
            <table>
              <caption className="muted" style={{ textAlign: 'left' }}>
                Changed outcomes (the first 100, oldest first)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Decided</th>
                  <th scope="col">Application / environment</th>
                  <th scope="col">Was</th>
                  <th scope="col">Would be</th>
                  <th scope="col">Candidate rules matched</th>
                </tr>
              </thead>
              <tbody>
                {result.samples.map((s) => (
                  <tr key={s.id}>
                    <td>{utc(s.decidedAt)}</td>
                    <td>
                      {s.application} / {s.environment}
                    </td>
                    <td>
                      {s.fromOutcome} {approvals(s.fromApprovals)}
                    </td>
                    <td>
                      <strong>{s.toOutcome}</strong> {approvals(s.toApprovals)}
                    </td>
                    <td>{s.matchedRules.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No past decision would change.</p>
          )}
        </div>
      ) : null}
    </>
  );
}
