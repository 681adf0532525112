import Link from 'next/link';
import type { Metadata } from 'next';
import { AuditEventDetailQuery } from '../../../graphql/audit/audit-events';
import { serverQuery } from '../../../graphql/server-query';
import { chainLinkHolds } from '../../../ui/audit/chain-check';
import { ApiErrorNotice } from '../../../ui/shell/api-problem';
import { prettyJson, utc } from '../../../ui/shell/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit event' };

export default async function AuditEventPage({ params }: { params: Promise<{ seq: string }> }) {
  const { seq: raw } = await params;
  const seq = Number(raw);
  if (!Number.isSafeInteger(seq) || seq < 1) {
    return <ApiErrorNotice title="No such event" error={{ message: `“${raw}” is not a chain position (a whole number from 1).` }} />;
  }
  const result = await serverQuery(AuditEventDetailQuery, { seq }, `/audit/${seq}`);
  if (result.error) return <ApiErrorNotice error={result.error} />;
  const event = result.data.auditEvent;
  const holds = chainLinkHolds(event.prevHash, event.canonical, event.hash);
  return (
    <>
      <p className="no-print">
        <Link prefetch={false} href="/audit">← Audit trail</Link>
      </p>
      <h1>
        Event {event.seq}: <code>{event.action}</code>
      </h1>
      <section className="card" aria-labelledby="what">
        <h2 id="what">What happened</h2>
        <dl className="kv">
          <dt>When</dt>
          <dd>{utc(event.occurredAt)}</dd>
          <dt>Who</dt>
          <dd>
            {event.actor.displayName ?? event.actor.id} ({event.actor.kind.toLowerCase()} <code>{event.actor.id}</code>)
            {event.actor.ip ? ` from ${event.actor.ip}` : ''}
          </dd>
          <dt>User agent</dt>
          <dd>{event.actor.userAgent ?? '—'}</dd>
          <dt>Subject</dt>
          <dd>
            {event.subject.type} <code>{event.subject.id}</code>
            {event.subject.type === 'promotion' ? (
              <>
                {' '}
                — <Link prefetch={false} href={`/promotions/${event.subject.id}`}>open the promotion</Link>
              </>
            ) : null}
            {event.subject.type === 'change' ? (
              <>
                {' '}
                — <Link prefetch={false} href={`/changes/${event.subject.id}/evidence`}>change evidence</Link>
              </>
            ) : null}
          </dd>
          <dt>Application / environment</dt>
          <dd>
            {event.application ?? '—'} / {event.environment ?? '—'}
          </dd>
          <dt>Request id</dt>
          <dd>
            <code>{event.requestId ?? '—'}</code>
          </dd>
        </dl>
        <h3>Data</h3>
        <pre data-testid="event-data">{prettyJson(event.data)}</pre>
      </section>
      <section className="card" aria-labelledby="chain">
        <h2 id="chain">Chain links</h2>
        <dl className="kv">
          <dt>Status</dt>
          <dd>
            {event.status} {event.sealedAt ? `at ${utc(event.sealedAt)}` : ''}
          </dd>
          <dt>Previous</dt>
          <dd>
            {event.previousSeq ? <Link prefetch={false} href={`/audit/${event.previousSeq}`}>seq {event.previousSeq}</Link> : 'none (the first event)'} — hash{' '}
            <code>{event.prevHash}</code>
          </dd>
          <dt>This event&apos;s hash</dt>
          <dd>
            <code>{event.hash}</code>
          </dd>
          <dt>Recomputed here</dt>
          <dd data-testid="link-check">
            {holds === null ? (
              'not sealed yet'
            ) : holds ? (
              <span className="status-ok">SHA-256(previous hash ‖ canonical bytes) equals the stored hash</span>
            ) : (
              <span className="status-bad">MISMATCH: the stored hash is not SHA-256(previous hash ‖ canonical bytes)</span>
            )}
          </dd>
          <dt>Next</dt>
          <dd>{event.nextSeq ? <Link prefetch={false} href={`/audit/${event.nextSeq}`}>seq {event.nextSeq}</Link> : 'none yet (this is the chain head)'}</dd>
        </dl>
        <details>
          <summary>Canonical bytes (RFC 8785), as hashed</summary>
          <pre>{event.canonical}</pre>
        </details>
      </section>
    </>
  );
}
