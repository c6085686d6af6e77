// What `roster scim-setting status` reads: per SCIM setting, hourly request counters and the last request and
// last error. Kept minimal on purpose; the job log (every provisioning request with its details) is its own table.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, _d: StoreDialect): Promise<void> {
  // One row per setting and UTC hour, incremented by an upsert: a status read is an index range of ≤ 24 rows.
  await db.schema
    .createTable('scim_request_stats')
    .addColumn('scim_setting_id', 'text', (c) => c.notNull().references('scim_settings.id').onDelete('cascade'))
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('scim_request_stats_pk', ['scim_setting_id', 'hour'])
    .execute();

  for (const [column, type] of [
    ['last_seen_at', 'text'],
    ['last_user_agent', 'text'],
    ['last_error_at', 'text'],
    ['last_error_status', 'integer'],
    ['last_error_scim_type', 'text'],
    ['last_error_detail', 'text'],
    ['last_error_method', 'text'],
    ['last_error_path', 'text'],
  ] as const) {
    await db.schema.alterTable('scim_settings').addColumn(column, type).execute();
  }
}
