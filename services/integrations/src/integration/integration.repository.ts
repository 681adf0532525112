import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IntegrationKind, IntegrationRow } from './integration.model';

const COLUMNS = 'id, name, kind, application, secret, created_by, created_at, disabled_at';

/** IntegrationRepository is the only place that queries integrations, their receipts and change links. */
@Injectable()
export class IntegrationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Inserts an integration; null when the name is taken. */
  async insert(
    values: { name: string; kind: IntegrationKind; application: string; tokenHash: Buffer | null; secret: string | null; createdBy: string },
    manager: EntityManager,
  ): Promise<IntegrationRow | null> {
    const rows: IntegrationRow[] = await manager.query(
      `INSERT INTO integrations.integration (name, kind, application, token_hash, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [values.name, values.kind, values.application, values.tokenHash, values.secret, values.createdBy],
    );
    return rows[0] ?? null;
  }

  async list(): Promise<IntegrationRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM integrations.integration ORDER BY name`);
  }

  async disable(id: string, manager: EntityManager): Promise<IntegrationRow | null> {
    const rows: [IntegrationRow[], number] = await manager.query(
      `UPDATE integrations.integration SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0][0] ?? null;
  }

  /** An enabled integration by its token's SHA-256. */
  async findByTokenHash(hash: Buffer): Promise<IntegrationRow | null> {
    const rows: IntegrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM integrations.integration WHERE token_hash = $1 AND disabled_at IS NULL`,
      [hash],
    );
    return rows[0] ?? null;
  }

  async findByName(name: string): Promise<IntegrationRow | null> {
    const rows: IntegrationRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM integrations.integration WHERE name = $1`, [name]);
    return rows[0] ?? null;
  }

  /** Claims a delivery id inside the caller's transaction; false when it was already taken in. */
  async claimReceipt(integrationId: string, deliveryId: string, event: string, outcome: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO integrations.receipt (integration_id, delivery_id, event, outcome) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [integrationId, deliveryId, event, outcome],
    );
    return rows.length === 1;
  }

  async hasReceipt(integrationId: string, deliveryId: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM integrations.receipt WHERE integration_id = $1 AND delivery_id = $2', [integrationId, deliveryId]);
    return rows.length === 1;
  }

  async link(integrationId: string, keys: string[], changeId: string, manager: EntityManager): Promise<void> {
    if (!keys.length) return;
    await manager.query(
      `INSERT INTO integrations.change_link (integration_id, key, change_id) SELECT $1, unnest($2::text[]), $3
       ON CONFLICT (integration_id, key) DO UPDATE SET change_id = EXCLUDED.change_id`,
      [integrationId, keys, changeId],
    );
  }

  /** The change that the first of these keys names, if any. */
  async findLinkedChange(integrationId: string, keys: string[], manager: EntityManager): Promise<string | null> {
    if (!keys.length) return null;
    const rows: { change_id: string }[] = await manager.query(
      `SELECT change_id FROM integrations.change_link WHERE integration_id = $1 AND key = ANY($2::text[])
        ORDER BY array_position($2::text[], key) LIMIT 1`,
      [integrationId, keys],
    );
    return rows[0]?.change_id ?? null;
  }
}
