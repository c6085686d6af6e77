// The SCIM core tables. One migration set for both stores: the column types that differ (JSON, boolean)
// come from the dialect, everything else is plain SQL both understand.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, d: StoreDialect): Promise<void> {
  await db.schema
    .createTable('companies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('license_limit', 'integer')
    .addColumn('license_enforce', d.boolType, (c) => c.notNull())
    .addColumn('allowed_domains', d.jsonType, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scim_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('mappings', d.jsonType, (c) => c.notNull())
    .addColumn('group_name', 'text')
    .addColumn('group_by', 'text')
    .addColumn('sync_groups', d.boolType, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('rotated_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('scim_settings_name').on('scim_settings').columns(['company_id', 'name']).unique().execute();

  await db.schema
    .createTable('scim_users')
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scim_setting_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('external_id', d.binaryTextType)
    .addColumn('active', d.boolType, (c) => c.notNull())
    .addColumn('resource', d.jsonType, (c) => c.notNull())
    .addColumn('resource_ci', d.jsonType, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // RFC 7643 §4.1.1: userName is unique per service provider (here: per company), case-insensitively.
  await db.schema.createIndex('scim_users_user_name').on('scim_users').columns(['company_id', 'user_name_ci']).unique().execute();
  await db.schema.createIndex('scim_users_external_id').on('scim_users').columns(['company_id', 'external_id']).execute();
  await db.schema.createIndex('scim_users_created').on('scim_users').columns(['company_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('scim_users_updated').on('scim_users').columns(['company_id', 'updated_at', 'id']).execute();

  // Entra may match users on emails[type eq "work"].value: one row per email keeps that lookup indexed.
  await db.schema
    .createTable('scim_user_emails')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('scim_users.id').onDelete('cascade'))
    .addColumn('value_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('type_ci', d.binaryTextType)
    .addColumn('is_primary', d.boolType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scim_user_emails_value').on('scim_user_emails').columns(['company_id', 'value_ci']).execute();
  await db.schema.createIndex('scim_user_emails_user').on('scim_user_emails').column('user_id').execute();

  await db.schema
    .createTable('scim_groups')
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scim_setting_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('external_id', d.binaryTextType)
    .addColumn('resource', d.jsonType, (c) => c.notNull())
    .addColumn('resource_ci', d.jsonType, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scim_groups_display_name').on('scim_groups').columns(['company_id', 'display_name_ci']).unique().execute();
  await db.schema.createIndex('scim_groups_external_id').on('scim_groups').columns(['company_id', 'external_id']).execute();
  await db.schema.createIndex('scim_groups_created').on('scim_groups').columns(['company_id', 'created_at', 'id']).execute();

  // Membership is rows: adding or removing one member costs the same for a group of 10 or 100,000.
  await db.schema
    .createTable('scim_group_members')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('scim_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('scim_users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('scim_group_members_user').on('scim_group_members').column('user_id').execute();
}
