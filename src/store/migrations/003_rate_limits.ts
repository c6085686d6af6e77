// Rate limits: a per-setting override of SCIM_RATE_LIMIT, and the table through which server instances tell
// each other how many requests each accepted per token and second (store/rate-usage.ts).
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, _d: StoreDialect): Promise<void> {
  // Requests per second for this setting's token; null = the server's default, 0 = unlimited.
  await db.schema.alterTable('scim_settings').addColumn('rate_limit', 'integer').execute();

  // One row per setting, instance and second (Unix seconds), added to about once a second by each instance
  // and pruned after a few seconds: it never holds more than the last seconds of the active settings.
  await db.schema
    .createTable('scim_rate_usage')
    .addColumn('scim_setting_id', 'text', (c) => c.notNull())
    .addColumn('second', 'bigint', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('scim_rate_usage_pk', ['second', 'scim_setting_id', 'instance_id'])
    .execute();
}
