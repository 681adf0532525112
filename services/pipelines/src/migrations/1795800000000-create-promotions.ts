import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_STATES = `('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'DEPLOYING')`;

/**
 * CreatePromotions1795800000000 creates promotions and everything that happens to them:
 * decisions (kept forever, superseded rather than replaced), votes, state transitions,
 * deployments and emergency reviews. Also adds what the policy input reads of applications
 * (tier, tags) and the per-environment approval timeout.
 *
 * At most one promotion of a change into an environment is open at a time (a partial unique
 * index decides races); an idempotency key is unique per requester.
 */
export class CreatePromotions1795800000000 implements MigrationInterface {
  name = 'CreatePromotions1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE pipelines.application
        ADD COLUMN tier text NOT NULL DEFAULT 'STANDARD' CHECK (tier IN ('CRITICAL', 'STANDARD', 'INTERNAL')),
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      ALTER TABLE pipelines.environment
        ADD COLUMN approval_timeout_hours int NOT NULL DEFAULT 24 CHECK (approval_timeout_hours BETWEEN 1 AND 720)`);
    await queryRunner.query(`
      CREATE TABLE pipelines.promotion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        change_id uuid NOT NULL REFERENCES pipelines.change (id),
        application_id uuid NOT NULL REFERENCES pipelines.application (id),
        environment_id uuid NOT NULL REFERENCES pipelines.environment (id),
        source_environment_id uuid REFERENCES pipelines.environment (id),
        state text NOT NULL CHECK (state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'DENIED', 'REJECTED', 'EXPIRED',
                                             'CANCELLED', 'DEPLOYING', 'DEPLOYED', 'FAILED', 'ROLLED_BACK')),
        emergency boolean NOT NULL DEFAULT false,
        reason text NOT NULL DEFAULT '',
        ticket text,
        requested_by text NOT NULL,
        requested_by_username text NOT NULL,
        requested_by_name text NOT NULL,
        requested_by_kind text NOT NULL CHECK (requested_by_kind IN ('human', 'service')),
        idempotency_key text,
        current_decision_id uuid,
        expires_at timestamptz,
        requested_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX promotion_one_open ON pipelines.promotion (change_id, environment_id) WHERE state IN ${OPEN_STATES}`);
    await queryRunner.query('CREATE UNIQUE INDEX promotion_idempotency ON pipelines.promotion (requested_by, idempotency_key) WHERE idempotency_key IS NOT NULL');
    await queryRunner.query('CREATE INDEX promotion_by_application ON pipelines.promotion (application_id, environment_id, seq DESC)');
    await queryRunner.query('CREATE INDEX promotion_by_change ON pipelines.promotion (change_id, environment_id)');
    await queryRunner.query(`CREATE INDEX promotion_pending ON pipelines.promotion (expires_at) WHERE state = 'PENDING_APPROVAL'`);
    await queryRunner.query('CREATE INDEX promotion_by_state ON pipelines.promotion (state, seq DESC)');

    await queryRunner.query(`
      CREATE TABLE pipelines.decision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES pipelines.promotion (id),
        outcome text NOT NULL CHECK (outcome IN ('allow', 'require_approval', 'deny')),
        basis text NOT NULL,
        approvals jsonb NOT NULL,
        matched_rules jsonb NOT NULL,
        explanation jsonb NOT NULL,
        errors jsonb NOT NULL,
        policy_name text,
        policy_version int,
        policy_hash text,
        decision_input_id bigint,
        input jsonb,
        input_hash text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('REQUEST', 'EVIDENCE', 'POLICY_ACTIVATION', 'EMERGENCY')),
        decided_at timestamptz NOT NULL DEFAULT now(),
        superseded_at timestamptz,
        CONSTRAINT decision_input_kept CHECK (decision_input_id IS NOT NULL OR input IS NOT NULL)
      )`);
    await queryRunner.query('CREATE INDEX decision_by_promotion ON pipelines.decision (promotion_id, decided_at)');
    await queryRunner.query(
      'ALTER TABLE pipelines.promotion ADD CONSTRAINT promotion_current_decision FOREIGN KEY (current_decision_id) REFERENCES pipelines.decision (id) DEFERRABLE INITIALLY DEFERRED',
    );

    await queryRunner.query(`
      CREATE TABLE pipelines.vote (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        promotion_id uuid NOT NULL REFERENCES pipelines.promotion (id),
        decision_id uuid NOT NULL REFERENCES pipelines.decision (id),
        voter_id text NOT NULL,
        voter_username text NOT NULL,
        voter_name text NOT NULL,
        vote text NOT NULL CHECK (vote IN ('APPROVE', 'REJECT')),
        comment text NOT NULL DEFAULT '',
        groups text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dismissed_at timestamptz,
        dismiss_reason text
      )`);
    await queryRunner.query('CREATE INDEX vote_by_promotion ON pipelines.vote (promotion_id, seq)');

    await queryRunner.query(`
      CREATE TABLE pipelines.promotion_transition (
        seq bigserial PRIMARY KEY,
        promotion_id uuid NOT NULL REFERENCES pipelines.promotion (id),
        from_state text,
        to_state text NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        cause text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX transition_by_promotion ON pipelines.promotion_transition (promotion_id, seq)');

    await queryRunner.query(`
      CREATE TABLE pipelines.deployment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        promotion_id uuid NOT NULL REFERENCES pipelines.promotion (id),
        application_id uuid NOT NULL REFERENCES pipelines.application (id),
        environment_id uuid NOT NULL REFERENCES pipelines.environment (id),
        status text NOT NULL CHECK (status IN ('STARTED', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK')),
        url text,
        details jsonb NOT NULL DEFAULT '{}',
        reported_by text NOT NULL,
        reported_by_username text NOT NULL,
        reported_by_name text NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX deployment_by_promotion ON pipelines.deployment (promotion_id, seq)');
    await queryRunner.query('CREATE INDEX deployment_history ON pipelines.deployment (application_id, environment_id, reported_at DESC)');

    await queryRunner.query(`
      CREATE TABLE pipelines.emergency_review (
        promotion_id uuid PRIMARY KEY REFERENCES pipelines.promotion (id),
        groups text[] NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        completed_at timestamptz,
        completed_by text,
        completed_by_username text,
        completed_by_name text,
        comment text
      )`);
    await queryRunner.query('CREATE INDEX emergency_review_open ON pipelines.emergency_review (due_at) WHERE completed_at IS NULL');

    // Decisions, votes, transitions and deployment reports are evidence: never deleted, and only
    // the columns that record a later event (superseded, dismissed) may ever be set.
    await queryRunner.query(`
      CREATE FUNCTION pipelines.guard_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        mutable text[] := TG_ARGV;
      BEGIN
        IF TG_OP = 'UPDATE' AND cardinality(mutable) > 0
           AND (to_jsonb(NEW) - mutable) = (to_jsonb(OLD) - mutable)
           AND NOT EXISTS (SELECT 1 FROM unnest(mutable) c WHERE to_jsonb(OLD) -> c <> 'null'::jsonb AND to_jsonb(OLD) -> c IS DISTINCT FROM to_jsonb(NEW) -> c) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'pipelines.% keeps its history: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER decision_kept BEFORE UPDATE OR DELETE ON pipelines.decision FOR EACH ROW EXECUTE FUNCTION pipelines.guard_evidence('superseded_at')`);
    await queryRunner.query(`CREATE TRIGGER vote_kept BEFORE UPDATE OR DELETE ON pipelines.vote FOR EACH ROW EXECUTE FUNCTION pipelines.guard_evidence('dismissed_at', 'dismiss_reason')`);
    for (const table of ['promotion_transition', 'deployment']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_kept BEFORE UPDATE OR DELETE ON pipelines.${table} FOR EACH ROW EXECUTE FUNCTION pipelines.guard_evidence()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pipelines.emergency_review');
    for (const [table, trigger] of [['decision', 'decision_kept'], ['vote', 'vote_kept'], ['promotion_transition', 'promotion_transition_kept'], ['deployment', 'deployment_kept']]) {
      await queryRunner.query(`DROP TRIGGER ${trigger} ON pipelines.${table}`);
    }
    await queryRunner.query('DROP TABLE pipelines.deployment');
    await queryRunner.query('DROP TABLE pipelines.promotion_transition');
    await queryRunner.query('DROP TABLE pipelines.vote');
    await queryRunner.query('ALTER TABLE pipelines.promotion DROP CONSTRAINT promotion_current_decision');
    await queryRunner.query('DROP TABLE pipelines.decision');
    await queryRunner.query('DROP TABLE pipelines.promotion');
    await queryRunner.query('ALTER TABLE pipelines.environment DROP COLUMN approval_timeout_hours');
    await queryRunner.query('DROP FUNCTION pipelines.guard_evidence()');
    await queryRunner.query('ALTER TABLE pipelines.application DROP COLUMN tags, DROP COLUMN tier');
  }
}
