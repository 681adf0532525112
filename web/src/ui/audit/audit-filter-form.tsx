import type { AuditFilterParams } from './audit-filter';

/** AuditFilterForm is a plain GET form: the filter lives in the URL, so a view can be bookmarked, shared and exported. */
export function AuditFilterForm({ params }: { params: AuditFilterParams }) {
  return (
    <form className="card filters no-print" method="get" action="/audit" aria-label="Filter the audit trail">
      <label>
        Actor id
        <input name="actor" defaultValue={params.actor} placeholder="user id, token id, SYSTEM" />
      </label>
      <label>
        Action
        <input name="action" defaultValue={params.action} placeholder="promotion.requested" />
      </label>
      <label>
        Application
        <input name="application" defaultValue={params.application} />
      </label>
      <label>
        Environment
        <input name="environment" defaultValue={params.environment} />
      </label>
      <label>
        From (UTC)
        <input name="since" type="datetime-local" step="1" defaultValue={params.since} />
      </label>
      <label>
        Until (UTC)
        <input name="until" type="datetime-local" step="1" defaultValue={params.until} />
      </label>
      <label>
        Text
        <input name="text" type="search" defaultValue={params.text} placeholder="in action, subject, actor or data" />
      </label>
      <button type="submit">Filter</button>
      <a className="button secondary" href="/audit">
        Clear
      </a>
    </form>
  );
}
