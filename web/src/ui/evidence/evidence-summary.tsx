import type { ChangeEvidencePageQuery } from '../../graphql/generated/graphql';
import { utc } from '../shell/format';

type Evidence = ChangeEvidencePageQuery['change']['currentEvidence'][number];

function what(evidence: Evidence): string {
  if (evidence.tests) return `${evidence.tests.passed} passed, ${evidence.tests.failed} failed, ${evidence.tests.skipped} skipped`;
  if (evidence.coverage) return `${evidence.coverage.percent}% of lines covered`;
  if (evidence.securityScan) {
    const s = evidence.securityScan;
    return `${s.tool}: ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low`;
  }
  if (evidence.check) return `${evidence.check.name}: ${evidence.check.status}`;
  return '—';
}

function verdict(evidence: Evidence): 'ok' | 'bad' | 'warn' {
  if (evidence.tests) return evidence.tests.failed ? 'bad' : 'ok';
  if (evidence.securityScan) return evidence.securityScan.critical || evidence.securityScan.high ? 'bad' : 'ok';
  if (evidence.check) return evidence.check.status === 'PASSED' ? 'ok' : evidence.check.status === 'FAILED' ? 'bad' : 'warn';
  return 'ok';
}

/** EvidenceTable lists the current evidence of a change (what policies read), with who attached it and when. */
export function EvidenceTable({ evidence }: { evidence: Evidence[] }) {
  if (!evidence.length) return <p>No evidence attached.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Result</th>
          <th scope="col">Source</th>
          <th scope="col">Attached</th>
        </tr>
      </thead>
      <tbody>
        {evidence.map((e) => (
          <tr key={e.id}>
            <td>{e.kind.replace('_', ' ').toLowerCase()}</td>
            <td className={`status-${verdict(e)}`}>{what(e)}</td>
            <td>
              {e.url ? <a href={e.url}>{e.source ?? 'report'}</a> : (e.source ?? '—')}
            </td>
            <td>
              {utc(e.createdAt)} by <code>{e.attachedBy}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
