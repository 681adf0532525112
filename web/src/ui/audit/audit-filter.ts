import type { AuditEventFilterInput } from '../../graphql/generated/graphql';

/** The audit trail's filter as it travels in the URL (so a filtered view can be shared and exported). */
export interface AuditFilterParams {
  actor: string;
  action: string;
  application: string;
  environment: string;
  since: string;
  until: string;
  text: string;
}

export const AUDIT_FILTER_KEYS: (keyof AuditFilterParams)[] = ['actor', 'action', 'application', 'environment', 'since', 'until', 'text'];

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function read(params: SearchParams, key: string): string {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  return (Array.isArray(value) ? value[0] : value ?? '').trim();
}

export function auditFilterParams(params: SearchParams): AuditFilterParams {
  return Object.fromEntries(AUDIT_FILTER_KEYS.map((key) => [key, read(params, key)])) as unknown as AuditFilterParams;
}

/** A `datetime-local` value (read as UTC, as shown) or an ISO date-time; undefined when empty. */
function instant(value: string): string | undefined {
  if (!value) return undefined;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  if (Number.isNaN(date.getTime())) throw new Error(`“${value}” is not a date and time.`);
  return date.toISOString();
}

/** The GraphQL filter for these parameters; a comma in actor or action lists several. */
export function toAuditFilter(params: AuditFilterParams): AuditEventFilterInput {
  const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);
  const filter: AuditEventFilterInput = {};
  if (params.actor) filter.actors = list(params.actor);
  if (params.action) filter.actions = list(params.action);
  if (params.application) filter.application = params.application;
  if (params.environment) filter.environment = params.environment;
  if (params.text) filter.text = params.text;
  const since = instant(params.since);
  const until = instant(params.until);
  if (since) filter.since = since;
  if (until) filter.until = until;
  return filter;
}

/** The query string of a filter (only its non-empty values), with extra parameters. */
export function auditQueryString(params: AuditFilterParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) if (params[key]) search.set(key, params[key]);
  for (const [key, value] of Object.entries(extra)) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
