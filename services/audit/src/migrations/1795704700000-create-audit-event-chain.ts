import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateAuditEventChain1795704700000 creates the append-only audit log.
 *
 * `audit.event` holds every event as its writer inserted it, with the id of the inserting
 * transaction (`tx`). `audit.chain` holds the hash chain: one row per sealed event (`seq`,
 * the canonical bytes exactly as hashed, `prev_hash`, `hash`), inserted by the one sealer.
 * `audit.checkpoint` holds the signed chain heads and `audit.signing_key` the public keys that
 * signed them. All four are insert-only: triggers refuse UPDATE, DELETE and TRUNCATE.
 */
export class CreateAuditEventChain1795704700000 implements MigrationInterface {
  name = 'CreateAuditEventChain1795704700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit.event (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
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
        request_id text
      )`);
    // The sealer's cursor: events in (inserting transaction, insertion key) order.
    await queryRunner.query('CREATE INDEX event_tx_idx ON audit.event (tx, pk)');
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
      CREATE TABLE audit.chain (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        event_pk bigint NOT NULL UNIQUE REFERENCES audit.event (pk),
        canonical bytea NOT NULL,
        prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        sealed_at timestamptz NOT NULL DEFAULT now()
      )`);

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
    for (const table of ['event', 'chain', 'checkpoint', 'signing_key']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON audit.${table} FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON audit.${table} FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`,
      );
    }

    // Grants: nothing for PUBLIC, and the owner (the role the app runs as unless a separate
    // runtime role is set up, see README) keeps only SELECT and INSERT. An owner can grant
    // itself back; the triggers and the signed checkpoints are the real guard.
    const tables = 'audit.event, audit.chain, audit.checkpoint, audit.signing_key';
    await queryRunner.query(`REVOKE ALL ON ${tables} FROM PUBLIC`);
    await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${tables} FROM CURRENT_USER`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit.checkpoint');
    await queryRunner.query('DROP TABLE audit.signing_key');
    await queryRunner.query('DROP TABLE audit.chain');
    await queryRunner.query('DROP TABLE audit.event');
    await queryRunner.query('DROP FUNCTION audit.refuse_change()');
  }
}
