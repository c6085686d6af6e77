// Who may administer Roster: system users (with their invitations and sessions), failed sign-ins per email
// (the lockout, shared by every instance) and API keys. Secrets are stored only as SHA-256 hashes (tokens,
// keys) or scrypt hashes (passwords).
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, d: StoreDialect): Promise<void> {
  // role: operator (company_id null: every company), admin or viewer (one company). password_hash is null
  // until the first invitation is accepted.
  await db.schema
    .createTable('system_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.references('companies.id').onDelete('cascade'))
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .execute();
  await db.schema.createIndex('system_users_email').on('system_users').column('email_ci').unique().execute();
  await db.schema.createIndex('system_users_company').on('system_users').columns(['company_id', 'id']).execute();
  await db.schema.createIndex('system_users_role').on('system_users').columns(['role', 'id']).execute();

  // One-time links that set a password; a user may hold several until one is accepted.
  await db.schema
    .createTable('system_user_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('system_users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('system_user_invitations_user').on('system_user_invitations').column('user_id').execute();
  await db.schema.createIndex('system_user_invitations_expiry').on('system_user_invitations').column('expires_at').execute();

  // idle_expires_at is min(last_seen_at + idle, expires_at), kept as last_seen_at moves (at most once a
  // minute), so pruning is one index range; signing out sets ended_at and brings idle_expires_at forward.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('system_users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('idle_seconds', 'integer', (c) => c.notNull())
    .addColumn('idle_expires_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_idle_expiry').on('sessions').column('idle_expires_at').execute();

  // Consecutive failed sign-ins per email (known or not, so a lockout tells nothing about which emails exist).
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('email_ci', d.binaryTextType, (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failed_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('sign_in_failures_last').on('sign_in_failures').column('last_failed_at').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_company').on('api_keys').columns(['company_id', 'id']).execute();
}
