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
  // 004
  language: ColumnType<string | null, string | null | undefined, string | null>;
  active_users: ColumnType<number, number | undefined, number>;
  license_exceeded_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The name folded: names are unique per installation, ignoring case. */
  name_ci: string;
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
  // 004: answer and store SCIM requests, but leave the target-user directory as it is.
  test_mode: ColumnType<boolean | number, boolean | number | undefined, boolean | number>;
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
  /** 008: of `succeeded`, those whose job-log row is a warning. */
  warned: Generated<number>;
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

/** 004: typed custom fields per company; names unique ignoring case, kept as typed. */
export interface CustomFieldsTable {
  id: string;
  company_id: string;
  name: string;
  name_ci: string;
  /** text | number | email | date | datetime | boolean */
  type: string;
  created_at: string;
}

/** 004: the platform's target users, projected from a SCIM resource or created by CSV, API or hand. */
export interface TargetUsersTable {
  id: string;
  company_id: string;
  /** scim | csv | api | manual */
  source_kind: string;
  scim_setting_id: string | null;
  scim_user_id: string | null;
  external_id: string | null;
  email: string;
  email_ci: string;
  email_domain: string;
  first_name: string | null;
  first_name_ci: string | null;
  last_name: string | null;
  last_name_ci: string | null;
  department: string | null;
  title: string | null;
  phone: string | null;
  timezone: string | null;
  preferred_language: string | null;
  manager_value: string | null;
  manager_value_ci: string | null;
  manager_id: string | null;
  active: BoolColumn;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TargetUserFieldsTable {
  company_id: string;
  target_user_id: string;
  field_id: string;
  value: string;
  value_ci: string;
}

export interface TargetGroupsTable {
  id: string;
  company_id: string;
  name: string;
  name_ci: string;
  /** setting | rule | idp | manual */
  source: string;
  scim_setting_id: string | null;
  scim_group_id: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TargetGroupMembersTable {
  company_id: string;
  group_id: string;
  target_user_id: string;
  /** setting | rule | idp | manual: the rule that put the user there */
  origin: string;
  scim_setting_id: string | null;
}

export interface JobLogTable {
  id: string;
  company_id: string;
  scim_setting_id: string | null;
  at: string;
  idp: string | null;
  operation: string;
  resource_type: string | null;
  resource_id: string | null;
  user_name: string | null;
  user_email_ci: string | null;
  target_user_id: string | null;
  /** success | warning | failure */
  outcome: string;
  status: number | null;
  detail: string | null;
}

export interface AuditLogTable {
  id: string;
  company_id: string | null;
  at: string;
  actor: string;
  ip: string | null;
  user_agent: string | null;
  entity: string;
  entity_id: string | null;
  operation: string;
  old_value: ColumnType<unknown, string | null, never>;
  new_value: ColumnType<unknown, string | null, never>;
}

export interface JobsTable {
  id: string;
  company_id: string;
  kind: string;
  scim_setting_id: string | null;
  /** queued | running | done | failed | cancelled */
  status: string;
  done: number;
  total: number;
  cursor: string | null;
  error: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** 006: a job's input file, decoded, in order (store/job-inputs.ts). */
export interface JobInputsTable {
  job_id: string;
  seq: number;
  content: string;
}

/** 009: SCIM users and groups per company, kept by triggers (migration 009). */
export interface ScimResourceCountsTable {
  company_id: string;
  user_count: number;
  group_count: number;
}

export interface ServerInfoTable {
  key: string;
  value: string;
  updated_at: string;
}

/** 005: people who administer Roster (auth/system-users.ts). */
export interface SystemUsersTable {
  id: string;
  email: string;
  email_ci: string;
  /** operator | admin | viewer */
  role: string;
  /** null for an operator: every company. */
  company_id: string | null;
  /** scrypt (auth/passwords.ts); null until an invitation is accepted. */
  password_hash: string | null;
  created_at: string;
  last_sign_in_at: string | null;
}

/** 005: one-time links that set a system user's password; only the token's SHA-256 is kept. */
export interface SystemUserInvitationsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** 005: signed-in system users; only the cookie token's SHA-256 is kept. */
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  idle_seconds: number;
  /** min(last_seen_at + idle_seconds, expires_at), or when it was ended. */
  idle_expires_at: string;
  /** The absolute end. */
  expires_at: string;
  ended_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** 005: consecutive failed sign-ins per folded email, known or not. */
export interface SignInFailuresTable {
  email_ci: string;
  failures: number;
  last_failed_at: string;
  locked_until: string | null;
}

/** 005: bearer keys for scripts, one company each; only the key's SHA-256 is kept. */
export interface ApiKeysTable {
  id: string;
  company_id: string;
  name: string;
  /** admin | viewer */
  role: string;
  prefix: string;
  key_hash: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Database {
  companies: CompaniesTable;
  scim_settings: ScimSettingsTable;
  scim_request_stats: ScimRequestStatsTable;
  scim_resource_counts: ScimResourceCountsTable;
  scim_rate_usage: ScimRateUsageTable;
  scim_users: ScimUsersTable;
  scim_user_emails: ScimUserEmailsTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  custom_fields: CustomFieldsTable;
  target_users: TargetUsersTable;
  target_user_fields: TargetUserFieldsTable;
  target_groups: TargetGroupsTable;
  target_group_members: TargetGroupMembersTable;
  job_log: JobLogTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  job_inputs: JobInputsTable;
  server_info: ServerInfoTable;
  system_users: SystemUsersTable;
  system_user_invitations: SystemUserInvitationsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  api_keys: ApiKeysTable;
}

export type { Generated };
