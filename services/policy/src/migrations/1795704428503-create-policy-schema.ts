import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The policy service owns the `policy` PostgreSQL schema; nothing else writes to it. */
export class CreatePolicySchema1795704428503 implements MigrationInterface {
  name = 'CreatePolicySchema1795704428503';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS policy');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SCHEMA IF EXISTS policy');
  }
}
