// Per-setting SCIM request counters (hourly buckets) and the last request and last error on scim_settings.
// Written by each server process's recorder about once a second; read by `roster scim-setting status`.
// Every statement is a primary-key upsert, update or range: none scans more than one setting's last hours.
import type { ExpressionBuilder } from 'kysely';
import type { Store } from './open.ts';
import type { Database } from './schema.ts';

export interface ScimRequestError {
  at: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  method: string;
  path: string;
}

export interface ScimSettingActivity {
  companyId: string;
  name: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastUserAgent: string | null;
  lastError: ScimRequestError | null;
  succeeded: number;
  warned: number;
  failed: number;
}

export interface RequestCounts {
  succeeded: number;
  /** Of `succeeded`, the requests whose job-log row is a warning. */
  warned: number;
  failed: number;
}

/**
 * Adds requests to the setting's bucket for `hour` (INSERT … ON CONFLICT DO UPDATE, the same statement on
 * SQLite and PostgreSQL, atomic across instances). True when this opened the bucket, so the caller knows
 * when to prune old ones.
 */
export async function countScimRequests(store: Store, settingId: string, hour: string, c: RequestCounts): Promise<boolean> {
  const row = await store.db
    .insertInto('scim_request_stats')
    .values({ scim_setting_id: settingId, hour, succeeded: c.succeeded, warned: c.warned, failed: c.failed })
    .onConflict((oc) =>
      oc.columns(['scim_setting_id', 'hour']).doUpdateSet((eb) => ({
        succeeded: eb('scim_request_stats.succeeded', '+', eb.ref('excluded.succeeded')),
        warned: eb('scim_request_stats.warned', '+', eb.ref('excluded.warned')),
        failed: eb('scim_request_stats.failed', '+', eb.ref('excluded.failed')),
      })),
    )
    .returning((eb) => eb('succeeded', '+', eb.ref('failed')).as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0) === c.succeeded + c.failed;
}

/** Drops the setting's buckets older than `before` (an index range on the primary key). */
export async function pruneScimRequestStats(store: Store, settingId: string, before: string): Promise<void> {
  await store.db.deleteFrom('scim_request_stats').where('scim_setting_id', '=', settingId).where('hour', '<', before).execute();
}

/** Sets last_seen_at / last_user_agent, unless another instance already recorded a later request. */
export async function markScimSettingSeen(store: Store, settingId: string, at: string, userAgent: string | null): Promise<void> {
  await store.db
    .updateTable('scim_settings')
    .set({ last_seen_at: at, last_user_agent: userAgent })
    .where('id', '=', settingId)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', at)]))
    .execute();
}

/** Records the setting's latest error response, unless a later one is already recorded. */
export async function recordScimSettingError(store: Store, settingId: string, e: ScimRequestError): Promise<void> {
  await store.db
    .updateTable('scim_settings')
    .set({
      last_error_at: e.at,
      last_error_status: e.status,
      last_error_scim_type: e.scimType,
      last_error_detail: e.detail,
      last_error_method: e.method,
      last_error_path: e.path,
    })
    .where('id', '=', settingId)
    .where((eb) => eb.or([eb('last_error_at', 'is', null), eb('last_error_at', '<=', e.at)]))
    .execute();
}

/**
 * The setting (company, name, revocation), its last request and error, and its counters over the buckets
 * from `sinceHour` on — in one statement, so the counters and the last error come from one snapshot (a request recorded between two
 * reads would otherwise be counted while its error is not yet shown).
 */
export async function readScimSettingActivity(store: Store, settingId: string, sinceHour: string): Promise<ScimSettingActivity | undefined> {
  const buckets = (eb: ExpressionBuilder<Database, 'scim_settings'>) =>
    eb.selectFrom('scim_request_stats').where('scim_setting_id', '=', settingId).where('hour', '>=', sinceHour);
  const row = await store.db
    .selectFrom('scim_settings')
    .select((eb) => [
      'company_id',
      'name',
      'revoked_at',
      'last_seen_at',
      'last_user_agent',
      'last_error_at',
      'last_error_status',
      'last_error_scim_type',
      'last_error_detail',
      'last_error_method',
      'last_error_path',
      buckets(eb)
        .select((b) => b.fn.sum<number | string | null>('succeeded').as('s'))
        .as('succeeded'),
      buckets(eb)
        .select((b) => b.fn.sum<number | string | null>('warned').as('w'))
        .as('warned'),
      buckets(eb)
        .select((b) => b.fn.sum<number | string | null>('failed').as('f'))
        .as('failed'),
    ])
    .where('id', '=', settingId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    companyId: row.company_id,
    name: row.name,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    lastUserAgent: row.last_user_agent,
    lastError:
      row.last_error_at === null || row.last_error_status === null
        ? null
        : {
            at: row.last_error_at,
            status: row.last_error_status,
            scimType: row.last_error_scim_type,
            detail: row.last_error_detail,
            method: row.last_error_method ?? '',
            path: row.last_error_path ?? '',
          },
    // pg returns SUM(integer) as a bigint string.
    succeeded: Number(row.succeeded ?? 0),
    warned: Number(row.warned ?? 0),
    failed: Number(row.failed ?? 0),
  };
}

/** A setting's hourly request counts from `sinceHour` on, oldest first; hours without requests are absent. */
export async function readScimRequestHours(store: Store, settingId: string, sinceHour: string): Promise<({ hour: string } & RequestCounts)[]> {
  const rows = await store.db
    .selectFrom('scim_request_stats')
    .select(['hour', 'succeeded', 'warned', 'failed'])
    .where('scim_setting_id', '=', settingId)
    .where('hour', '>=', sinceHour)
    .orderBy('hour')
    .execute();
  return rows.map((r) => ({ hour: r.hour, succeeded: Number(r.succeeded), warned: Number(r.warned), failed: Number(r.failed) }));
}
