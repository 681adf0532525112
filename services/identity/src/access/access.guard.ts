import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE, requestOf, type AccessRule } from '@gatehouse/shared';
import { timingSafeEqual } from 'node:crypto';
import { IdentityErrorReason, IdentityException, unauthenticated } from '../identity.exception';
import { Authenticator } from './authenticator';

/**
 * AccessGuard runs before every resolver and route: it authenticates the caller and checks the
 * operation's declared AccessRule (roles and token scope), and the CSRF token for mutations
 * made with a session cookie. An operation that declares no rule is refused: fail closed.
 * Refusals never say whether the object asked for exists: the guard runs before any lookup.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const operation = `${context.getClass().name}.${context.getHandler().name}`;
    if (!rule) {
      this.logger.error(`${operation} declares no access rule; refusing it`);
      throw new IdentityException(IdentityErrorReason.ACCESS_RULE_MISSING, 'This operation declares no access rule, so nobody may call it.');
    }
    const request = requestOf(context);
    if (rule.who === 'PUBLIC') {
      await this.authenticator.authenticate(request).catch(() => (request.principal = null));
      return true;
    }
    const principal = await this.authenticator.authenticate(request);
    if (!principal) throw unauthenticated();

    if (rule.who !== 'AUTHENTICATED' && !rule.who.some((role) => principal.roles.includes(role))) {
      throw new IdentityException(
        IdentityErrorReason.ROLE_REQUIRED,
        `This operation needs one of the roles ${rule.who.join(', ')}; you have ${principal.roles.join(', ') || 'none'}.`,
        { requiredRoles: rule.who },
      );
    }
    if (!principal.scopes.includes(rule.scope)) {
      throw new IdentityException(
        IdentityErrorReason.SCOPE_REQUIRED,
        `This operation needs a token with the ${rule.scope} scope; this token has ${principal.scopes.join(', ')}.`,
        { requiredScope: rule.scope },
      );
    }
    if (principal.via === 'SESSION' && rule.scope !== 'READ') {
      const expected = this.authenticator.csrfTokenOf(request) ?? '';
      const given = request.headers['x-csrf-token'];
      const ok = typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!ok) {
        throw new IdentityException(IdentityErrorReason.CSRF_TOKEN_MISSING, 'Changes made with a portal session need the X-CSRF-Token header from sign-in.');
      }
    }
    return true;
  }
}
