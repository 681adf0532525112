import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit service owns the `audit` PostgreSQL schema; nothing else writes to it. */
export class CreateAuditSchema1795704428503 implements MigrationInterface {
  name = 'CreateAuditSchema1795704428503';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS audit');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SCHEMA IF EXISTS audit');
  }
}
