import { Role, TokenScope, type Principal } from '@gatehouse/shared';
import type { IntegrationRow } from './integration.model';

/**
 * The principal an integration acts as: a DEVELOPER that may write, recorded in the audit
 * trail as the token `integration:<name>`, so every change or evidence it brings in says
 * which integration did it.
 */
export function integrationPrincipal(integration: Pick<IntegrationRow, 'id' | 'name'>, request: { ip: string | null; userAgent: string | null }): Principal {
  const id = `integration:${integration.name}`;
  return {
    userId: id,
    username: id,
    displayName: `${integration.name} (integration)`,
    roles: [Role.DEVELOPER],
    via: 'TOKEN',
    scopes: [TokenScope.READ, TokenScope.WRITE],
    tokenId: integration.id,
    actor: { kind: 'TOKEN', id, displayName: `${integration.name} (integration)`, ip: request.ip, userAgent: request.userAgent },
  };
}
