import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, type Config, type Principal, isUniqueViolation } from '@gatehouse/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { GroupRepository } from '../group/group.repository';
import { recordIdentityEvent } from '../identity-audit';
import { SessionService, type ClientInfo, type OpenedSession } from '../session/session.service';
import type { UserRow } from '../user/user.model';
import { UserRepository } from '../user/user.repository';
import { OidcAccountRepository } from './oidc-account.repository';
import { OIDC_FLOW_SECONDS, OidcFlowSealer } from './oidc-flow.cookie';
import { OidcIssuerClient, type OidcClaims } from './oidc-issuer.client';
import { safeReturnTo } from './oidc-return-to';
import { OidcErrorReason, OidcException } from './oidc.exception';


/** OidcSignIn is a finished single sign-on: the session to set as a cookie and where to send the browser. */
export interface OidcSignIn {
  session: OpenedSession;
  redirectTo: string;
}

/**
 * OidcLoginService runs single sign-on with the authorization code flow and PKCE. A person is
 * matched only by their identity at the provider (issuer + `sub`, in `external_subject`), never
 * by username or email, so an identity provider cannot take over a local account. New people
 * get an account with no roles (an admin grants them); the groups named in
 * GATEHOUSE_OIDC_GROUP_MAP are kept in step with the groups claim at every sign-in, and other
 * groups are left alone.
 */
@Injectable()
export class OidcLoginService {
  private readonly sealer: OidcFlowSealer;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly issuer: OidcIssuerClient,
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly accounts: OidcAccountRepository,
    private readonly sessions: SessionService,
  ) {
    this.sealer = new OidcFlowSealer(config.oidc?.clientSecret);
  }

  /** Starts a sign-in: where to send the browser, and the sealed flow for its cookie. */
  async start(returnTo: unknown): Promise<{ redirectTo: string; flowCookie: string }> {
    const path = safeReturnTo(returnTo);
    if (path === null) {
      throw new OidcException(OidcErrorReason.OIDC_RETURN_TO_INVALID, 'returnTo must be a path on this site that starts with a single "/".');
    }
    const request = await this.issuer.authorizationRequest();
    const flowCookie = this.sealer.seal({
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      returnTo: path,
      expiresAt: Date.now() + OIDC_FLOW_SECONDS * 1000,
    });
    return { redirectTo: request.url.href, flowCookie };
  }

  /** Finishes a sign-in from the provider's callback; every refusal is recorded as `user.login.failed`. */
  async finish(callbackQuery: string, flowCookie: string | undefined, client: ClientInfo): Promise<OidcSignIn> {
    let subject: { username: string | null; userId: string | null; sub: string | null } = { username: null, userId: null, sub: null };
    try {
      const flow = flowCookie ? this.sealer.open(flowCookie) : null;
      if (!flow) {
        throw new OidcException(OidcErrorReason.OIDC_FLOW_MISSING, 'This sign-in was not started in this browser, or was already used; start again at /auth/oidc/login.');
      }
      if (flow.expiresAt <= Date.now()) {
        throw new OidcException(OidcErrorReason.OIDC_FLOW_EXPIRED, `This sign-in took longer than ${OIDC_FLOW_SECONDS / 60} minutes; start again.`);
      }
      const params = new URLSearchParams(callbackQuery);
      if (!sameText(params.get('state') ?? '', flow.state)) {
        throw new OidcException(OidcErrorReason.OIDC_STATE_MISMATCH, 'The answer from the identity provider does not belong to the sign-in this browser started.');
      }
      const error = params.get('error');
      if (error) {
        const description = params.get('error_description');
        throw new OidcException(
          OidcErrorReason.OIDC_PROVIDER_REFUSED,
          `The identity provider refused the sign-in: ${error.slice(0, 100)}${description ? ` (${description.slice(0, 300)})` : ''}.`,
          { error: error.slice(0, 100) },
        );
      }
      const claims = await this.issuer.exchange(callbackQuery, flow);
      subject = { ...subject, sub: claims.sub };
      const session = await this.withRetry((manager) =>
        this.signIn(manager, claims, client, (user) => (subject = { ...subject, username: user.username, userId: user.id })),
      );
      return { session, redirectTo: `${this.config.publicUrl ?? ''}${flow.returnTo}` };
    } catch (error) {
      if (error instanceof OidcException) {
        await this.sessions.recordLoginFailure(client, {
          method: 'oidc',
          username: subject.username,
          userId: subject.userId,
          reason: error.reason,
          data: { message: error.message, issuer: this.config.oidc?.issuer ?? null, subject: subject.sub },
        });
      }
      throw error;
    }
  }

  /** Runs a sign-in transaction again once if it raced another (the same person's first sign-in, a mapped group being created). */
  private async withRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.dataSource.transaction(work);
    }
  }

  private async signIn(manager: EntityManager, claims: OidcClaims, client: ClientInfo, identified: (user: UserRow) => void): Promise<OpenedSession> {
    const externalSubject = `${claims.iss}|${claims.sub}`;
    const profile = profileOf(claims);
    let user = await this.accounts.lockBySubject(externalSubject, manager);
    const actorOf = (row: UserRow): Principal['actor'] => ({ kind: 'USER', id: row.id, displayName: row.display_name, ip: client.ip, userAgent: client.userAgent });
    if (!user) {
      const username = await this.freeUsername(claims, manager);
      user = await this.users.insert({ username, displayName: profile.displayName, email: profile.email, passwordHash: null, roles: [] }, manager);
      await this.accounts.link(user.id, externalSubject, manager);
      await recordIdentityEvent(manager, actorOf(user), client.requestId, 'user.created', { type: 'user', id: user.id }, {
        username,
        roles: [],
        localPassword: false,
        source: 'oidc',
        externalSubject,
      });
    } else {
      identified(user);
      if (user.disabled_at) throw new OidcException(OidcErrorReason.OIDC_ACCOUNT_DISABLED, 'Your Gatehouse account is disabled; ask an administrator.');
      if (user.display_name !== profile.displayName || user.email !== profile.email) {
        await this.accounts.updateProfile(user.id, profile, manager);
        await recordIdentityEvent(manager, actorOf(user), client.requestId, 'user.updated', { type: 'user', id: user.id }, {
          username: user.username,
          source: 'oidc',
          displayName: profile.displayName,
          email: profile.email,
        });
        user = { ...user, display_name: profile.displayName, email: profile.email };
      }
    }
    identified(user);
    const idpGroups = groupsIn(claims, this.config.oidc!.groupsClaim);
    await this.syncGroups(manager, user, idpGroups, actorOf(user), client.requestId);
    const current = (await this.users.findById(user.id, manager))!;
    return this.sessions.open(manager, current, client, {
      method: 'oidc',
      data: { issuer: claims.iss, subject: claims.sub, idpGroups: idpGroups.slice(0, 100) },
    });
  }

  /**
   * Makes the user's memberships of mapped groups match the groups claim: adds the mapped groups
   * the claim names (creating a missing group), removes the mapped groups it no longer names.
   * Groups not in GATEHOUSE_OIDC_GROUP_MAP are managed in Gatehouse and never touched here.
   */
  private async syncGroups(manager: EntityManager, user: UserRow, idpGroups: string[], actor: Principal['actor'], requestId: string | null): Promise<void> {
    const map = this.config.oidc!.groupMap;
    const managed = new Set(Object.values(map));
    const wanted = new Set(idpGroups.filter((group) => Object.hasOwn(map, group)).map((group) => map[group]!));
    const held = new Set((await this.groups.groupsOf(user.id, manager)).filter((group) => managed.has(group)));
    const member = { user: user.username, userId: user.id, source: 'oidc' };

    for (const name of [...wanted].filter((group) => !held.has(group)).sort()) {
      let group = await this.groups.findByName(name, manager);
      if (!group) {
        const from = Object.keys(map).filter((idpGroup) => map[idpGroup] === name);
        group = await this.groups.insert(name, `Kept in step with the identity provider group(s) ${from.join(', ')}.`, manager);
        await recordIdentityEvent(manager, actor, requestId, 'group.created', { type: 'group', id: group.id }, { group: name, source: 'oidc' });
      }
      await this.groups.addMember(group.id, user.id, manager);
      await recordIdentityEvent(manager, actor, requestId, 'group.member.added', { type: 'group', id: group.id }, { group: name, ...member });
    }
    for (const name of [...held].filter((group) => !wanted.has(group)).sort()) {
      const group = (await this.groups.findByName(name, manager))!;
      await this.groups.removeMember(group.id, user.id, manager);
      await recordIdentityEvent(manager, actor, requestId, 'group.member.removed', { type: 'group', id: group.id }, { group: name, ...member });
    }
  }

  /** A username for a new SSO user from preferred_username, email or sub, suffixed when taken. */
  private async freeUsername(claims: OidcClaims, manager: EntityManager): Promise<string> {
    const source = text(claims.preferred_username) ?? text(claims.email)?.split('@')[0] ?? claims.sub;
    const base = toUsername(source);
    const fingerprint = createHash('sha256').update(`${claims.iss}|${claims.sub}`).digest('hex').slice(0, 8);
    const candidates = [base, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${base.slice(0, 60)}-${n}`), `${base.slice(0, 54)}-${fingerprint}`];
    const taken = await this.accounts.takenUsernames(candidates, manager);
    return candidates.find((candidate) => !taken.has(candidate)) ?? `sso-${fingerprint}-${Date.now().toString(36)}`;
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function profileOf(claims: OidcClaims): { displayName: string; email: string | null } {
  const displayName = text(claims.name) ?? text(claims.preferred_username) ?? text(claims.email) ?? claims.sub;
  return { displayName: displayName.slice(0, 200), email: text(claims.email)?.slice(0, 320) ?? null };
}

/** Lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 63 characters. */
function toUsername(source: string): string {
  const cleaned = source
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[._-]+$/, '');
  return cleaned || 'user';
}

/**
 * The IdP groups in a claim: a list of strings or one string; a dotted name reaches into an
 * object (`realm_access.roles`). An absent claim means no groups, so every mapped membership
 * is removed: a provider that stops sending groups must not leave approvers in place.
 */
export function groupsIn(claims: Record<string, unknown>, claim: string): string[] {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), claims);
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : [];
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
