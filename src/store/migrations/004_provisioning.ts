// The platform's own model beside the SCIM resources: target users, custom fields and their values, target
// groups and their members, the job log, the audit log, long-running jobs, and where the server can be reached.
import { sql, type Kysely } from 'kysely';
import { foldString } from '../../scim/fold.ts';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, d: StoreDialect): Promise<void> {
  // The company's preferred language (BCP 47, null = English); active target users, kept by every change of
  // a user's active or deleted state so a licence check never counts a million rows; when usage went over.
  await db.schema.alterTable('companies').addColumn('language', 'text').execute();
  await db.schema.alterTable('companies').addColumn('active_users', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('companies').addColumn('license_exceeded_at', 'text').execute();
  // Company names are unique ignoring case, folded in JavaScript as everywhere (scim/fold.ts). Companies are
  // few; one created under an existing name before this migration keeps its name, and its id keeps it unique.
  await db.schema.alterTable('companies').addColumn('name_ci', d.binaryTextType).execute();
  const seen = new Set<string>();
  for (const c of await db.selectFrom('companies').select(['id', 'name']).orderBy('created_at').orderBy('id').execute()) {
    const folded = foldString(c.name);
    await db.updateTable('companies').set({ name_ci: seen.has(folded) ? `${folded} ${c.id}` : folded }).where('id', '=', c.id).execute();
    seen.add(folded);
  }
  await db.schema.createIndex('companies_name').on('companies').column('name_ci').unique().execute();
  // A setting's resources in id order, for re-deriving its target users after a rules change.
  await db.schema.createIndex('scim_users_setting').on('scim_users').columns(['scim_setting_id', 'id']).execute();
  await db.schema.createIndex('scim_groups_setting').on('scim_groups').columns(['scim_setting_id', 'id']).execute();
  await db.schema.alterTable('scim_settings').addColumn('test_mode', d.boolType, (c) => c.notNull().defaultTo(d.toBool(false))).execute();

  await db.schema
    .createTable('custom_fields')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('custom_fields_name').on('custom_fields').columns(['company_id', 'name_ci']).unique().execute();

  // Ids are time-ordered (store/ids.ts), so (company_id, id) is creation order and a stable cursor.
  await db.schema
    .createTable('target_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('scim_setting_id', 'text')
    // The SCIM resource this user is projected from; null for CSV, API and manual users and once deleted.
    .addColumn('scim_user_id', 'text', (c) => c.unique())
    .addColumn('external_id', d.binaryTextType)
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('email_domain', d.binaryTextType, (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('department', 'text')
    .addColumn('title', 'text')
    .addColumn('phone', 'text')
    .addColumn('timezone', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('manager_value', 'text')
    .addColumn('manager_value_ci', d.binaryTextType)
    .addColumn('manager_id', 'text')
    .addColumn('active', d.boolType, (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('target_users_company').on('target_users').columns(['company_id', 'id']).execute();
  await db.schema.createIndex('target_users_email').on('target_users').columns(['company_id', 'email_ci', 'id']).execute();
  await db.schema.createIndex('target_users_active').on('target_users').columns(['company_id', 'active', 'id']).execute();
  await db.schema.createIndex('target_users_source').on('target_users').columns(['company_id', 'scim_setting_id', 'id']).execute();
  await db.schema.createIndex('target_users_external_id').on('target_users').columns(['company_id', 'external_id']).execute();
  await db.schema.createIndex('target_users_manager').on('target_users').columns(['company_id', 'manager_value_ci']).execute();
  // Only the deleted users, for purging them: an index holding every live user under NULL would look to the
  // planner like the way to answer `deleted_at IS NULL`, and walk the whole table for a page.
  await db.schema.createIndex('target_users_deleted').on('target_users').column('deleted_at').where(sql.ref('deleted_at'), 'is not', null).execute();

  // A custom field's value per user, as canonical text (number, date, boolean written out), folded beside it
  // for lookups by value.
  await db.schema
    .createTable('target_user_fields')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('target_user_id', 'text', (c) => c.notNull().references('target_users.id').onDelete('cascade'))
    .addColumn('field_id', 'text', (c) => c.notNull().references('custom_fields.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_ci', d.binaryTextType, (c) => c.notNull())
    .addPrimaryKeyConstraint('target_user_fields_pk', ['target_user_id', 'field_id'])
    .execute();
  await db.schema.createIndex('target_user_fields_value').on('target_user_fields').columns(['field_id', 'value_ci', 'target_user_id']).execute();

  // source: setting (a setting's target group), rule (grouping by a value), idp (a synchronised SCIM group),
  // manual. A deleted group keeps its row (deleted_at) so a rule needing its name brings it back.
  await db.schema
    .createTable('target_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_ci', d.binaryTextType, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('scim_setting_id', 'text')
    .addColumn('scim_group_id', 'text', (c) => c.unique())
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('target_groups_name').on('target_groups').columns(['company_id', 'name_ci']).unique().execute();

  // Membership is rows; origin says which rule put the user there (setting, rule, idp, manual), so a rule
  // moves only the memberships it made.
  await db.schema
    .createTable('target_group_members')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('target_groups.id').onDelete('cascade'))
    .addColumn('target_user_id', 'text', (c) => c.notNull().references('target_users.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('scim_setting_id', 'text')
    .addPrimaryKeyConstraint('target_group_members_pk', ['group_id', 'target_user_id'])
    .execute();
  await db.schema.createIndex('target_group_members_user').on('target_group_members').column('target_user_id').execute();

  // Ids are time-ordered: newest first is the primary key read backwards, and pruning is an id range.
  await db.schema
    .createTable('job_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('scim_setting_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('idp', 'text')
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('user_name', 'text')
    .addColumn('user_email_ci', d.binaryTextType)
    .addColumn('target_user_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('job_log_company').on('job_log').columns(['company_id', 'id']).execute();
  await db.schema.createIndex('job_log_setting').on('job_log').columns(['company_id', 'scim_setting_id', 'id']).execute();
  await db.schema.createIndex('job_log_outcome').on('job_log').columns(['company_id', 'outcome', 'id']).execute();
  await db.schema.createIndex('job_log_user').on('job_log').columns(['company_id', 'user_email_ci', 'id']).execute();
  await db.schema.createIndex('job_log_target_user').on('job_log').columns(['target_user_id', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('old_value', d.jsonType)
    .addColumn('new_value', d.jsonType)
    .execute();
  await db.schema.createIndex('audit_log_company').on('audit_log').columns(['company_id', 'id']).execute();
  // Append-only in the database itself: no code path, and no mistaken one, can change or remove a row.
  if (d.name === 'sqlite') {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
  } else {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  }

  // Long work (re-deriving a setting's users after a rules change): progress, and a cursor to resume from;
  // whoever holds an unexpired lease works it, so a job whose worker died is picked up by another.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scim_setting_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('error', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();

  // What the server last said about itself (its public SCIM URL), for the CLI, which runs without its environment.
  await db.schema
    .createTable('server_info')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
