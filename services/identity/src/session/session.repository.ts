import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  expires_at: Date;
  revoked_at: Date | null;
}

/** SessionRepository is the only place that reads and writes portal sessions. */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    session: { userId: string; secretHash: Buffer; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null },
    manager: EntityManager,
  ): Promise<string> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO identity.session (user_id, secret_hash, csrf_token, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [session.userId, session.secretHash, session.csrfToken, session.expiresAt, session.ip, session.userAgent],
    );
    return row!.id;
  }

  async findBySecretHash(secretHash: Buffer): Promise<SessionRow | null> {
    const rows: SessionRow[] = await this.dataSource.query(
      'SELECT id, user_id, csrf_token, expires_at, revoked_at FROM identity.session WHERE secret_hash = $1',
      [secretHash],
    );
    return rows[0] ?? null;
  }

  async revoke(id: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE identity.session SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  }
}
