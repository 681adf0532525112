import type { PolicyDiffQuery } from '../../graphql/generated/graphql';

type Diff = PolicyDiffQuery['diffPolicyVersions'];
type RuleLike = { effect: string; reason: string; when: unknown; approvals?: { count: number; groups: string[] } | null };

function RuleCell({ rule }: { rule: RuleLike }) {
  return (
    <>
      <strong>{rule.effect}</strong>
      {rule.approvals ? ` (${rule.approvals.count} × ${rule.approvals.groups.join(' or ')})` : ''} — {rule.reason}
      <pre>{JSON.stringify(rule.when)}</pre>
    </>
  );
}

/** PolicyDiffView shows what changed between two versions, rule by rule (+ added, − removed, ~ changed fields). */
export function PolicyDiffView({ diff }: { diff: Diff }) {
  const nothing = !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.settingsChanged.length && !diff.reordered;
  return (
    <div data-testid="policy-diff">
      <p className="muted">
        v{diff.from} <code>{diff.fromHash.slice(0, 12)}</code> → v{diff.to} <code>{diff.toHash.slice(0, 12)}</code>
        {diff.settingsChanged.length ? `; settings changed: ${diff.settingsChanged.join(', ')}` : ''}
        {diff.reordered ? '; the kept rules are in another order' : ''}
      </p>
      {nothing ? <p>The two versions decide alike: no rule or setting differs.</p> : null}
      {diff.added.length || diff.removed.length || diff.changed.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Change</th>
              <th scope="col">Before (v{diff.from})</th>
              <th scope="col">After (v{diff.to})</th>
            </tr>
          </thead>
          <tbody>
            {diff.added.map((rule) => (
              <tr key={`+${rule.id}`}>
                <td>
                  <code>{rule.id}</code>
                </td>
                <td className="status-ok">+ added</td>
                <td>—</td>
                <td>
                  <RuleCell rule={rule} />
                </td>
              </tr>
            ))}
            {diff.removed.map((rule) => (
              <tr key={`-${rule.id}`}>
                <td>
                  <code>{rule.id}</code>
                </td>
                <td className="status-bad">− removed</td>
                <td>
                  <RuleCell rule={rule} />
                </td>
                <td>—</td>
              </tr>
            ))}
            {diff.changed.map((change) => (
              <tr key={`~${change.id}`}>
                <td>
                  <code>{change.id}</code>
                </td>
                <td className="status-warn">~ {change.fields.join(', ')}</td>
                <td>
                  <RuleCell rule={change.before} />
                </td>
                <td>
                  <RuleCell rule={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
