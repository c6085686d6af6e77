// Row types of every table, as Kysely sees them. JSON columns are TEXT on SQLite and jsonb on PostgreSQL;
// the dialect adapter (dialect.ts) reads and writes them, nothing else touches their raw form.
import type { ColumnType, Generated } from 'kysely';

/** Raw JSON as the driver hands it over: a string from SQLite, a parsed value from pg. */
export type JsonColumn = ColumnType<unknown, string, string>;
/** 0/1 on SQLite, boolean on PostgreSQL. */
export type BoolColumn = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface CompaniesTable {
  id: string;
  name: string;
  license_limit: number | null;
  license_enforce: BoolColumn;
  allowed_domains: JsonColumn;
  created_at: string;
}

export interface ScimSettingsTable {
  id: string;
  company_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  mappings: JsonColumn;
  group_name: string | null;
  group_by: string | null;
  sync_groups: BoolColumn;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
  // 002: what `roster scim-setting status` shows (store/scim-request-stats.ts writes them).
  last_seen_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_user_agent: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_status: ColumnType<number | null, number | null | undefined, number | null>;
  last_error_scim_type: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_detail: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_method: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_path: ColumnType<string | null, string | null | undefined, string | null>;
  // 003: requests per second for this token; null = the server default (SCIM_RATE_LIMIT), 0 = unlimited.
  rate_limit: ColumnType<number | null, number | null | undefined, number | null>;
}

/** 003: requests each instance accepted per token and second (store/rate-usage.ts). */
export interface ScimRateUsageTable {
  scim_setting_id: string;
  /** Unix seconds; pg returns bigint as a string. */
  second: ColumnType<number | string, number, number>;
  instance_id: string;
  accepted: number;
}

/** 002: SCIM requests per setting and UTC hour (`hour` is e.g. 2026-11-29T02:00:00.000Z). */
export interface ScimRequestStatsTable {
  scim_setting_id: string;
  hour: string;
  succeeded: number;
  failed: number;
}

export interface ScimUsersTable {
  company_id: string;
  id: string;
  scim_setting_id: string;
  user_name: string;
  user_name_ci: string;
  external_id: string | null;
  active: BoolColumn;
  resource: JsonColumn;
  resource_ci: JsonColumn;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScimUserEmailsTable {
  company_id: string;
  user_id: string;
  value_ci: string;
  type_ci: string | null;
  is_primary: BoolColumn;
}

export interface ScimGroupsTable {
  company_id: string;
  id: string;
  scim_setting_id: string;
  display_name: string;
  display_name_ci: string;
  external_id: string | null;
  resource: JsonColumn;
  resource_ci: JsonColumn;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  company_id: string;
  group_id: string;
  user_id: string;
}

export interface Database {
  companies: CompaniesTable;
  scim_settings: ScimSettingsTable;
  scim_request_stats: ScimRequestStatsTable;
  scim_rate_usage: ScimRateUsageTable;
  scim_users: ScimUsersTable;
  scim_user_emails: ScimUserEmailsTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
}

export type { Generated };
