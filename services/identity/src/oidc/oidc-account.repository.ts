import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserRow } from '../user/user.model';

/**
 * OidcAccountRepository reads and writes what links a Gatehouse user to an identity at the
 * provider (`user_account.external_subject`) and the profile the provider keeps up to date.
 * Creating users and memberships stays with UserRepository and GroupRepository.
 */
@Injectable()
export class OidcAccountRepository {
  /** The user linked to this external subject, locked for the sign-in's transaction. */
  async lockBySubject(externalSubject: string, manager: EntityManager): Promise<UserRow | null> {
    const rows: UserRow[] = await manager.query('SELECT * FROM identity.user_account WHERE external_subject = $1 FOR UPDATE', [externalSubject]);
    return rows[0] ?? null;
  }

  async link(userId: string, externalSubject: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.user_account SET external_subject = $2 WHERE id = $1', [userId, externalSubject]);
  }

  async updateProfile(userId: string, profile: { displayName: string; email: string | null }, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.user_account SET display_name = $2, email = $3 WHERE id = $1', [userId, profile.displayName, profile.email]);
  }

  /** Usernames taken among these candidates, to pick a free one for a new SSO user. */
  async takenUsernames(candidates: string[], manager: EntityManager): Promise<Set<string>> {
    const rows: { username: string }[] = await manager.query('SELECT username FROM identity.user_account WHERE username = ANY($1)', [candidates]);
    return new Set(rows.map((r) => r.username));
  }
}
