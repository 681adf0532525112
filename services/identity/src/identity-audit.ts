import { recordAuditEvent } from '@gatehouse/audit';
import type { Principal } from '@gatehouse/shared';
import type { EntityManager } from 'typeorm';

/** Records an identity event (login, token, group, role...) in the transaction of the action. */
export function recordIdentityEvent(
  manager: EntityManager,
  actor: Principal['actor'],
  requestId: string | null,
  action: string,
  subject: { type: string; id: string },
  data: Record<string, unknown> = {},
): Promise<unknown> {
  return recordAuditEvent(manager, { action, actor, subject, data, requestId });
}
