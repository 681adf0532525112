import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Applications and their environments, in the pipelines service's own schema. */
export class CreateApplications1795704500000 implements MigrationInterface {
  name = 'CreateApplications1795704500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS pipelines');
    await queryRunner.query(`
      CREATE TABLE pipelines.application (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        team text NOT NULL,
        description text NOT NULL DEFAULT '',
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT application_name_unique UNIQUE (name),
        CONSTRAINT application_name_slug CHECK (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(name) <= 63)
      )`);
    await queryRunner.query(`
      CREATE TABLE pipelines.environment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES pipelines.application (id) ON DELETE CASCADE,
        name text NOT NULL,
        position int NOT NULL CHECK (position >= 0),
        regulated boolean NOT NULL DEFAULT false,
        tier text NOT NULL CHECK (tier IN ('DEVELOPMENT', 'TESTING', 'STAGING', 'PRODUCTION')),
        timezone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT environment_name_per_application UNIQUE (application_id, name),
        CONSTRAINT environment_position_per_application UNIQUE (application_id, position),
        CONSTRAINT environment_name_slug CHECK (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(name) <= 63)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pipelines.environment');
    await queryRunner.query('DROP TABLE pipelines.application');
    await queryRunner.query('DROP SCHEMA pipelines');
  }
}
