import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, Role, SYSTEM_PRINCIPAL, TokenScope, type Config } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '../api-token/api-token.service';
import { recordIdentityEvent } from '../identity-audit';
import { hashPassword } from '../secrets';
import { UserRepository } from '../user/user.repository';
import { GroupRepository } from '../group/group.repository';

// Taken inside the bootstrap transaction so two replicas starting at once create one admin.
const BOOTSTRAP_LOCK = 4_187_220_612;

/** The demo's people: one per role, and approvers in the groups the shipped policies name. Demo only. */
export const DEMO_PASSWORD = 'gatehouse-demo';
export const DEMO_USERS: { username: string; displayName: string; roles: Role[]; groups: string[] }[] = [
  { username: 'admin', displayName: 'Ada Admin', roles: [Role.ADMIN], groups: [] },
  { username: 'viewer', displayName: 'Vic Viewer', roles: [Role.VIEWER], groups: [] },
  { username: 'dev', displayName: 'Devi Developer', roles: [Role.DEVELOPER], groups: [] },
  { username: 'policy', displayName: 'Paul Policy-Author', roles: [Role.POLICY_AUTHOR], groups: [] },
  { username: 'auditor', displayName: 'Aude Auditor', roles: [Role.AUDITOR], groups: [] },
  { username: 'emergency', displayName: 'Emma Emergency', roles: [Role.EMERGENCY, Role.DEVELOPER], groups: [] },
  { username: 'lead-1', displayName: 'Lena Lead', roles: [Role.VIEWER], groups: ['payments-leads'] },
  { username: 'lead-2', displayName: 'Leo Lead', roles: [Role.VIEWER], groups: ['payments-leads', 'change-advisory-board'] },
  { username: 'cab-chair', displayName: 'Cara CAB', roles: [Role.VIEWER], groups: ['change-advisory-board'] },
];

/** IdentityBootstrap makes sure somebody can administer a new installation. */
@Injectable()
export class IdentityBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly tokens: ApiTokenService,
  ) {}

  /**
   * On first start (no users at all) creates the `admin` user with an API token: the value of
   * GATEHOUSE_BOOTSTRAP_TOKEN when set, else a generated one, returned so the caller prints it
   * once. Returns null when users already exist.
   */
  async ensureAdmin(): Promise<{ token: string; generated: boolean } | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [{ count }] = await manager.query('SELECT count(*)::int AS count FROM identity.user_account');
      if (count > 0) return null;
      const admin = await this.users.insert({ username: 'admin', displayName: 'Administrator', email: null, passwordHash: null, roles: [Role.ADMIN] }, manager);
      await recordIdentityEvent(manager, SYSTEM_PRINCIPAL.actor, null, 'user.created', { type: 'user', id: admin.id }, { username: 'admin', roles: [Role.ADMIN], bootstrap: true });
      const created = await this.tokens.issue(
        manager,
        { userId: admin.id, name: 'bootstrap', scopes: [TokenScope.READ, TokenScope.WRITE, TokenScope.ADMIN], expiresAt: null, value: this.config.bootstrapToken },
        SYSTEM_PRINCIPAL,
        null,
      );
      return { token: created.token, generated: this.config.bootstrapToken === undefined };
    });
  }

  /** Demo mode: gives every demo user the demo password and their groups, creating what is missing. */
  async seedDemoUsers(): Promise<void> {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      for (const demo of DEMO_USERS) {
        let user = await this.users.findByUsername(demo.username, manager);
        if (!user) {
          user = await this.users.insert({ username: demo.username, displayName: demo.displayName, email: `${demo.username}@bank.example`, passwordHash, roles: demo.roles }, manager);
          await recordIdentityEvent(manager, SYSTEM_PRINCIPAL.actor, null, 'user.created', { type: 'user', id: user.id }, { username: demo.username, roles: demo.roles, demo: true });
        } else if (!user.password_hash) {
          await manager.query('UPDATE identity.user_account SET password_hash = $2, display_name = $3 WHERE id = $1', [user.id, passwordHash, demo.displayName]);
        }
        for (const name of demo.groups) {
          const group = (await this.groups.findByName(name, manager)) ?? (await this.groups.insert(name, `Demo group ${name}`, manager));
          if (await this.groups.addMember(group.id, user.id, manager)) {
            await recordIdentityEvent(manager, SYSTEM_PRINCIPAL.actor, null, 'group.member.added', { type: 'group', id: group.id }, { group: name, user: demo.username, demo: true });
          }
        }
      }
    });
  }
}
