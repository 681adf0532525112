import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateChangeWindows1795710223924 creates change windows: freezes and allowed hours of one
 * environment, one-off (local start and end) or recurring (RRULE from a local start, for an
 * ISO 8601 duration), read in the environment's time zone. Deleting a window marks it deleted,
 * so what was in force at any past time can still be read.
 */
export class CreateChangeWindows1795710223924 implements MigrationInterface {
  name = 'CreateChangeWindows1795710223924';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pipelines.change_window (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        environment_id uuid NOT NULL REFERENCES pipelines.environment (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(name) <= 63),
        kind text NOT NULL CHECK (kind IN ('FREEZE', 'ALLOW')),
        starts_local timestamp NOT NULL,
        ends_local timestamp,
        rrule text,
        duration text,
        reason text NOT NULL DEFAULT '',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        deleted_by text,
        CONSTRAINT change_window_recurrence CHECK ((rrule IS NULL) = (duration IS NULL)),
        CONSTRAINT change_window_one_off_end CHECK (rrule IS NOT NULL OR ends_local IS NOT NULL),
        CONSTRAINT change_window_order CHECK (ends_local IS NULL OR ends_local > starts_local),
        CONSTRAINT change_window_deleted CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
      )`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX change_window_name_per_environment ON pipelines.change_window (environment_id, name) WHERE deleted_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pipelines.change_window');
  }
}
