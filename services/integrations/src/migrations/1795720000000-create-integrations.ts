import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateIntegrations1795720000000 creates the `integrations` schema: incoming integrations
 * (CDEvents senders and GitHub repositories) with their receipts and the changes they
 * registered, and outgoing webhooks with the delivery outbox fed from the sealed audit chain.
 */
export class CreateIntegrations1795720000000 implements MigrationInterface {
  name = 'CreateIntegrations1795720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS integrations');
    await queryRunner.query(`
      CREATE TABLE integrations.integration (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('CDEVENTS', 'GITHUB')),
        application text NOT NULL,
        -- CDEvents senders present a bearer token: only its SHA-256 is kept.
        token_hash bytea UNIQUE,
        -- GitHub signs with a shared secret, which verifying needs in the clear.
        secret text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        CHECK ((kind = 'CDEVENTS') = (token_hash IS NOT NULL)),
        CHECK ((kind = 'GITHUB') = (secret IS NOT NULL))
      )`);
    // One row per delivery taken in: a repeated delivery id is recognised and ignored.
    await queryRunner.query(`
      CREATE TABLE integrations.receipt (
        integration_id uuid NOT NULL REFERENCES integrations.integration (id),
        delivery_id text NOT NULL,
        event text NOT NULL,
        outcome text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (integration_id, delivery_id)
      )`);
    // How later events of the same integration find the change an earlier one registered
    // (by commit sha, version or artifact id).
    await queryRunner.query(`
      CREATE TABLE integrations.change_link (
        integration_id uuid NOT NULL REFERENCES integrations.integration (id),
        key text NOT NULL,
        change_id uuid NOT NULL,
        PRIMARY KEY (integration_id, key)
      )`);

    await queryRunner.query(`
      CREATE TABLE integrations.webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application text NOT NULL,
        environment text,
        url text NOT NULL,
        secret text NOT NULL,
        -- Sent as the Authorization header (a GitHub or Argo CD token); write-only through the API.
        authorization_header text,
        events text[] NOT NULL,
        format text NOT NULL CHECK (format IN ('GATEHOUSE', 'CDEVENTS', 'GITHUB_DISPATCH', 'ARGOCD_SYNC')),
        description text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX webhook_application_idx ON integrations.webhook (application) WHERE disabled_at IS NULL');
    // The dispatcher's cursor over the sealed audit chain; one row, locked by whoever dispatches.
    await queryRunner.query('CREATE TABLE integrations.dispatch_cursor (id int PRIMARY KEY CHECK (id = 1), last_seq bigint NOT NULL)');
    // Start after the current head: a new installation does not replay history to its first webhooks.
    await queryRunner.query('INSERT INTO integrations.dispatch_cursor (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM audit.chain');
    await queryRunner.query(`
      CREATE TABLE integrations.delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        webhook_id uuid NOT NULL REFERENCES integrations.webhook (id),
        event_seq bigint NOT NULL,
        event_id uuid NOT NULL,
        action text NOT NULL,
        body text NOT NULL,
        content_type text NOT NULL,
        state text NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')) DEFAULT 'PENDING',
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_status int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (webhook_id, event_seq)
      )`);
    await queryRunner.query(`CREATE INDEX delivery_due_idx ON integrations.delivery (next_attempt_at) WHERE state = 'PENDING'`);
    await queryRunner.query('CREATE INDEX delivery_webhook_idx ON integrations.delivery (webhook_id, seq DESC)');
    await queryRunner.query(`
      CREATE TABLE integrations.delivery_attempt (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES integrations.delivery (id),
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        status int,
        error text
      )`);
    await queryRunner.query('CREATE INDEX delivery_attempt_delivery_idx ON integrations.delivery_attempt (delivery_id, attempt)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE integrations.delivery_attempt');
    await queryRunner.query('DROP TABLE integrations.delivery');
    await queryRunner.query('DROP TABLE integrations.dispatch_cursor');
    await queryRunner.query('DROP TABLE integrations.webhook');
    await queryRunner.query('DROP TABLE integrations.change_link');
    await queryRunner.query('DROP TABLE integrations.receipt');
    await queryRunner.query('DROP TABLE integrations.integration');
    await queryRunner.query('DROP SCHEMA IF EXISTS integrations');
  }
}
