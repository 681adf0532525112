import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreatePolicyStore1795707602724: policies, their immutable versions, activations (append-only
 * history; the newest row per environment is in force) and the stored inputs of past decisions
 * that backtests replay. Versions, activations and decision inputs are never updated or deleted.
 */
export class CreatePolicyStore1795707602724 implements MigrationInterface {
  name = 'CreatePolicyStore1795707602724';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE policy.policy (
        name text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE policy.policy_version (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL REFERENCES policy.policy (name),
        version integer NOT NULL CHECK (version >= 1),
        document jsonb NOT NULL,
        source text NOT NULL,
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        author jsonb NOT NULL,
        message text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT policy_version_name_version_key UNIQUE (name, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE policy.activation (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        environment text NOT NULL,
        policy_name text NOT NULL,
        version integer NOT NULL,
        regulated boolean NOT NULL,
        activated_by jsonb NOT NULL,
        activated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (policy_name, version) REFERENCES policy.policy_version (name, version)
      )`);
    await queryRunner.query('CREATE INDEX activation_environment_idx ON policy.activation (environment, id DESC)');
    await queryRunner.query('CREATE INDEX activation_policy_idx ON policy.activation (policy_name, id DESC)');
    await queryRunner.query(`
      CREATE TABLE policy.decision_input (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        policy_name text NOT NULL,
        policy_version integer NOT NULL,
        policy_hash text NOT NULL,
        application text NOT NULL,
        environment text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('allow', 'require_approval', 'deny')),
        approvals jsonb NOT NULL DEFAULT '[]',
        input jsonb NOT NULL,
        input_hash text NOT NULL CHECK (input_hash ~ '^[0-9a-f]{64}$'),
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Backtests read one policy's inputs in (decided_at, id) order, optionally within a time range.
    await queryRunner.query('CREATE INDEX decision_input_replay_idx ON policy.decision_input (policy_name, decided_at, id)');
    await queryRunner.query(`
      CREATE FUNCTION policy.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'policy.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['policy_version', 'activation', 'decision_input']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON policy.${table} FOR EACH ROW EXECUTE FUNCTION policy.refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS policy.decision_input');
    await queryRunner.query('DROP TABLE IF EXISTS policy.activation');
    await queryRunner.query('DROP TABLE IF EXISTS policy.policy_version');
    await queryRunner.query('DROP TABLE IF EXISTS policy.policy');
    await queryRunner.query('DROP FUNCTION IF EXISTS policy.refuse_change()');
  }
}
