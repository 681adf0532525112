import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, groups, memberships, API tokens and portal sessions, in the identity schema. */
export class CreateIdentity1795705000000 implements MigrationInterface {
  name = 'CreateIdentity1795705000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS identity');
    await queryRunner.query(`
      CREATE TABLE identity.user_account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
        display_name text NOT NULL,
        email text,
        password_hash text,
        roles text[] NOT NULL DEFAULT '{}',
        external_subject text UNIQUE,
        disabled_at timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE identity.user_group (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(name) <= 63),
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE identity.group_member (
        group_id uuid NOT NULL REFERENCES identity.user_group (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES identity.user_account (id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id)
      )`);
    await queryRunner.query('CREATE INDEX group_member_user ON identity.group_member (user_id)');
    await queryRunner.query(`
      CREATE TABLE identity.api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES identity.user_account (id) ON DELETE CASCADE,
        name text NOT NULL,
        lookup_prefix text NOT NULL UNIQUE,
        token_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX api_token_user ON identity.api_token (user_id)');
    await queryRunner.query(`
      CREATE TABLE identity.session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES identity.user_account (id) ON DELETE CASCADE,
        secret_hash bytea NOT NULL UNIQUE,
        csrf_token text NOT NULL,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['session', 'api_token', 'group_member', 'user_group', 'user_account']) {
      await queryRunner.query(`DROP TABLE identity.${table}`);
    }
    await queryRunner.query('DROP SCHEMA identity');
  }
}
