import type { Role, TokenScope } from './role';

/** How a caller proved who they are. */
export type AuthenticatedVia = 'TOKEN' | 'SESSION' | 'SYSTEM';

/**
 * Principal is the authenticated caller of one request: who, with which roles, and through
 * what (an API token bounded by its scopes, or a portal session). `actor` is the shape the
 * audit trail records.
 */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  via: AuthenticatedVia;
  /** A token's scopes; a session has every scope (its bound is the user's roles). */
  scopes: TokenScope[];
  tokenId?: string;
  sessionId?: string;
  actor: { kind: 'USER' | 'TOKEN' | 'SYSTEM'; id: string; displayName: string; ip: string | null; userAgent: string | null };
}

/** The principal for work Gatehouse does by itself (seeding, sealing, background jobs). */
export const SYSTEM_PRINCIPAL: Principal = {
  userId: 'system',
  username: 'system',
  displayName: 'Gatehouse',
  roles: [],
  via: 'SYSTEM',
  scopes: [],
  actor: { kind: 'SYSTEM', id: 'gatehouse', displayName: 'Gatehouse', ip: null, userAgent: null },
};
