import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateAuditEventChain1795704700000 creates the append-only audit log.
 *
 * `audit.event` holds every event; writers INSERT rows with the chain columns NULL (pending),
 * and the one sealer later fills `seq`, `canonical`, `prev_hash`, `hash` and `sealed_at` exactly
 * once. A trigger refuses every other UPDATE, every DELETE and every TRUNCATE, so a sealed row
 * can never change and an unsealed row can only be sealed. `audit.checkpoint` (signed chain
 * heads) and `audit.signing_key` (the public keys that sign them) are insert-only.
 */
export class CreateAuditEventChain1795704700000 implements MigrationInterface {
  name = 'CreateAuditEventChain1795704700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit.event (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('USER', 'TOKEN', 'SYSTEM')),
        actor_id text NOT NULL,
        actor_display_name text,
        actor_ip text,
        actor_user_agent text,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        application text,
        environment text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text,
        seq bigint UNIQUE,
        canonical bytea,
        prev_hash bytea,
        hash bytea,
        sealed_at timestamptz,
        CONSTRAINT event_sealed_all_or_nothing CHECK (
          (seq IS NULL AND canonical IS NULL AND prev_hash IS NULL AND hash IS NULL AND sealed_at IS NULL)
          OR (seq >= 1 AND canonical IS NOT NULL AND octet_length(prev_hash) = 32 AND octet_length(hash) = 32 AND sealed_at IS NOT NULL)
        )
      )`);
    // The sealer's work queue: only pending rows are in this index, so finding them stays cheap.
    await queryRunner.query('CREATE INDEX event_pending_idx ON audit.event (pk) WHERE seq IS NULL');
    // Newest-first lists by the filters people use; `pk` is the keyset.
    await queryRunner.query('CREATE INDEX event_subject_idx ON audit.event (subject_type, subject_id, pk DESC)');
    await queryRunner.query('CREATE INDEX event_actor_idx ON audit.event (actor_id, pk DESC)');
    await queryRunner.query('CREATE INDEX event_action_idx ON audit.event (action, pk DESC)');
    await queryRunner.query('CREATE INDEX event_application_idx ON audit.event (application, environment, pk DESC) WHERE application IS NOT NULL');
    await queryRunner.query('CREATE INDEX event_occurred_at_idx ON audit.event (occurred_at)');
    // Evidence packs: events that name a change in their data rather than as their subject.
    await queryRunner.query(
      `CREATE INDEX event_change_ref_idx ON audit.event ((data ->> 'changeId'), pk) WHERE data ? 'changeId'`,
    );

    await queryRunner.query(`
      CREATE TABLE audit.signing_key (
        key_id text PRIMARY KEY,
        public_key_pem text NOT NULL,
        first_used_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE audit.checkpoint (
        seq bigint PRIMARY KEY,
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        created_at timestamptz NOT NULL,
        previous_seq bigint,
        key_id text NOT NULL REFERENCES audit.signing_key (key_id),
        payload bytea NOT NULL,
        signature bytea NOT NULL
      )`);

    await queryRunner.query(`
      CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit.allow_only_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.seq IS NOT NULL THEN
          RAISE EXCEPTION 'audit event % is sealed at seq % and cannot change', OLD.id, OLD.seq
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.seq IS NULL
           OR (NEW.pk, NEW.id, NEW.occurred_at, NEW.actor_kind, NEW.actor_id, NEW.actor_display_name, NEW.actor_ip,
               NEW.actor_user_agent, NEW.action, NEW.subject_type, NEW.subject_id, NEW.application, NEW.environment,
               NEW.data, NEW.request_id)
              IS DISTINCT FROM
              (OLD.pk, OLD.id, OLD.occurred_at, OLD.actor_kind, OLD.actor_id, OLD.actor_display_name, OLD.actor_ip,
               OLD.actor_user_agent, OLD.action, OLD.subject_type, OLD.subject_id, OLD.application, OLD.environment,
               OLD.data, OLD.request_id) THEN
          RAISE EXCEPTION 'audit event % may only be sealed, not changed', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      'CREATE TRIGGER event_only_sealing BEFORE UPDATE ON audit.event FOR EACH ROW EXECUTE FUNCTION audit.allow_only_sealing()',
    );
    for (const table of ['event', 'checkpoint', 'signing_key']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON audit.${table} FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON audit.${table} FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`,
      );
      if (table !== 'event') {
        await queryRunner.query(
          `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON audit.${table} FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`,
        );
      }
    }

    // Grants: nobody but the owner gets anything by default, and the owner (the role the app
    // runs as unless a separate runtime role is set up, see README) keeps only what it needs.
    // An owner can grant itself back; the triggers and the signed checkpoints are the real guard.
    await queryRunner.query('REVOKE ALL ON audit.event, audit.checkpoint, audit.signing_key FROM PUBLIC');
    await queryRunner.query('REVOKE UPDATE, DELETE, TRUNCATE ON audit.event, audit.checkpoint, audit.signing_key FROM CURRENT_USER');
    await queryRunner.query('GRANT UPDATE (seq, canonical, prev_hash, hash, sealed_at) ON audit.event TO CURRENT_USER');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit.checkpoint');
    await queryRunner.query('DROP TABLE audit.signing_key');
    await queryRunner.query('DROP TABLE audit.event');
    await queryRunner.query('DROP FUNCTION audit.allow_only_sealing()');
    await queryRunner.query('DROP FUNCTION audit.refuse_change()');
  }
}
