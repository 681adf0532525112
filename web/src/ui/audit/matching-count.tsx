'use client';

import { useQuery } from '@apollo/client/react';
import { AuditEventCountQuery } from '../../graphql/audit/audit-events';
import type { AuditEventFilterInput } from '../../graphql/generated/graphql';

/** MatchingCount counts the events the filter matches, after the page is shown (counting millions takes a while). */
export function MatchingCount({ filter }: { filter: AuditEventFilterInput }) {
  const { data, error } = useQuery(AuditEventCountQuery, { variables: { filter }, fetchPolicy: 'cache-first' });
  if (error) return <span className="muted">(count unavailable: {error.message})</span>;
  if (!data) return <span className="muted">counting…</span>;
  return <span data-testid="matching-count">{data.auditEvents.totalCount.toLocaleString('en')} matching events</span>;
}
