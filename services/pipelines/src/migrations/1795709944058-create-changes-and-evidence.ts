import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateChangesAndEvidence1795709944058 creates changes (one immutable version of an
 * application), their commits, and the evidence attached to them. All three are insert-only:
 * a trigger refuses UPDATE, DELETE and TRUNCATE, so a change and its evidence cannot be
 * rewritten after a decision has read them.
 */
export class CreateChangesAndEvidence1795709944058 implements MigrationInterface {
  name = 'CreateChangesAndEvidence1795709944058';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pipelines.change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        application_id uuid NOT NULL REFERENCES pipelines.application (id),
        version text NOT NULL CHECK (length(version) BETWEEN 1 AND 128),
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        artifact_digest text NOT NULL CHECK (artifact_digest ~ '^sha256:[0-9a-f]{64}$'),
        title text NOT NULL,
        ticket text,
        labels text[] NOT NULL,
        changed_paths text[] NOT NULL,
        lines_added int NOT NULL CHECK (lines_added >= 0),
        lines_removed int NOT NULL CHECK (lines_removed >= 0),
        registered_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT change_version_per_application UNIQUE (application_id, version)
      )`);
    await queryRunner.query('CREATE INDEX change_application_seq_idx ON pipelines.change (application_id, seq DESC)');
    await queryRunner.query(`
      CREATE TABLE pipelines.change_commit (
        change_id uuid NOT NULL REFERENCES pipelines.change (id),
        position int NOT NULL CHECK (position >= 0),
        sha text NOT NULL CHECK (sha ~ '^[0-9a-f]{7,64}$'),
        author text NOT NULL,
        message text NOT NULL,
        PRIMARY KEY (change_id, position)
      )`);
    await queryRunner.query(`
      CREATE TABLE pipelines.evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        change_id uuid NOT NULL REFERENCES pipelines.change (id),
        kind text NOT NULL CHECK (kind IN ('TESTS', 'COVERAGE', 'SECURITY_SCAN', 'CHECK')),
        check_name text,
        payload jsonb NOT NULL,
        source text,
        url text,
        attached_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT evidence_check_name CHECK ((kind = 'CHECK') = (check_name IS NOT NULL))
      )`);
    // "Current evidence" reads the newest row of each (kind, check name) of a change.
    await queryRunner.query(`CREATE INDEX evidence_current_idx ON pipelines.evidence (change_id, kind, (coalesce(check_name, '')), seq DESC)`);

    await queryRunner.query(`
      CREATE FUNCTION pipelines.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%.% is insert-only: % is refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['change', 'change_commit', 'evidence']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_insert_only BEFORE UPDATE OR DELETE ON pipelines.${table} FOR EACH ROW EXECUTE FUNCTION pipelines.refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON pipelines.${table} FOR EACH STATEMENT EXECUTE FUNCTION pipelines.refuse_change()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pipelines.evidence');
    await queryRunner.query('DROP TABLE pipelines.change_commit');
    await queryRunner.query('DROP TABLE pipelines.change');
    await queryRunner.query('DROP FUNCTION pipelines.refuse_change()');
  }
}
