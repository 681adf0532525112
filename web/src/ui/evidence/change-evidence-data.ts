import { AuditExportPageQuery } from '../../graphql/audit/audit-events';
import { ChangeEvidenceQuery } from '../../graphql/evidence/change-evidence';
import type { AuditExportPageQuery as AuditPage, ChangeEvidencePageQuery, ChangePromotionsQuery as Promotions } from '../../graphql/generated/graphql';
import { ChangePromotionsQuery } from '../../graphql/promotions/promotions';
import { serverQuery } from '../../graphql/server-query';
import type { ApiProblem } from '../shell/api-problem';

export type TrailEvent = AuditPage['auditEvents']['edges'][number]['node'];

/** ChangeEvidenceData is everything the evidence page and the evidence pack show about one change. */
export interface ChangeEvidenceData {
  change: ChangeEvidencePageQuery['change'];
  changeEvidence: Omit<ChangeEvidencePageQuery['changeEvidence'], 'events'>;
  auditPublicKey: ChangeEvidencePageQuery['auditPublicKey'];
  promotions: Promotions['promotions']['edges'][number]['node'][];
  /** The change's own events and those of its promotions, in chain order (pending ones last). */
  events: TrailEvent[];
}

/**
 * Loads a change, its evidence, its promotions and the audit events behind all of them. The
 * API's changeEvidence holds the events about the change itself; each promotion's events are
 * read by subject and merged in, so the page covers commit to production.
 */
export async function loadChangeEvidence(id: string): Promise<{ data: ChangeEvidenceData; error: null } | { data: null; error: ApiProblem }> {
  const here = `/changes/${id}/evidence`;
  const [base, promotions] = await Promise.all([serverQuery(ChangeEvidenceQuery, { id }, here), serverQuery(ChangePromotionsQuery, { filter: { change: id } }, here)]);
  if (base.error) return base;
  if (promotions.error) return promotions;
  const list = [...promotions.data.promotions.edges].map((e) => e.node).reverse();
  const trails = await Promise.all(list.map((p) => serverQuery(AuditExportPageQuery, { filter: { subjectType: 'promotion', subjectId: p.id }, first: 500 }, here)));
  const failed = trails.find((t) => t.error);
  if (failed?.error) return { data: null, error: failed.error };
  const byId = new Map<string, TrailEvent>();
  for (const event of base.data.changeEvidence.events) byId.set(event.id, { ...event, sealedAt: null, actor: { ...event.actor, ip: null, userAgent: null } });
  for (const trail of trails) for (const { node } of trail.data!.auditEvents.edges) byId.set(node.id, node);
  const events = [...byId.values()].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.occurredAt.localeCompare(b.occurredAt));
  const { events: _own, ...changeEvidence } = base.data.changeEvidence;
  return { data: { change: base.data.change, changeEvidence, auditPublicKey: base.data.auditPublicKey, promotions: list, events }, error: null };
}
